// A TCP proxy for fault-injection tests: it sits between a websocket client
// (the daemon's feed) and a websocket server (the replay exchange) on
// loopback and breaks the link on command.
//
// It runs its own io_context on its own thread; every public method is
// thread-safe and returns once the fault is armed on that thread. It
// understands just enough of RFC 6455 in the server-to-client direction (the
// HTTP upgrade response, then unmasked frame headers) to know where frames
// begin, so it can insert whole frames between the server's frames and cut a
// connection in the middle of one. Client-to-server bytes are forwarded
// untouched.
//
// Faults on the connections open at the time of the call:
//   cut_mid_frame()   forward the header and half the payload of the next
//                     server frame, then close both sides (FIN)
//   freeze()          stop forwarding in both directions and send nothing,
//                     not even a FIN: a half-open link as after a NAT or
//                     firewall forgot it. New connections are not frozen.
//   inject_frame()    a whole text (or binary) frame, at the next boundary
//   inject_bytes()    raw bytes, at the next frame boundary
//   close_all()       close every connection (FIN)
// Modes for all traffic until changed:
//   set_delay()       each chunk is held this long before it is forwarded
//   set_throttle()    server-to-client bytes per second (0: unlimited)
//   set_refuse()      close the listening socket (connects are refused), or
//                     listen again on the same port
//   set_reject_upgrade()  answer new connections "HTTP/1.1 <status>" and
//                     close, without contacting the server (0: off)
//   set_upstream()    the server port new connections go to
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tickcast::test {

class FaultProxy {
 public:
  // Listens on 127.0.0.1 (`listen_port` 0: any free port) and forwards each
  // connection to 127.0.0.1:`upstream_port`. Throws std::runtime_error when
  // it cannot listen.
  explicit FaultProxy(std::uint16_t upstream_port, std::uint16_t listen_port = 0);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  [[nodiscard]] std::uint16_t port() const;

  void cut_mid_frame();
  void freeze();
  void close_all();
  void inject_frame(std::string payload, bool binary = false);
  // `count` copies of the frame, queued at once (a flood).
  void inject_frames(const std::string& payload, std::size_t count);
  void inject_bytes(std::string bytes);

  void set_delay(std::chrono::milliseconds delay);
  void set_throttle(std::size_t bytes_per_second);
  // Returns false if listening again on the same port failed.
  bool set_refuse(bool refuse);
  void set_reject_upgrade(int http_status);
  void set_upstream(std::uint16_t upstream_port);

  // Connections accepted and forwarded (not refused or rejected) so far.
  [[nodiscard]] std::uint64_t connections_forwarded() const;
  // Connections currently open towards the client.
  [[nodiscard]] std::uint64_t connections_open() const;
  // Frames and raw byte runs injected and written to a client.
  [[nodiscard]] std::uint64_t injections_written() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A websocket frame as a server sends it (FIN set, unmasked).
std::string websocket_frame(const std::string& payload, bool binary = false);

}  // namespace tickcast::test

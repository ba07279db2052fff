// One subscriber of /v1/stream: a websocket taken over from an HttpSession
// after the upgrade request passed the access checks.
//
// Reads client requests (subscribe, unsubscribe, ping, list) and answers
// each; writes the messages of its topics from its own queue, one at a time.
// The queue holds one message per topic (a newer one replaces an unsent
// older one: a slow client gets the newest, never a stale backlog), except
// that messages published within kBurstGrace of each other all queue, and at
// most server.stream_max_queue in all. A message that has waited in
// the queue longer than server.slow_client_timeout closes the connection
// with 1013.
//
// All handlers run on the connection's strand; deliver() is the only entry
// from other threads and only touches the queue, under its own mutex.
//
// Stream is beast::tcp_stream, or beast::ssl_stream<beast::tcp_stream> when
// the port speaks TLS.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "daemon/http_server.hpp"
#include "daemon/stream_hub.hpp"

namespace tickcast::daemon {

class StreamSession : public StreamSubscriber {
 public:
  // Answers the upgrade request and starts serving.
  virtual void run(HttpRequest request) = 0;

  // Closes with 1001 (going away): the server is stopping. The messages
  // already queued are written first, so a subscriber that keeps up misses
  // nothing published before the call; nothing is queued after it. Any
  // thread.
  virtual void stop() = 0;
};

template <class Stream>
class BasicStreamSession final : public StreamSession,
                                 public std::enable_shared_from_this<BasicStreamSession<Stream>> {
 public:
  // REQUIRES: hub->admit(ip) succeeded; the session releases the slot.
  BasicStreamSession(Stream&& stream, std::shared_ptr<StreamHub> hub, std::string ip);
  ~BasicStreamSession() override;

  void run(HttpRequest request) override;
  void stop() override;
  void deliver(const StreamMessagePtr& message) override;

 private:
  using std::enable_shared_from_this<BasicStreamSession<Stream>>::shared_from_this;
  using Clock = std::chrono::steady_clock;
  // Messages of one topic closer together than this are a burst, not a
  // backlog, and are not conflated (see deliver()).
  static constexpr Clock::duration kBurstGrace = std::chrono::milliseconds(20);

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(std::string_view text);
  // Queues a reply or snapshot (never conflated, sent before live messages).
  void enqueue_control(std::string text);
  void schedule_locked();
  void pump();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void check_slow();
  // Closes with `code` once no write is in flight; tears the connection down
  // if the close cannot be written within the slow-client timeout.
  void close_with(boost::beast::websocket::close_code code);
  // Queues nothing more, writes what is queued, then close_with(code);
  // tears the connection down if that takes longer than the slow-client
  // timeout.
  void close_after_queue(boost::beast::websocket::close_code code);
  // Closes the socket unless the session is finished within the slow-client
  // timeout (at least 5 s): a client that does not read cannot receive a
  // close frame either.
  void arm_teardown();
  void begin_close();
  void finish();

  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::flat_buffer read_buffer_;
  const std::shared_ptr<StreamHub> hub_;
  const std::string ip_;
  const StreamOptions options_;  // a snapshot taken when the session starts
  boost::asio::steady_timer check_timer_;
  boost::asio::steady_timer teardown_timer_;

  // Strand only.
  std::set<std::string> topics_;
  double tokens_;  // rate limit bucket
  Clock::time_point tokens_at_;
  bool writing_ = false;
  bool accepted_ = false;
  bool finished_ = false;
  bool released_ = false;  // the hub's connection slot is given back
  std::optional<boost::beast::websocket::close_code> close_code_;  // close requested
  // Set by close_after_queue(): close with this once the queue is empty.
  std::optional<boost::beast::websocket::close_code> close_when_drained_;
  bool close_started_ = false;
  StreamMessagePtr in_flight_;

  // Shared with publishers.
  std::mutex queue_mutex_;
  std::deque<StreamMessagePtr> control_;
  struct Pending {
    StreamMessagePtr message;
    // When the topic's slot was taken: a newer message replacing it keeps
    // the time, since the client has not caught up with the topic since.
    Clock::time_point since;
  };
  std::deque<Pending> pending_;
  bool pumping_ = false;  // a pump is posted or a write is in flight
  bool closing_ = false;  // no more messages are queued
};

}  // namespace tickcast::daemon

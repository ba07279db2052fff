// The daemon's HTTP server (Boost.Beast): one listening socket, one session
// per connection, a request handler that maps requests to responses.
//
// Every resource a client controls is bounded (STYLE.md #10): connections
// (503 past max_connections), header bytes (431), body bytes (413), the time
// a connection may sit idle, and the time a started request may take to
// arrive completely (then it is closed; this defeats slowloris). At
// max_connections a new connection first takes the place of the oldest one
// that is idle between requests (as NGINX reuses keep-alive connections), so
// a crowd of idle sockets cannot lock out /healthz or a real client; only when
// every connection is busy does the newcomer get 503. When the process runs
// out of file descriptors, accepting pauses briefly instead of spinning. stop() closes the
// listening socket and idle connections at once and lets requests in flight
// finish, so a graceful shutdown answers everyone it accepted.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tickcast::daemon {

class AccessPolicy;
class StreamHub;

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpLimits {
  std::size_t max_connections = 256;
  std::uint64_t max_header_bytes = 8 << 10;
  std::uint64_t max_body_bytes = 16 << 10;
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);
  std::chrono::nanoseconds request_timeout = std::chrono::seconds(10);
};

// Counters read by the metrics collector; written by sessions.
struct HttpStats {
  // Responses by status class: [0] 1xx ... [4] 5xx.
  std::array<std::atomic<std::uint64_t>, 5> responses{};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_rejected{0};  // over max_connections
  std::atomic<std::uint64_t> request_timeouts{0};      // closed mid-request at the deadline
  std::atomic<std::uint64_t> idle_evicted{0};   // idle, closed to admit one at max_connections
  std::atomic<std::uint64_t> accept_errors{0};  // accept() failed (EMFILE, ...)
  std::atomic<std::int64_t> connections_open{0};
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpLimits limits, HttpHandler handler);
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Opens, binds and listens. Returns "" or a one-line reason
  // ("cannot listen on 127.0.0.1:9464: Address already in use").
  [[nodiscard]] std::string listen(const boost::asio::ip::tcp::endpoint& endpoint);

  // The bound address (the real port when listening on port 0).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Serves the subscriber websocket at GET /v1/stream from `hub`, and checks
  // `access` on it (and on /metrics when the policy protects it).
  // REQUIRES: called before start().
  void enable_stream(std::shared_ptr<StreamHub> hub, std::shared_ptr<AccessPolicy> access);

  // Makes the port speak TLS only, with the PEM certificate chain and key.
  // Returns "" or a one-line reason. REQUIRES: called before start().
  [[nodiscard]] std::string enable_tls(const std::string& cert_file, const std::string& key_file);

  // Starts accepting. REQUIRES: listen() succeeded.
  void start();

  // Stops accepting and closes idle connections; requests in flight are
  // answered, then their connections close. Subscribers stay, and a
  // subscriber upgraded from now on is closed at once. Safe from any thread.
  void stop_accepting();

  // Closes every subscriber with 1001 (going away) once its queued messages
  // are written. The daemon calls it after the last publish, so a subscriber
  // that keeps up gets every bar logged before the shutdown. Any thread.
  void close_subscribers();

  // stop_accepting() and close_subscribers().
  void stop();

  // New limits apply to connections accepted and requests started afterwards.
  void set_limits(const HttpLimits& limits);

  [[nodiscard]] const HttpStats& stats() const;

  // State shared with the sessions, which may outlive a call to stop().
  struct Shared;

 private:
  void do_accept();
  void pause_accepting(const boost::system::error_code& ec);

  boost::asio::io_context& ioc_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tickcast::daemon

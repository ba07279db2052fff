// One HTTP connection of the HttpServer: read a request within the limits,
// answer it, repeat while the client keeps the connection alive. A GET
// /v1/stream that passes the access checks hands the socket over to a
// StreamSession (websocket) and ends this session.
//
// The same code serves plain TCP and TLS (server.tls_cert): Stream is
// beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
#pragma once

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>

#include "daemon/http_server.hpp"

namespace tickcast::daemon {

class HttpSession {
 public:
  virtual ~HttpSession() = default;

  // Starts reading requests (after the TLS handshake, with TLS), or answers
  // 503 and closes when `reject`.
  virtual void run(bool reject) = 0;

  // Closes the connection if it is waiting for a request; otherwise closes
  // it after the response in flight. Called by HttpServer::stop().
  virtual void stop() = 0;

  // If the connection is waiting for the first byte of a request, claims it
  // and closes it (soon, on its strand) and returns true; a request that
  // arrives meanwhile is not served. Otherwise false. Thread-safe: the
  // server calls it to make room at max_connections.
  virtual bool close_if_idle() = 0;

  // A session for a just-accepted socket; TLS when `tls` is not null.
  static std::shared_ptr<HttpSession> create(boost::asio::ip::tcp::socket&& socket,
                                             std::shared_ptr<HttpServer::Shared> shared,
                                             boost::asio::ssl::context* tls);
};

template <class Stream>
class BasicHttpSession final : public HttpSession,
                               public std::enable_shared_from_this<BasicHttpSession<Stream>> {
 public:
  BasicHttpSession(Stream&& stream, std::shared_ptr<HttpServer::Shared> shared);
  ~BasicHttpSession() override;

  void run(bool reject) override;
  void stop() override;
  bool close_if_idle() override;

 private:
  using std::enable_shared_from_this<BasicHttpSession<Stream>>::shared_from_this;
  void start(bool reject);
  void do_read();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void send(HttpResponse response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void answer_error_and_close(boost::beast::http::status status, std::string_view why);
  // The upgrade to /v1/stream: auth, origin, connection limits, hand-over.
  void serve_stream(HttpRequest request);
  // Whether the request carries a token the access policy accepts.
  [[nodiscard]] bool authorized(const HttpRequest& request) const;
  void answer_unauthorized(std::string_view path, bool had_token);
  [[nodiscard]] std::string remote_ip() const;
  void do_close();

  // The first read of a request only waits for it to begin.
  static constexpr std::size_t kFirstReadBytes = 1024;

  Stream stream_;
  // The connection's strand, kept apart because stream_ is moved out by an
  // upgrade.
  const boost::beast::tcp_stream::executor_type executor_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<HttpServer::Shared> shared_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpLimits limits_;  // a snapshot, taken per request
  bool writing_ = false;
  bool stopping_ = false;
  bool upgraded_ = false;  // stream_ now belongs to a StreamSession
  // True only while waiting for a request's first byte; whoever clears it
  // first (that byte arriving, or close_if_idle) decides the connection's fate.
  std::atomic<bool> idle_{false};
};

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

}  // namespace tickcast::daemon

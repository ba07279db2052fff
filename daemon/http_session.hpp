// One HTTP connection of the HttpServer: read a request within the limits,
// answer it, repeat while the client keeps the connection alive.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "daemon/http_server.hpp"

namespace tickcast::daemon {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<HttpServer::Shared> shared);
  ~HttpSession();

  // Starts reading requests, or answers 503 and closes when `reject`.
  void run(bool reject);

  // Closes the connection if it is waiting for a request; otherwise closes
  // it after the response in flight. Called by HttpServer::stop().
  void stop();

 private:
  void do_read();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void send(HttpResponse response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void answer_error_and_close(boost::beast::http::status status, std::string_view why);
  void do_close();

  // The first read of a request only waits for it to begin.
  static constexpr std::size_t kFirstReadBytes = 1024;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<HttpServer::Shared> shared_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpLimits limits_;  // a snapshot, taken per request
  bool writing_ = false;
  bool stopping_ = false;
};

}  // namespace tickcast::daemon

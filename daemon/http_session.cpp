#include "daemon/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "daemon/http_shared.hpp"

namespace tickcast::daemon {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<HttpServer::Shared> shared)
    : stream_(std::move(socket)), shared_(std::move(shared)) {
  shared_->stats.connections_open.fetch_add(1, std::memory_order_relaxed);
}

HttpSession::~HttpSession() {
  shared_->stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
}

void HttpSession::run(bool reject) {
  {
    std::lock_guard lock(shared_->mutex);
    limits_ = shared_->limits;
    stopping_ = shared_->stopped;
    // Forget sessions that have ended so the list stays as long as the
    // number of open connections.
    std::erase_if(shared_->sessions, [](const auto& weak) { return weak.expired(); });
    shared_->sessions.push_back(weak_from_this());
  }
  // All work happens on the session's strand.
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), reject] {
    if (reject) {
      self->answer_error_and_close(http::status::service_unavailable,
                                   "too many connections, try again later");
    } else if (self->stopping_) {
      self->do_close();
    } else {
      self->do_read();
    }
  });
}

void HttpSession::stop() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // A session between requests holds no promise to anyone: close now. One
    // that is writing closes when the write completes (on_write).
    if (!self->writing_) self->do_close();
  });
}

void HttpSession::do_read() {
  limits_ = shared_->current_limits();
  // A fresh parser per request: the limits are per message.
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  parser_->body_limit(limits_.max_body_bytes);
  // A pipelined request may already be buffered.
  if (buffer_.size() > 0) return read_request();
  // Waiting for the first byte of a request is idleness, with its own limit.
  stream_.expires_after(limits_.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&HttpSession::on_first_bytes, shared_from_this()));
}

void HttpSession::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  // Closed by the client, idle too long, or closed by stop(): all end the
  // connection quietly, since no request is waiting for an answer.
  if (ec || stopping_) return do_close();
  buffer_.commit(bytes);
  read_request();
}

void HttpSession::read_request() {
  // Once a request has begun, all of it must arrive within request_timeout:
  // a client trickling a byte at a time (slowloris) cannot hold the slot.
  stream_.expires_after(limits_.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  // stop() closed the socket under the read.
  if (ec == net::error::operation_aborted || stopping_) return do_close();
  if (ec == beast::error::timeout) {
    // tcp_stream has already closed the socket, so there is no 408 to send;
    // count it so an operator can see slow or hostile clients.
    shared_->stats.request_timeouts.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (ec == http::error::header_limit) {
    return answer_error_and_close(http::status::request_header_fields_too_large,
                                  "request header larger than server.max_header_bytes");
  }
  if (ec == http::error::body_limit) {
    return answer_error_and_close(http::status::payload_too_large,
                                  "request body larger than server.max_body_bytes");
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return do_close();
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    // A malformed request deserves an answer: the client may be a person.
    return answer_error_and_close(http::status::bad_request, "malformed request: " + ec.message());
  }
  if (ec) {
    // A reset or another transport error: nobody is left to answer.
    spdlog::debug("http: closing connection: {}", ec.message());
    return do_close();
  }

  HttpRequest request = parser_->release();
  HttpResponse response = shared_->handler(request);
  response.version(request.version());
  response.keep_alive(request.keep_alive() && !stopping_);
  send(std::move(response));
}

void HttpSession::send(HttpResponse response) {
  const unsigned status_class = response.result_int() / 100;
  if (status_class >= 1 && status_class <= 5) {
    shared_->stats.responses[status_class - 1].fetch_add(1, std::memory_order_relaxed);
  }
  response.set(http::field::server, "tickcast");
  response.prepare_payload();
  auto message = std::make_shared<HttpResponse>(std::move(response));
  writing_ = true;
  stream_.expires_after(limits_.request_timeout);
  http::async_write(stream_, *message,
                    [self = shared_from_this(), message](beast::error_code ec, std::size_t bytes) {
                      self->on_write(message->keep_alive(), ec, bytes);
                    });
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) return do_close();
  if (!keep_alive || stopping_) return do_close();
  do_read();
}

void HttpSession::answer_error_and_close(http::status status, std::string_view why) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(why) + "\n";
  response.keep_alive(false);
  send(std::move(response));
}

void HttpSession::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace tickcast::daemon

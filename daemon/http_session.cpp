#include "daemon/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "daemon/http_shared.hpp"
#include "daemon/stream_session.hpp"

namespace tickcast::daemon {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
BasicHttpSession<Stream>::BasicHttpSession(Stream&& stream,
                                           std::shared_ptr<HttpServer::Shared> shared)
    : stream_(std::move(stream)),
      executor_(beast::get_lowest_layer(stream_).get_executor()),
      shared_(std::move(shared)) {
  shared_->stats.connections_open.fetch_add(1, std::memory_order_relaxed);
}

template <class Stream>
BasicHttpSession<Stream>::~BasicHttpSession() {
  shared_->stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void BasicHttpSession<Stream>::run(bool reject) {
  {
    std::lock_guard lock(shared_->mutex);
    limits_ = shared_->limits;
    stopping_ = shared_->stopped;
    // Forget sessions that have ended so the list stays as long as the
    // number of open connections.
    std::erase_if(shared_->sessions, [](const auto& weak) { return weak.expired(); });
    shared_->sessions.push_back(this->weak_from_this());
  }
  // All work happens on the session's strand.
  net::dispatch(executor_, [self = shared_from_this(), reject] {
    if constexpr (kIsTls<Stream>) {
      // The TLS handshake counts as the start of the first request.
      beast::get_lowest_layer(self->stream_).expires_after(self->limits_.request_timeout);
      self->stream_.async_handshake(
          net::ssl::stream_base::server, [self, reject](beast::error_code ec) {
            if (ec) {
              spdlog::debug("http: TLS handshake failed: {}", ec.message());
              return self->do_close();
            }
            self->start(reject);
          });
    } else {
      self->start(reject);
    }
  });
}

template <class Stream>
void BasicHttpSession<Stream>::start(bool reject) {
  if (reject) {
    answer_error_and_close(http::status::service_unavailable,
                           "too many connections, try again later");
  } else if (stopping_) {
    do_close();
  } else {
    do_read();
  }
}

template <class Stream>
void BasicHttpSession<Stream>::stop() {
  net::dispatch(executor_, [self = shared_from_this()] {
    if (self->upgraded_) return;
    self->stopping_ = true;
    // A session between requests holds no promise to anyone: close now. One
    // that is writing closes when the write completes (on_write).
    if (!self->writing_) self->do_close();
  });
}

template <class Stream>
bool BasicHttpSession<Stream>::close_if_idle() {
  bool expected = true;
  if (!idle_.compare_exchange_strong(expected, false)) return false;
  net::dispatch(executor_, [self = shared_from_this()] { self->do_close(); });
  return true;
}

template <class Stream>
void BasicHttpSession<Stream>::do_read() {
  limits_ = shared_->current_limits();
  // A fresh parser per request: the limits are per message.
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  parser_->body_limit(limits_.max_body_bytes);
  // A pipelined request may already be buffered.
  if (buffer_.size() > 0) return read_request();
  // Waiting for the first byte of a request is idleness, with its own limit.
  beast::get_lowest_layer(stream_).expires_after(limits_.idle_timeout);
  idle_.store(true);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&BasicHttpSession::on_first_bytes, shared_from_this()));
}

template <class Stream>
void BasicHttpSession<Stream>::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  // Closed by the client, idle too long, or closed by stop(): all end the
  // connection quietly, since no request is waiting for an answer.
  // Claimed by close_if_idle (the byte came too late) or ended otherwise.
  if (!idle_.exchange(false) || ec || stopping_) return do_close();
  buffer_.commit(bytes);
  read_request();
}

template <class Stream>
void BasicHttpSession<Stream>::read_request() {
  // Once a request has begun, all of it must arrive within request_timeout:
  // a client trickling a byte at a time (slowloris) cannot hold the slot.
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&BasicHttpSession::on_read, shared_from_this()));
}

template <class Stream>
void BasicHttpSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
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
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (shared_->hub && path == "/v1/stream") return serve_stream(std::move(request));
  if (shared_->access && path == "/metrics" && shared_->access->metrics_protected() &&
      !authorized(request)) {
    return answer_unauthorized(
        path, !AccessPolicy::request_token(request[http::field::authorization], target).empty());
  }
  HttpResponse response = shared_->handler(request);
  response.version(request.version());
  response.keep_alive(request.keep_alive() && !stopping_);
  send(std::move(response));
}

template <class Stream>
void BasicHttpSession<Stream>::send(HttpResponse response) {
  const unsigned status_class = response.result_int() / 100;
  if (status_class >= 1 && status_class <= 5) {
    shared_->stats.responses[status_class - 1].fetch_add(1, std::memory_order_relaxed);
  }
  response.set(http::field::server, "tickcast");
  response.prepare_payload();
  auto message = std::make_shared<HttpResponse>(std::move(response));
  writing_ = true;
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_write(stream_, *message,
                    [self = shared_from_this(), message](beast::error_code ec, std::size_t bytes) {
                      self->on_write(message->keep_alive(), ec, bytes);
                    });
}

template <class Stream>
void BasicHttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec,
                                        std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) return do_close();
  if (!keep_alive || stopping_) return do_close();
  do_read();
}

template <class Stream>
void BasicHttpSession<Stream>::answer_error_and_close(http::status status, std::string_view why) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(why) + "\n";
  response.keep_alive(false);
  send(std::move(response));
}

template <class Stream>
std::string BasicHttpSession<Stream>::remote_ip() const {
  beast::error_code ec;
  auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}

template <class Stream>
bool BasicHttpSession<Stream>::authorized(const HttpRequest& request) const {
  return shared_->access->token_allowed(
      AccessPolicy::request_token(request[http::field::authorization], request.target()));
}

template <class Stream>
void BasicHttpSession<Stream>::answer_unauthorized(std::string_view path, bool had_token) {
  // Never log the token itself: logs travel further than secrets should.
  spdlog::warn("http: 401 on {} for {}: {}", path, remote_ip(),
               had_token ? "token not accepted" : "no token");
  HttpResponse response{http::status::unauthorized, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::www_authenticate, "Bearer realm=\"tickcast\"");
  response.body() = "a token is required: Authorization: Bearer <token> or ?token=<token>\n";
  response.keep_alive(false);
  send(std::move(response));
}

template <class Stream>
void BasicHttpSession<Stream>::serve_stream(HttpRequest request) {
  namespace websocket = beast::websocket;
  StreamStats& stats = shared_->hub->stats();
  const std::string ip = remote_ip();
  if (!websocket::is_upgrade(request)) {
    HttpResponse response{http::status::upgrade_required, 11};
    response.set(http::field::upgrade, "websocket");
    response.set(http::field::connection, "Upgrade");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "/v1/stream is a websocket: send GET with Upgrade: websocket\n";
    response.keep_alive(false);
    return send(std::move(response));
  }
  if (!authorized(request)) {
    stats.refused_unauthorized.fetch_add(1, std::memory_order_relaxed);
    return answer_unauthorized(
        "/v1/stream",
        !AccessPolicy::request_token(request[http::field::authorization], request.target())
             .empty());
  }
  if (!shared_->access->origin_allowed(request[http::field::origin], request[http::field::host])) {
    stats.refused_origin.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("http: 403 on /v1/stream for {}: origin {} not in server.allowed_origins", ip,
                 std::string_view(request[http::field::origin]));
    return answer_error_and_close(http::status::forbidden,
                                  "origin not allowed (server.allowed_origins)");
  }
  if (std::string why = shared_->hub->admit(ip); !why.empty()) {
    stats.refused_too_many.fetch_add(1, std::memory_order_relaxed);
    return answer_error_and_close(http::status::service_unavailable, why);
  }
  shared_->stats.responses[0].fetch_add(1, std::memory_order_relaxed);  // 101
  auto stream = std::make_shared<BasicStreamSession<Stream>>(std::move(stream_), shared_->hub, ip);
  upgraded_ = true;
  bool stopped = false;
  {
    std::lock_guard lock(shared_->mutex);
    stopped = shared_->stopped;
    std::erase_if(shared_->streams, [](const auto& weak) { return weak.expired(); });
    shared_->streams.push_back(stream);
  }
  stream->run(std::move(request));
  if (stopped) stream->stop();
}

template <class Stream>
void BasicHttpSession<Stream>::do_close() {
  if (upgraded_) return;
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  beast::get_lowest_layer(stream_).socket().close(ignored);
}

template class BasicHttpSession<beast::tcp_stream>;
template class BasicHttpSession<TlsStream>;

std::shared_ptr<HttpSession> HttpSession::create(net::ip::tcp::socket&& socket,
                                                 std::shared_ptr<HttpServer::Shared> shared,
                                                 net::ssl::context* tls) {
  if (tls != nullptr) {
    return std::make_shared<BasicHttpSession<TlsStream>>(
        TlsStream(beast::tcp_stream(std::move(socket)), *tls), std::move(shared));
  }
  return std::make_shared<BasicHttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                               std::move(shared));
}

}  // namespace tickcast::daemon

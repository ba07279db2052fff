#include "daemon/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>

#include "daemon/http_session.hpp"
#include "daemon/http_shared.hpp"
#include "daemon/stream_session.hpp"

namespace tickcast::daemon {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(net::io_context& ioc, HttpLimits limits, HttpHandler handler)
    : ioc_(ioc), shared_(std::make_shared<Shared>(ioc, limits, std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
}

std::string HttpServer::listen(const tcp::endpoint& endpoint) {
  auto fail = [&](const boost::system::error_code& ec) {
    std::string address = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                     : endpoint.address().to_string();
    return "cannot listen on " + address + ":" + std::to_string(endpoint.port()) + ": " +
           ec.message();
  };
  boost::system::error_code ec;
  tcp::acceptor& acceptor = shared_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail(ec);
  // A restarted daemon must be able to bind while old connections linger in
  // TIME_WAIT; SO_REUSEADDR on Linux still refuses a port another socket
  // is listening on.
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return fail(ec);
  if (acceptor.bind(endpoint, ec); ec) return fail(ec);
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail(ec);
  return {};
}

tcp::endpoint HttpServer::local_endpoint() const {
  boost::system::error_code ec;
  return shared_->acceptor.local_endpoint(ec);
}

void HttpServer::enable_stream(std::shared_ptr<StreamHub> hub,
                               std::shared_ptr<AccessPolicy> access) {
  shared_->hub = std::move(hub);
  shared_->access = std::move(access);
}

std::string HttpServer::enable_tls(const std::string& cert_file, const std::string& key_file) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2 and later only.
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  boost::system::error_code ec;
  if (context->use_certificate_chain_file(cert_file, ec); ec) {
    return "cannot use server.tls_cert " + cert_file + ": " + ec.message();
  }
  if (context->use_private_key_file(key_file, net::ssl::context::pem, ec); ec) {
    return "cannot use server.tls_key " + key_file + ": " + ec.message();
  }
  shared_->tls = std::move(context);
  return {};
}

void HttpServer::start() {
  do_accept();
}

void HttpServer::do_accept() {
  // Each connection gets its own strand, so handlers of one session never run
  // concurrently even with several network threads.
  shared_->acceptor.async_accept(net::make_strand(ioc_), [this, shared = shared_](
                                                             boost::system::error_code ec,
                                                             tcp::socket socket) {
    // The acceptor was closed by stop(): no more connections.
    if (ec == net::error::operation_aborted || !shared->acceptor.is_open()) return;
    if (ec) return pause_accepting(ec);
    bool reject = false;
    bool evicted = false;
    std::size_t limit = 0;
    {
      std::lock_guard lock(shared->mutex);
      limit = shared->limits.max_connections;
      if (static_cast<std::size_t>(shared->stats.connections_open.load()) >= limit) {
        // Oldest first: sessions are listed in the order they arrived.
        for (const auto& weak : shared->sessions) {
          auto session = weak.lock();
          if (session && session->close_if_idle()) {
            evicted = true;
            break;
          }
        }
        reject = !evicted;
      }
    }
    shared->stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    if (evicted) shared->stats.idle_evicted.fetch_add(1, std::memory_order_relaxed);
    if (reject) shared->stats.connections_rejected.fetch_add(1, std::memory_order_relaxed);
    if (evicted || reject) {
      const auto now = std::chrono::steady_clock::now();
      if (now - shared->last_limit_log >= std::chrono::seconds(10)) {
        shared->last_limit_log = now;
        spdlog::warn(
            "http: at server.max_connections ({}): idle connections closed to admit new "
            "ones: {}, refused with 503: {} (so far)",
            limit, shared->stats.idle_evicted.load(), shared->stats.connections_rejected.load());
      }
    }
    HttpSession::create(std::move(socket), shared, shared->tls.get())->run(reject);
    do_accept();
  });
}

void HttpServer::pause_accepting(const boost::system::error_code& ec) {
  // EMFILE, ENFILE, ENOBUFS and the like: accepting again at once would fail
  // again at once and spin a core; the connections wait in the backlog.
  shared_->stats.accept_errors.fetch_add(1, std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  if (now - shared_->last_accept_error_log >= std::chrono::seconds(10)) {
    shared_->last_accept_error_log = now;
    spdlog::error("http: cannot accept connections: {}; retrying every 100 ms ({} failures so far)",
                  ec.message(), shared_->stats.accept_errors.load());
  }
  shared_->accept_pause.expires_after(std::chrono::milliseconds(100));
  shared_->accept_pause.async_wait([this, shared = shared_](boost::system::error_code wait_ec) {
    if (wait_ec || !shared->acceptor.is_open()) return;
    do_accept();
  });
}

void HttpServer::stop() {
  stop_accepting();
  close_subscribers();
}

void HttpServer::close_subscribers() {
  std::vector<std::weak_ptr<StreamSession>> streams;
  {
    std::lock_guard lock(shared_->mutex);
    streams.swap(shared_->streams);
  }
  for (auto& weak : streams) {
    if (auto stream = weak.lock()) stream->stop();
  }
}

void HttpServer::stop_accepting() {
  std::vector<std::weak_ptr<HttpSession>> sessions;
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopped) return;
    shared_->stopped = true;
    sessions.swap(shared_->sessions);
  }
  // Closing from another thread is not allowed on an acceptor, so post it.
  net::post(shared_->acceptor.get_executor(), [shared = shared_] {
    boost::system::error_code ignored;
    shared->acceptor.close(ignored);
    shared->accept_pause.cancel();
  });
  for (auto& weak : sessions) {
    if (auto session = weak.lock()) session->stop();
  }
}

void HttpServer::set_limits(const HttpLimits& limits) {
  std::lock_guard lock(shared_->mutex);
  shared_->limits = limits;
}

const HttpStats& HttpServer::stats() const {
  return shared_->stats;
}

}  // namespace tickcast::daemon

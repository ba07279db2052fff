#include "daemon/http_server.hpp"

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
  shared_->acceptor.async_accept(
      net::make_strand(ioc_),
      [this, shared = shared_](boost::system::error_code ec, tcp::socket socket) {
        // The acceptor was closed by stop(): no more connections.
        if (ec == net::error::operation_aborted || !shared->acceptor.is_open()) return;
        if (!ec) {
          bool reject = false;
          {
            std::lock_guard lock(shared->mutex);
            reject = static_cast<std::size_t>(shared->stats.connections_open.load()) >=
                     shared->limits.max_connections;
          }
          shared->stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
          if (reject) shared->stats.connections_rejected.fetch_add(1, std::memory_order_relaxed);
          HttpSession::create(std::move(socket), shared, shared->tls.get())->run(reject);
        }
        // Errors like EMFILE are transient; keep accepting.
        do_accept();
      });
}

void HttpServer::stop() {
  std::vector<std::weak_ptr<HttpSession>> sessions;
  std::vector<std::weak_ptr<StreamSession>> streams;
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopped) return;
    shared_->stopped = true;
    sessions.swap(shared_->sessions);
    streams.swap(shared_->streams);
  }
  // Closing from another thread is not allowed on an acceptor, so post it.
  net::post(shared_->acceptor.get_executor(), [shared = shared_] {
    boost::system::error_code ignored;
    shared->acceptor.close(ignored);
  });
  for (auto& weak : sessions) {
    if (auto session = weak.lock()) session->stop();
  }
  for (auto& weak : streams) {
    if (auto stream = weak.lock()) stream->stop();
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

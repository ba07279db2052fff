// The part of HttpServer that its sessions share; private to the server.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <mutex>
#include <vector>

#include "daemon/http_server.hpp"
#include "daemon/stream_access.hpp"
#include "daemon/stream_hub.hpp"

namespace tickcast::daemon {

class HttpSession;
class StreamSession;

struct HttpServer::Shared {
  Shared(boost::asio::io_context& ioc, HttpLimits initial_limits, HttpHandler request_handler)
      : handler(std::move(request_handler)),
        acceptor(boost::asio::make_strand(ioc)),
        accept_pause(acceptor.get_executor()),
        limits(initial_limits) {}

  HttpLimits current_limits() {
    std::lock_guard lock(mutex);
    return limits;
  }

  const HttpHandler handler;
  HttpStats stats;
  // Set by HttpServer::enable_stream() before start(), constant afterwards;
  // null: no /v1/stream and no access checks.
  std::shared_ptr<StreamHub> hub;
  std::shared_ptr<AccessPolicy> access;
  // Set by HttpServer::enable_tls() before start(); null: plain TCP.
  std::unique_ptr<boost::asio::ssl::context> tls;
  boost::asio::ip::tcp::acceptor acceptor;
  // On the acceptor's strand: the pause after a failed accept, and when the
  // last line about the connection limit or accept errors was logged.
  boost::asio::steady_timer accept_pause;
  std::chrono::steady_clock::time_point last_limit_log{};
  std::chrono::steady_clock::time_point last_accept_error_log{};

  std::mutex mutex;  // guards everything below
  HttpLimits limits;
  std::vector<std::weak_ptr<HttpSession>> sessions;
  std::vector<std::weak_ptr<StreamSession>> streams;
  bool stopped = false;
};

}  // namespace tickcast::daemon

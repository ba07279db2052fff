// The part of HttpServer that its sessions share; private to the server.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>
#include <vector>

#include "daemon/http_server.hpp"

namespace tickcast::daemon {

class HttpSession;

struct HttpServer::Shared {
  Shared(boost::asio::io_context& ioc, HttpLimits initial_limits, HttpHandler request_handler)
      : handler(std::move(request_handler)),
        acceptor(boost::asio::make_strand(ioc)),
        limits(initial_limits) {}

  HttpLimits current_limits() {
    std::lock_guard lock(mutex);
    return limits;
  }

  const HttpHandler handler;
  HttpStats stats;
  boost::asio::ip::tcp::acceptor acceptor;

  std::mutex mutex;  // guards everything below
  HttpLimits limits;
  std::vector<std::weak_ptr<HttpSession>> sessions;
  bool stopped = false;
};

}  // namespace tickcast::daemon

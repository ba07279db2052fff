#include "tests/support/fault_proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tickcast::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUse = net::as_tuple(net::use_awaitable);
constexpr std::size_t kChunk = 64 * 1024;

// Where the server-to-client byte stream is: in the HTTP upgrade response,
// in a frame header, or in a frame's payload. advance() stops at each change,
// so the caller can act exactly at a frame boundary or a payload's start.
class FrameTracker {
 public:
  enum class Phase { kHttp, kHeader, kPayload };

  Phase phase() const { return phase_; }
  bool at_boundary() const { return phase_ == Phase::kHeader && header_.empty(); }
  std::uint64_t payload_length() const { return payload_length_; }
  std::uint64_t payload_remaining() const { return payload_remaining_; }

  // Consumes bytes from `data` up to the next change of phase (or all of
  // them) and returns how many.
  std::size_t advance(const unsigned char* data, std::size_t n) {
    std::size_t used = 0;
    switch (phase_) {
      case Phase::kHttp:
        while (used < n) {
          const unsigned char c = data[used++];
          static constexpr char kEnd[] = "\r\n\r\n";
          http_match_ = c == static_cast<unsigned char>(kEnd[http_match_]) ? http_match_ + 1
                        : c == '\r'                                        ? 1
                                                                           : 0;
          if (http_match_ == 4) {
            phase_ = Phase::kHeader;
            break;
          }
        }
        return used;
      case Phase::kHeader:
        while (used < n) {
          header_.push_back(data[used++]);
          if (header_.size() >= 2 && header_.size() == header_size()) {
            start_payload();
            break;
          }
        }
        return used;
      case Phase::kPayload: {
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(payload_remaining_, n));
        payload_remaining_ -= take;
        if (payload_remaining_ == 0) phase_ = Phase::kHeader;
        return take;
      }
    }
    return n;
  }

 private:
  std::size_t header_size() const {
    const unsigned len7 = header_[1] & 0x7f;
    const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t mask = (header_[1] & 0x80) ? 4 : 0;
    return 2 + ext + mask;
  }
  void start_payload() {
    const unsigned len7 = header_[1] & 0x7f;
    std::uint64_t len = len7;
    if (len7 == 126 || len7 == 127) {
      len = 0;
      const std::size_t bytes = len7 == 126 ? 2 : 8;
      for (std::size_t i = 0; i < bytes; ++i) len = (len << 8) | header_[2 + i];
    }
    header_.clear();
    payload_length_ = payload_remaining_ = len;
    phase_ = len == 0 ? Phase::kHeader : Phase::kPayload;
  }

  Phase phase_ = Phase::kHttp;
  int http_match_ = 0;
  std::vector<unsigned char> header_;
  std::uint64_t payload_length_ = 0;
  std::uint64_t payload_remaining_ = 0;
};

struct Out {
  std::string bytes;
  Clock::time_point due;
  bool injected = false;
  bool close_after = false;  // close both sides once written (a cut)
};

}  // namespace

struct Connection;

struct FaultProxy::Impl {
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::uint16_t port = 0;
  std::uint16_t upstream_port = 0;
  std::chrono::milliseconds delay{0};
  std::size_t throttle = 0;
  int reject_status = 0;
  std::vector<std::shared_ptr<Connection>> connections;
  std::atomic<std::uint64_t> forwarded{0};
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> injections{0};
  std::uint64_t accept_generation = 0;

  bool listen();
  net::awaitable<void> accept_loop(std::uint64_t generation);
  net::awaitable<void> reject(tcp::socket socket, int status);

  // Runs `fn` on the proxy's thread and waits for it.
  template <class Fn>
  auto run(Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    net::post(ioc, [&task] { task(); });
    return result.get();
  }
};

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(FaultProxy::Impl& proxy_in, tcp::socket client_in)
      : proxy(proxy_in),
        client(std::move(client_in)),
        server(proxy_in.ioc),
        client_wake(proxy_in.ioc),
        server_wake(proxy_in.ioc) {}

  net::awaitable<void> run();
  net::awaitable<void> pump_down();
  net::awaitable<void> pump_up();
  net::awaitable<void> write_loop(tcp::socket& to, std::deque<Out>& queue, net::steady_timer& wake,
                                  bool throttled);

  void to_client(std::string bytes, bool injected = false, bool close_after = false) {
    if (closed || frozen) return;
    client_queue.push_back(
        Out{std::move(bytes), Clock::now() + proxy.delay, injected, close_after});
    client_wake.cancel();
  }
  void to_server(std::string bytes) {
    if (closed || frozen) return;
    server_queue.push_back(Out{std::move(bytes), Clock::now() + proxy.delay, false, false});
    server_wake.cancel();
  }
  void flush_injections() {
    while (!pending.empty()) {
      to_client(std::move(pending.front()), true);
      pending.pop_front();
    }
  }
  void inject(std::string bytes) {
    pending.push_back(std::move(bytes));
    if (tracker.at_boundary()) flush_injections();
  }
  void freeze() {
    frozen = true;
    client_queue.clear();
    server_queue.clear();
    pending.clear();
  }
  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    for (tcp::socket* s : {&client, &server}) {
      if (!s->is_open()) continue;
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    }
    client_wake.cancel();
    server_wake.cancel();
    proxy.open--;
    std::erase(proxy.connections, shared_from_this());
  }

  FaultProxy::Impl& proxy;
  tcp::socket client, server;
  net::steady_timer client_wake, server_wake;
  std::deque<Out> client_queue, server_queue;
  std::deque<std::string> pending;  // injections waiting for a frame boundary
  FrameTracker tracker;
  bool cut_pending = false;
  bool frozen = false;
  bool closed = false;
};

net::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  auto [ec] = co_await server.async_connect(
      tcp::endpoint(net::ip::address_v4::loopback(), proxy.upstream_port), kUse);
  if (ec) {
    close();  // the client sees a FIN right after its connect succeeded
    co_return;
  }
  server.set_option(tcp::no_delay(true), ec);
  client.set_option(tcp::no_delay(true), ec);
  net::co_spawn(proxy.ioc, write_loop(client, client_queue, client_wake, true), net::detached);
  net::co_spawn(proxy.ioc, write_loop(server, server_queue, server_wake, false), net::detached);
  net::co_spawn(proxy.ioc, pump_up(), net::detached);
  co_await pump_down();
}

net::awaitable<void> Connection::pump_down() {
  auto self = shared_from_this();
  std::vector<unsigned char> buffer(kChunk);
  while (!closed) {
    auto [ec, n] = co_await server.async_read_some(net::buffer(buffer), kUse);
    if (closed) co_return;
    if (ec) {
      // The server ended: pass the end on once what was read is written.
      if (!frozen) to_client({}, false, true);
      co_return;
    }
    if (frozen) continue;  // swallowed: the client hears nothing
    std::size_t offset = 0;
    while (offset < n && !closed) {
      const bool payload_start = tracker.phase() == FrameTracker::Phase::kPayload &&
                                 tracker.payload_remaining() == tracker.payload_length();
      if (cut_pending && payload_start && tracker.payload_length() >= 2) {
        const std::size_t half = static_cast<std::size_t>(
            std::min<std::uint64_t>(tracker.payload_length() / 2, n - offset));
        to_client(std::string(buffer.begin() + offset, buffer.begin() + offset + half), false,
                  true);
        boost::system::error_code ignored;
        server.close(ignored);
        co_return;
      }
      const std::size_t used = tracker.advance(buffer.data() + offset, n - offset);
      to_client(std::string(buffer.begin() + offset, buffer.begin() + offset + used));
      offset += used;
      if (tracker.at_boundary()) flush_injections();
    }
  }
}

net::awaitable<void> Connection::pump_up() {
  auto self = shared_from_this();
  std::vector<char> buffer(kChunk);
  while (!closed) {
    auto [ec, n] = co_await client.async_read_some(net::buffer(buffer), kUse);
    if (closed) co_return;
    if (ec) {
      // The client left (also a frozen link's client, after its watchdog).
      close();
      co_return;
    }
    if (frozen) continue;
    to_server(std::string(buffer.data(), n));
  }
}

net::awaitable<void> Connection::write_loop(tcp::socket& to, std::deque<Out>& queue,
                                            net::steady_timer& wake, bool throttled) {
  auto self = shared_from_this();
  net::steady_timer pause(proxy.ioc);
  while (!closed) {
    if (queue.empty() || frozen) {
      wake.expires_at(Clock::time_point::max());
      co_await wake.async_wait(kUse);
      continue;
    }
    if (queue.front().due > Clock::now()) {
      pause.expires_at(queue.front().due);
      co_await pause.async_wait(kUse);
      continue;
    }
    Out out = std::move(queue.front());
    queue.pop_front();
    std::string_view rest = out.bytes;
    while (!rest.empty() && !closed && !frozen) {
      std::size_t take = rest.size();
      const std::size_t rate = throttled ? proxy.throttle : 0;
      if (rate > 0) take = std::min(take, std::max<std::size_t>(1, rate / 20));
      auto [ec, n] = co_await net::async_write(to, net::buffer(rest.data(), take), kUse);
      if (ec) {
        close();
        co_return;
      }
      rest.remove_prefix(n);
      if (rate > 0) {
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(kUse);
      }
    }
    if (closed || frozen) continue;
    if (out.injected) proxy.injections++;
    if (out.close_after) {
      close();
      co_return;
    }
  }
}

bool FaultProxy::Impl::listen() {
  boost::system::error_code ec;
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return false;
  }
  port = acceptor.local_endpoint().port();
  net::co_spawn(ioc, accept_loop(++accept_generation), net::detached);
  return true;
}

// Coroutines of the proxy hold no reference to it: the io_context they live
// in is the proxy's own, and destroying it ends them.
net::awaitable<void> FaultProxy::Impl::accept_loop(std::uint64_t generation) {
  while (generation == accept_generation && acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(kUse);
    if (generation != accept_generation) co_return;
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;
    }
    if (reject_status != 0) {
      net::co_spawn(ioc, reject(std::move(socket), reject_status), net::detached);
      continue;
    }
    forwarded++;
    open++;
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    connections.push_back(connection);
    net::co_spawn(ioc, connection->run(), net::detached);
  }
}

net::awaitable<void> FaultProxy::Impl::reject(tcp::socket socket, int status) {
  // Read the upgrade request first, so the client is not cut off mid-write.
  net::streambuf request(16 * 1024);
  co_await net::async_read_until(socket, request, "\r\n\r\n", kUse);
  const std::string response = "HTTP/1.1 " + std::to_string(status) +
                               " Rejected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  co_await net::async_write(socket, net::buffer(response), kUse);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

FaultProxy::FaultProxy(std::uint16_t upstream_port, std::uint16_t listen_port)
    : impl_(std::make_shared<Impl>()) {
  impl_->upstream_port = upstream_port;
  impl_->port = listen_port;
  if (!impl_->listen()) {
    throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1:" +
                             std::to_string(listen_port));
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

FaultProxy::~FaultProxy() {
  impl_->run([impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->accept_generation++;
    impl->acceptor.close(ignored);
    auto connections = impl->connections;
    for (auto& c : connections) c->close();
  });
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

std::uint16_t FaultProxy::port() const {
  return impl_->port;
}

void FaultProxy::cut_mid_frame() {
  impl_->run([impl = impl_.get()] {
    for (auto& c : impl->connections) c->cut_pending = true;
  });
}

void FaultProxy::freeze() {
  impl_->run([impl = impl_.get()] {
    for (auto& c : impl->connections) c->freeze();
  });
}

void FaultProxy::close_all() {
  impl_->run([impl = impl_.get()] {
    auto connections = impl->connections;
    for (auto& c : connections) c->close();
  });
}

void FaultProxy::inject_frame(std::string payload, bool binary) {
  inject_bytes(websocket_frame(payload, binary));
}

void FaultProxy::inject_frames(const std::string& payload, std::size_t count) {
  const std::string frame = websocket_frame(payload);
  impl_->run([impl = impl_.get(), &frame, count] {
    for (auto& c : impl->connections) {
      for (std::size_t i = 0; i < count; ++i) c->inject(frame);
    }
  });
}

void FaultProxy::inject_bytes(std::string bytes) {
  impl_->run([impl = impl_.get(), &bytes] {
    for (auto& c : impl->connections) c->inject(bytes);
  });
}

void FaultProxy::set_delay(std::chrono::milliseconds delay) {
  impl_->run([impl = impl_.get(), delay] { impl->delay = delay; });
}

void FaultProxy::set_throttle(std::size_t bytes_per_second) {
  impl_->run([impl = impl_.get(), bytes_per_second] { impl->throttle = bytes_per_second; });
}

bool FaultProxy::set_refuse(bool refuse) {
  return impl_->run([impl = impl_.get(), refuse] {
    if (refuse == !impl->acceptor.is_open()) return true;
    if (refuse) {
      boost::system::error_code ignored;
      impl->accept_generation++;
      impl->acceptor.close(ignored);
      return true;
    }
    return impl->listen();
  });
}

void FaultProxy::set_reject_upgrade(int http_status) {
  impl_->run([impl = impl_.get(), http_status] { impl->reject_status = http_status; });
}

void FaultProxy::set_upstream(std::uint16_t upstream_port) {
  impl_->run([impl = impl_.get(), upstream_port] { impl->upstream_port = upstream_port; });
}

std::uint64_t FaultProxy::connections_forwarded() const {
  return impl_->forwarded.load();
}

std::uint64_t FaultProxy::connections_open() const {
  return impl_->open.load();
}

std::uint64_t FaultProxy::injections_written() const {
  return impl_->injections.load();
}

std::string websocket_frame(const std::string& payload, bool binary) {
  std::string frame;
  frame.push_back(static_cast<char>(binary ? 0x82 : 0x81));
  const std::uint64_t n = payload.size();
  if (n < 126) {
    frame.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    frame.push_back(126);
    frame.push_back(static_cast<char>(n >> 8));
    frame.push_back(static_cast<char>(n & 0xff));
  } else {
    frame.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(n >> shift));
  }
  return frame + payload;
}

}  // namespace tickcast::test

// Fan-out of /v1/stream to many loopback subscribers: how fast messages
// reach all of them, and how long the last one waits.
//
// The server (StreamHub + HttpServer, one network thread) runs in this
// process; the subscribers (Beast websocket clients on one thread) run in a
// forked child, so each side has its own file-descriptor budget. Published
// messages carry CLOCK_MONOTONIC (the same clock in both processes), so the
// child measures publish -> receipt by the last subscriber directly.
//
//   latency:    50 status messages, 50 ms apart: p50/p99/max of
//               publish -> receipt by the last of the N subscribers.
//   throughput: 200 bars at 2000/s: messages delivered per second to all
//               subscribers together, from the first bar's publication to
//               the last receipt (a client that falls behind gets the newest
//               bar instead of each one: conflated, counted).
//
// Usage: stream_fanout_bench [N...]   (default 1000 10000)
// With --benchmark_min_time=... (the CI smoke run) it runs 50 subscribers.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/http_server.hpp"
#include "daemon/stream_access.hpp"
#include "daemon/stream_hub.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using tickcast::daemon::StreamHub;

constexpr int kLatencyMessages = 50;
constexpr int kThroughputBars = 200;

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t field(const std::string& text, const char* key) {
  const std::size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + std::strlen(key)));
}

// ---- the child: N subscribers ----

struct Results {
  std::vector<std::int64_t> last_receipt = std::vector<std::int64_t>(kLatencyMessages + 1, 0);
  std::vector<std::int64_t> published = std::vector<std::int64_t>(kLatencyMessages + 1, 0);
  std::vector<int> received = std::vector<int>(kLatencyMessages + 1, 0);
  std::int64_t first_bar_published = 0;
  std::int64_t last_bar_receipt = 0;
  std::uint64_t bars_received = 0;
  int finished_bars = 0;  // subscribers that got the last bar
  int subscribed = 0;
};

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(net::io_context& ioc, Results& results, int ready_fd, int n)
      : ws_(ioc), results_(results), ready_fd_(ready_fd), n_(n) {}

  void start(const tcp::endpoint& endpoint) {
    ws_.next_layer().async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail("connect", ec);
      self->ws_.async_handshake("127.0.0.1", "/v1/stream", [self](beast::error_code ec2) {
        if (ec2) return self->fail("handshake", ec2);
        self->ws_.async_write(
            net::buffer(
                std::string_view(R"({"op":"subscribe","topics":["status","bar:bench:X"],"id":1})")),
            [self](beast::error_code ec3, std::size_t) {
              if (ec3) return self->fail("subscribe", ec3);
              self->read();
            });
      });
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;  // closed at the end
      self->on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void on_message(const std::string& text) {
    const std::int64_t t = now_ns();
    if (text.rfind("{\"type\":\"ack\"", 0) == 0) {
      if (++results_.subscribed == n_) (void)!write(ready_fd_, "R", 1);
    } else if (text.rfind("{\"type\":\"status\"", 0) == 0) {
      const auto seq = field(text, "\"model_version\":");
      if (seq < 1 || seq > kLatencyMessages) return;
      results_.published[seq] = field(text, "\"time_ns\":");
      results_.last_receipt[seq] = std::max(results_.last_receipt[seq], t);
      ++results_.received[seq];
    } else if (text.rfind("{\"type\":\"bar\"", 0) == 0) {
      ++results_.bars_received;
      const auto sequence = field(text, "\"sequence\":");
      const auto published = field(text, "\"start_ns\":");
      if (results_.first_bar_published == 0 || published < results_.first_bar_published) {
        results_.first_bar_published = published;
      }
      if (sequence == kThroughputBars) {
        ++results_.finished_bars;
        results_.last_bar_receipt = std::max(results_.last_bar_receipt, t);
      }
    }
  }

  void fail(const char* what, beast::error_code ec) {
    std::fprintf(stderr, "subscriber: %s: %s\n", what, ec.message().c_str());
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  Results& results_;
  int ready_fd_;
  int n_;
};

void run_subscribers(int n, int port, int ready_fd, int result_fd) {
  net::io_context ioc;
  Results results;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(port));
  for (int i = 0; i < n; ++i) {
    std::make_shared<Subscriber>(ioc, results, ready_fd, n)->start(endpoint);
  }
  // Runs until the parent closes every connection (server stop).
  ioc.run();

  std::vector<double> latencies_ms;
  int complete = 0;
  for (int seq = 1; seq <= kLatencyMessages; ++seq) {
    if (results.received[seq] != n) continue;
    ++complete;
    latencies_ms.push_back(static_cast<double>(results.last_receipt[seq] - results.published[seq]) /
                           1e6);
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? -1.0
               : latencies_ms[std::min(latencies_ms.size() - 1,
                                       static_cast<std::size_t>(p * latencies_ms.size()))];
  };
  const double seconds =
      static_cast<double>(results.last_bar_receipt - results.first_bar_published) / 1e9;
  char line[512];
  const int len = std::snprintf(
      line, sizeof line,
      "subscribers %d: latency (publish -> last subscriber) p50 %.2f ms, p99 %.2f ms, max "
      "%.2f ms over %d messages seen by all; throughput %.0f messages/s delivered (%llu of "
      "%llu bars, %d subscribers got the last)\n",
      n, pct(0.5), pct(0.99), latencies_ms.empty() ? -1.0 : latencies_ms.back(), complete,
      seconds > 0 ? static_cast<double>(results.bars_received) / seconds : 0.0,
      static_cast<unsigned long long>(results.bars_received),
      static_cast<unsigned long long>(kThroughputBars) * static_cast<unsigned long long>(n),
      results.finished_bars);
  (void)!write(result_fd, line, static_cast<std::size_t>(len));
}

// ---- the parent: the server ----

void run(int n) {
  int ready[2], result[2];
  if (pipe(ready) != 0 || pipe(result) != 0) return;

  net::io_context ioc;
  tickcast::daemon::HttpLimits limits;
  limits.max_connections = static_cast<std::size_t>(n) + 10;  // all handshake at once
  tickcast::daemon::HttpServer server(ioc, limits, [](const tickcast::daemon::HttpRequest&) {
    return tickcast::daemon::HttpResponse{beast::http::status::not_found, 11};
  });
  tickcast::daemon::StreamOptions options;
  options.max_connections = static_cast<std::size_t>(n) + 10;
  options.max_connections_per_ip = static_cast<std::size_t>(n) + 10;
  options.slow_client_timeout = std::chrono::seconds(30);
  auto hub = std::make_shared<StreamHub>(
      std::vector<StreamHub::SymbolInfo>{{"bench", "X", 1'000'000'000}}, options);
  server.enable_stream(hub, std::make_shared<tickcast::daemon::AccessPolicy>());
  if (auto error = server.listen({net::ip::make_address("127.0.0.1"), 0}); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return;
  }
  const int port = server.local_endpoint().port();

  const pid_t child = fork();
  if (child == 0) {
    close(ready[0]);
    close(result[0]);
    run_subscribers(n, port, ready[1], result[1]);
    _exit(0);
  }
  close(ready[1]);
  close(result[1]);

  server.start();
  std::thread network([&] { ioc.run(); });
  char byte = 0;
  if (read(ready[0], &byte, 1) != 1) {
    std::fprintf(stderr, "subscribers did not all subscribe\n");
  }

  std::vector<double> publish_us;
  for (int seq = 1; seq <= kLatencyMessages; ++seq) {
    tickcast::daemon::StatusEvent event{
        "bench", "X", "model_swapped", "latency probe", static_cast<std::uint64_t>(seq), now_ns()};
    const auto start = std::chrono::steady_clock::now();
    hub->publish_status(event);
    publish_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 1; i <= kThroughputBars; ++i) {
    tickcast::Bar bar;
    bar.exchange = "bench";
    bar.symbol = "X";
    bar.sequence = static_cast<std::uint64_t>(i);
    bar.start_ns = now_ns();
    hub->publish_bar(bar);
    // 2000 bars a second: more than a thousand subscribers on one core can
    // take, so what arrives is what the stream sustains (the rest conflated).
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  // Wait for the last bar to reach everyone (or give up), then close all.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up &&
         hub->stats().messages.load() <
             static_cast<std::uint64_t>(n) * (1 + kLatencyMessages + kThroughputBars) -
                 hub->stats().dropped[0].load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.stop();

  std::string report;
  char buffer[512];
  for (ssize_t got; (got = read(result[0], buffer, sizeof buffer)) > 0;) {
    report.append(buffer, static_cast<std::size_t>(got));
  }
  waitpid(child, nullptr, 0);
  ioc.stop();
  network.join();
  std::sort(publish_us.begin(), publish_us.end());
  std::printf("%s  publish() to %d subscribers: p50 %.1f us, max %.1f us; conflated %llu\n",
              report.c_str(), n, publish_us[publish_us.size() / 2], publish_us.back(),
              static_cast<unsigned long long>(hub->stats().dropped[0].load()));
  std::fflush(stdout);
  close(ready[0]);
  close(result[0]);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> counts;
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark", 11) == 0) {
      smoke = true;
    } else {
      counts.push_back(std::atoi(argv[i]));
    }
  }
  if (counts.empty()) counts = smoke ? std::vector<int>{50} : std::vector<int>{1000, 10000};
  // A subscriber that never gets its ack must not hang CI: give up loudly.
  alarm(600);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  for (int n : counts) run(n);
  return 0;
}

// One stuck subscriber beside 100 normal ones, against the real binary.
//
// The daemon forecasts 100 symbols with 1 s bars, fed by a `tickcast
// replay-exchange` child that plays its synthetic market once per symbol,
// and publishes about 400 KB/s on the bar and forecast topics (eight score
// windows make each forecast about 3.4 KB). The stuck client subscribes to
// all of them and to status with a 4 KiB receive buffer and never reads, so
// its socket fills (the daemon's send buffer, which Linux lets grow to
// tcp_wmem's 4 MiB, in about 8 s) and its queue starts holding messages. The
// 100 normal clients (Beast, one thread) subscribe to the forecasts of 10
// symbols each (every symbol has 10 of them) and must get each forecast, in
// sequence, before the next bar closes; the daemon's resident memory must
// not grow by the backlog it refuses to keep; and the stuck client must be
// closed with 1013 after server.slow_client_timeout, counted in the metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kSymbols = 100;
constexpr int kNormalClients = 100;
constexpr int kTopicsPerClient = 10;  // each symbol's forecasts go to 10 clients
constexpr auto kSlowClientTimeout = 15s;
// A forecast is "in time" when it arrives before the next bar closes: it is
// published when its bar closes (bar end + allowed_lateness, 200 ms), and the
// next one is due one interval (1 s) later. Later than that, a client would
// be a whole forecast behind.
constexpr std::int64_t kInTimeNs = 1'000'000'000;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string symbol_name(int i) {
  std::string digits = std::to_string(i);
  return "S" + std::string(3 - std::min<std::size_t>(3, digits.size()), '0') + digits + "USDT";
}

// The port a child printed after `prefix` ("listening on ws://127.0.0.1:").
int port_after(Process& process, const std::string& prefix) {
  if (!process.wait_for_output(prefix, 10s)) return 0;
  const std::string log = process.output();
  return std::atoi(log.c_str() + log.find(prefix) + prefix.size());
}

long vm_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The value of one sample in a Prometheus scrape ("name{labels} value").
double metric(const std::string& scrape, const std::string& series) {
  const std::size_t at = scrape.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(scrape.substr(at + series.size() + 2));
}

// A normal subscriber: every forecast, checked for gaps and timeliness.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  explicit Subscriber(net::io_context& ioc) : ws_(ioc) {}

  // Connects and subscribes to the forecasts of `symbols`, synchronously;
  // reading starts with read().
  void connect(int port, const std::vector<std::string>& symbols) {
    ws_.next_layer().connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    ws_.handshake("127.0.0.1", "/v1/stream");
    std::string topics;
    for (const std::string& symbol : symbols) {
      topics += std::string(topics.empty() ? "" : ",") + "\"forecast:binance:" + symbol + "\"";
    }
    ws_.write(net::buffer(R"({"op":"subscribe","id":1,"topics":[)" + topics + "]}"));
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!self->stopping_) self->errors.push_back("read: " + ec.message());
        return;
      }
      self->on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void stop() {
    stopping_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  std::uint64_t live = 0;  // forecasts received live (not snapshots)
  std::uint64_t late = 0;  // ... of which later than kInTimeNs after their bar
  std::int64_t max_latency_ns = 0;
  std::vector<std::int64_t> latencies_ns;
  std::map<std::string, std::int64_t> last_seq;  // per topic
  std::vector<std::string> errors;               // gaps, bad frames, read errors

 private:
  void on_message(const std::string& text) {
    const std::int64_t now = wall_ns();
    simdjson::dom::element m;
    if (parser_.parse(text).get(m) != simdjson::SUCCESS) {
      errors.push_back("not JSON: " + text);
      return;
    }
    std::string_view type;
    if (m["type"].get(type) != simdjson::SUCCESS) return errors.push_back("no type: " + text);
    if (type == "ack") return;
    if (type != "forecast") return errors.push_back("unexpected: " + text);
    std::string_view topic_view;
    std::int64_t seq = 0;
    std::int64_t bar_end_ns = 0;
    if (m["topic"].get(topic_view) || m["seq"].get(seq) || m["bar_end_ns"].get(bar_end_ns)) {
      return errors.push_back("incomplete forecast: " + text);
    }
    const std::string topic(topic_view);
    bool snapshot = false;
    if (m["snapshot"].get(snapshot) != simdjson::SUCCESS)
      snapshot = false;  // live messages have none
    if (auto it = last_seq.find(topic); it != last_seq.end() && seq != it->second + 1) {
      errors.push_back(topic + ": seq " + std::to_string(seq) + " after " +
                       std::to_string(it->second));
    }
    last_seq[topic] = seq;
    if (snapshot) return;
    ++live;
    const std::int64_t latency = now - bar_end_ns;
    latencies_ns.push_back(latency);
    max_latency_ns = std::max(max_latency_ns, latency);
    if (latency > kInTimeNs) ++late;
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  simdjson::dom::parser parser_;
  bool stopping_ = false;
};

// Runs an io_context on its own thread; stops and joins it when destroyed
// (a failed ASSERT must not leave a joinable std::thread behind).
class ReaderThread {
 public:
  explicit ReaderThread(net::io_context& ioc) : ioc_(ioc), thread_([&ioc] { ioc.run(); }) {}
  ~ReaderThread() {
    ioc_.stop();
    join();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  net::io_context& ioc_;
  std::thread thread_;
};

TEST(StreamSlowConsumerTest, StuckClientIsClosedWhileOthersGetEveryForecastInTime) {
  TempDir dir;
  std::string symbols_csv, symbols_toml;
  for (int i = 0; i < kSymbols; ++i) {
    symbols_csv += (i ? "," : "") + symbol_name(i);
    symbols_toml += std::string(i ? ", " : "") + "\"" + symbol_name(i) + "\"";
  }
  Process exchange({tickcast_binary().string(), "replay-exchange", "--dialect", "binance",
                    "--listen", "127.0.0.1:0", "--symbols", symbols_csv, "--seed", "3"},
                   dir.path() / "exchange.log");
  const int exchange_port = port_after(exchange, "listening on ws://127.0.0.1:");
  ASSERT_GT(exchange_port, 0) << exchange.output();

  const auto config =
      dir.write("tickcast.toml",
                "[daemon]\nstate_dir = \"" + (dir.path() / "state").string() +
                    "\"\nshutdown_timeout = \"3s\"\n\n"
                    "[server]\nlisten = \"127.0.0.1:0\"\nstream_max_connections_per_ip = 1000\n"
                    "slow_client_timeout = \"" +
                    std::to_string(kSlowClientTimeout.count()) +
                    "s\"\n\n"
                    "[[feeds]]\nexchange = \"binance\"\nsymbols = [" +
                    symbols_toml + "]\nurl = \"ws://127.0.0.1:" + std::to_string(exchange_port) +
                    "/stream\"\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n\n"
                    "[scores]\nwindows = [10, 20, 30, 60, 120, 240, 600, 1440]\n");
  Process daemon({tickcast_binary().string(), "run", "--config", config.string()},
                 dir.path() / "daemon.log");
  const int port = port_after(daemon, "listening on 127.0.0.1:");
  ASSERT_GT(port, 0) << daemon.output();
  ASSERT_TRUE(daemon.wait_for_output("feed binance: connected", 10s)) << daemon.output();

  // The normal clients, all read on one thread.
  net::io_context ioc;
  std::vector<std::shared_ptr<Subscriber>> clients;
  for (int i = 0; i < kNormalClients; ++i) {
    std::vector<std::string> symbols;
    for (int k = 0; k < kTopicsPerClient; ++k) symbols.push_back(symbol_name((i + k) % kSymbols));
    clients.push_back(std::make_shared<Subscriber>(ioc));
    ASSERT_NO_THROW(clients.back()->connect(port, symbols));
    clients.back()->read();
  }
  ReaderThread reader(ioc);
  // Each has had a live forecast of every symbol before the stuck one comes.
  // The clients' state belongs to the reader thread: ask it there.
  auto all_warm = [&] {
    std::promise<bool> answer;
    net::post(ioc, [&] {
      answer.set_value(std::all_of(clients.begin(), clients.end(), [](const auto& c) {
        return c->last_seq.size() == kTopicsPerClient && c->live > 0;
      }));
    });
    return answer.get_future().get();
  };
  const auto warm_deadline = Clock::now() + 20s * kSlowBuildFactor;
  while (!all_warm() && Clock::now() < warm_deadline) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(all_warm()) << daemon.output();
  std::this_thread::sleep_for(2s);  // past the start: caches, first scores
  const long rss_before = vm_rss_kib(daemon.pid());
  const std::string conflated_series = "tickcast_subscriber_dropped_total{reason=\"conflated\"}";
  const double conflated_before = metric(http_get(port, "/metrics").body, conflated_series);

  // The stuck client: a small receive buffer, everything subscribed, no reads.
  net::io_context stuck_ioc;
  websocket::stream<tcp::socket> stuck(stuck_ioc);
  stuck.next_layer().open(tcp::v4());
  stuck.next_layer().set_option(net::socket_base::receive_buffer_size(4096));
  stuck.next_layer().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  stuck.handshake("127.0.0.1", "/v1/stream");
  stuck.write(net::buffer(
      std::string(R"({"op":"subscribe","topics":["bar:*:*","forecast:*:*","status"],"id":1})")));
  const auto stuck_since = Clock::now();

  // Hold it until the daemon closes it, sampling the daemon's memory. Its
  // socket is full once its queue starts conflating (newer messages replace
  // unsent ones of the same topic; the normal clients keep up and conflate
  // nothing): from then on an unbounded queue would grow by everything
  // published to its topics.
  long rss_full = 0, rss_max = rss_before;
  double closed_slow = 0;
  auto full_after = 0s, closed_after = 0s;
  auto since_stuck = [&] {
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - stuck_since);
  };
  while (Clock::now() - stuck_since < 60s * kSlowBuildFactor) {
    std::this_thread::sleep_for(250ms);
    const long rss = vm_rss_kib(daemon.pid());
    const std::string scrape = http_get(port, "/metrics").body;
    if (rss_full == 0 && metric(scrape, conflated_series) > conflated_before) {
      rss_full = rss;
      full_after = since_stuck();
    }
    rss_max = std::max(rss_max, rss);
    closed_slow = metric(scrape, "tickcast_subscriber_closed_total{reason=\"slow\"}");
    if (closed_slow >= 1) {
      closed_after = since_stuck();
      break;
    }
  }
  ASSERT_GT(rss_full, 0) << "the stuck client's socket never filled";
  ASSERT_EQ(closed_slow, 1) << "the stuck client was not closed within 60 s";
  // Closed no sooner than slow_client_timeout after its queue began to wait.
  EXPECT_GE(closed_after - full_after, kSlowClientTimeout - 1s);

  // It may still read what is buffered (the daemon waits at least 5 s before
  // dropping the connection): the stream ends with the 1013 close frame.
  std::uint64_t drained = 0, drained_bytes = 0;
  beast::flat_buffer buffer;
  beast::error_code ec;
  stuck.next_layer().set_option(net::socket_base::receive_buffer_size(1 << 20));
  while (!ec) {
    stuck.read(buffer, ec);
    if (!ec) ++drained, drained_bytes += buffer.size();
    buffer.consume(buffer.size());
  }
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(stuck.reason().code, websocket::close_code::try_again_later);

  // The others keep receiving for two more bars after the close.
  std::this_thread::sleep_for(2500ms);
  const std::string scrape = http_get(port, "/metrics").body;
  net::post(ioc, [&] {
    for (auto& c : clients) c->stop();
  });
  reader.join();

  // The stuck client's socket really filled: its queue held messages long
  // enough for newer ones of the same topic to replace them.
  EXPECT_GT(metric(scrape, "tickcast_subscriber_dropped_total{reason=\"conflated\"}"), 0);
  EXPECT_GE(metric(scrape, "tickcast_subscriber_dropped_total{reason=\"closed\"}"), 1);
  EXPECT_EQ(metric(scrape, "tickcast_subscribers"), kNormalClients);

  std::vector<std::int64_t> latencies;
  std::uint64_t late = 0, live_min = UINT64_MAX;
  for (const auto& c : clients) {
    EXPECT_THAT(c->errors, ::testing::IsEmpty());
    EXPECT_EQ(c->last_seq.size(), kTopicsPerClient);
    live_min = std::min(live_min, c->live);
    late += c->late;
    latencies.insert(latencies.end(), c->latencies_ns.begin(), c->latencies_ns.end());
  }
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    return latencies.empty()
               ? 0.0
               : latencies[static_cast<std::size_t>(p * (latencies.size() - 1))] / 1e6;
  };
  // Every client got at least the bars of the whole hold, for every symbol.
  EXPECT_GE(live_min, static_cast<std::uint64_t>(kTopicsPerClient) * (closed_after.count() + 2));
  // (The sanitizer builds run the daemon about ten times slower: there the
  // order and completeness above are checked, not the timing.)
  if (!kSanitizerBuild) {
    EXPECT_EQ(late, 0u) << "forecasts later than 1 s after their bar's end";
  }

  const long rss_growth = rss_max - rss_full;
  std::printf(
      "stuck client: socket full after %lld s, closed after %lld s (slow_client_timeout %lld s), "
      "%llu messages drained, %.0f conflated\n"
      "normal clients: %zu forecasts, latency from bar end p50 %.1f ms, p99 %.1f ms, max %.1f "
      "ms\n"
      "daemon VmRSS before %ld KiB, when the socket was full %ld KiB, max until closed %ld KiB "
      "(+%ld KiB)\n",
      static_cast<long long>(full_after.count()), static_cast<long long>(closed_after.count()),
      static_cast<long long>(kSlowClientTimeout.count()), static_cast<unsigned long long>(drained),
      metric(scrape, conflated_series) - conflated_before, latencies.size(), pct(0.5), pct(0.99),
      pct(1.0), rss_before, rss_full, rss_max, rss_growth);
  // While the socket was full, every message of the stuck client's topics
  // that found an unsent one of the same topic replaced it (conflated). An
  // unbounded queue would have kept them all: conflated × their mean size
  // (measured on what the client drained), about 6 MiB here. The daemon
  // must not have grown by even half of that.
  ASSERT_GT(drained, 0u);
  const double backlog_kib = (metric(scrape, conflated_series) - conflated_before) *
                             (static_cast<double>(drained_bytes) / drained) / 1024;
  std::printf("a queue without conflation would have held %.0f KiB more\n", backlog_kib);
  EXPECT_GT(backlog_kib, 4 * 1024) << "too little was published to make the comparison";
  // (Under ASan freed memory waits in its quarantine, so RSS grows by
  // design; LeakSanitizer checks the daemon's memory at exit there.)
  if (!kAddressSanitizer) {
    EXPECT_LT(rss_growth, backlog_kib / 2)
        << "VmRSS grew " << rss_growth << " KiB while the stuck client's queue was held";
  }

  daemon.signal(SIGTERM);
  auto status = daemon.wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.output();
  exchange.signal(SIGTERM);
  (void)exchange.wait_exit(10s);
}

}  // namespace
}  // namespace tickcast::test

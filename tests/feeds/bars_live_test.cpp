// Bars live over loopback: the replay exchange plays the real Binance
// recording at its real pace, the FeedClient receives it, and the Resampler
// runs on the same io_context with a timer driving advance(), as the daemon
// does. Then the exchange stalls (no trades at all) and bars must keep
// closing on time. Checked:
//   - every bar closes within allowed_lateness + 50 ms of its end, and not
//     before allowed_lateness, traded or quiet;
//   - the trades received, written to a CSV and put through
//     `tickcast resample`, give byte-identical bars.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "feeds/bar_csv.hpp"
#include "feeds/feed_client.hpp"
#include "feeds/replay_exchange.hpp"
#include "feeds/resampler.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kLateness = 200 * kMs;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Closed {
  Bar bar;
  BarEventKind kind;
  std::int64_t emitted_wall_ns;
};

std::string read_command(const std::string& command, int& exit_code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

template <class T>
void append_number(std::string& out, T value) {
  char buffer[32];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

TEST(BarsLive, BarsCloseOnTimeWithAndWithoutTradesAndMatchTheOfflineResampler) {
  boost::asio::io_context ioc;
  ReplayOptions replay;
  replay.dialect = "binance";
  replay.trades_file = (test::shared_data_dir() / "trades" /
                        "binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv")
                           .string();
  replay.speed = 1.0;  // the recording's own pace: about 30 trades a second
  std::string error;
  auto exchange = ReplayExchange::create(ioc, replay, error);
  ASSERT_TRUE(exchange) << error;
  exchange->start();

  ResamplerOptions options;
  options.exchange = "binance";
  options.symbol = "BTCUSDT";
  options.interval_ns = 1'000 * kMs;
  options.allowed_lateness_ns = kLateness;
  std::mutex mu;  // the test thread reads what the io thread records
  std::vector<Closed> closed;
  std::vector<Trade> received;
  Resampler resampler(options, [&](const BarEvent& e) {
    std::lock_guard lock(mu);
    closed.push_back({e.bar, e.kind, wall_ns()});
  });

  FeedOptions feed;
  feed.exchange = "binance";
  feed.symbols = {"BTCUSDT"};
  feed.url = "ws://127.0.0.1:" + std::to_string(exchange->port()) + "/stream?streams=btcusdt@trade";
  feed.stale_after = 30s;
  FeedCallbacks callbacks;
  callbacks.on_trade = [&](const Trade& t) {
    resampler.on_trade(t);
    std::lock_guard lock(mu);
    received.push_back(t);
  };
  auto client = FeedClient::create(ioc, feed, callbacks, error);
  ASSERT_TRUE(client) << error;
  client->start();

  // The daemon's bar timer: a short tick that advances the clock watermark.
  boost::asio::steady_timer tick(ioc);
  std::function<void()> arm = [&] {
    tick.expires_after(2ms);
    tick.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      resampler.advance(wall_ns());
      arm();
    });
  };
  arm();

  std::thread io([&] { ioc.run(); });
  std::this_thread::sleep_for(4s);
  exchange->inject(ReplayFault::kStall);  // trades stop; the connection stays up
  std::this_thread::sleep_for(3500ms);
  boost::asio::post(ioc, [&] {
    tick.cancel();
    client->stop();
    exchange->stop();
  });
  std::this_thread::sleep_for(100ms);
  ioc.stop();
  io.join();

  ASSERT_GT(received.size(), 40u) << "the recording plays about 30 trades a second";
  EXPECT_EQ(resampler.stats().late_trades(), 0u);
  ASSERT_GE(closed.size(), 6u);
  int quiet = 0;
  std::int64_t max_delay = 0;
  for (std::size_t i = 0; i < closed.size(); ++i) {
    const Closed& c = closed[i];
    ASSERT_EQ(c.kind, BarEventKind::kClose);
    const std::int64_t delay = c.emitted_wall_ns - c.bar.end_ns;
    max_delay = std::max(max_delay, delay);
    EXPECT_GE(delay, kLateness) << "bar " << i << " closed early";
    EXPECT_LE(delay, kLateness + 50 * kMs) << "bar " << i << " (" << to_string(c.bar.status)
                                           << ") closed " << delay / kMs << " ms after its end";
    if (c.bar.status == BarStatus::kQuiet) ++quiet;
  }
  EXPECT_GE(quiet, 2) << "the stall must produce quiet bars, on time";
  std::printf("%zu trades, %zu bars (%d quiet), largest close delay %.1f ms\n", received.size(),
              closed.size(), quiet, static_cast<double>(max_delay) / 1e6);

  // The same trades offline.
  const fs::path dir =
      fs::temp_directory_path() / ("tickcast_bars_live_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string csv = "exchange,symbol,trade_id,price,qty,side,exchange_time_ns,receive_time_ns\n";
  for (const Trade& t : received) {
    csv += t.exchange + "," + t.symbol + ",";
    append_number(csv, t.trade_id);
    csv += ',';
    append_number(csv, t.price);
    csv += ',';
    append_number(csv, t.qty);
    csv += t.side == Side::kBuy ? ",buy," : ",sell,";
    append_number(csv, t.exchange_time_ns);
    csv += ',';
    append_number(csv, t.receive_time_ns);
    csv += '\n';
  }
  std::ofstream(dir / "trades.csv") << csv;
  int exit_code = -1;
  const std::string offline = read_command(
      test::tickcast_binary().string() +
          " resample --interval 1s --allowed-lateness 200ms --input-format tickcast '" +
          (dir / "trades.csv").string() + "' 2>/dev/null",
      exit_code);
  fs::remove_all(dir);
  ASSERT_EQ(exit_code, 0);
  // Offline, the input simply ends: its last bar is closed as a partial gap
  // and no quiet bars follow. Every bar before it must match the live one.
  std::string live(bar_csv_header());
  live += '\n';
  std::size_t offline_bars = 0;
  for (char ch : offline) offline_bars += ch == '\n';
  offline_bars -= 1;  // header
  ASSERT_GE(offline_bars, 3u);
  ASSERT_GE(closed.size(), offline_bars);
  for (std::size_t i = 0; i + 1 < offline_bars; ++i) append_bar_csv(closed[i].bar, live);
  EXPECT_EQ(offline.substr(0, live.size()), live);
}

}  // namespace
}  // namespace tickcast::feeds

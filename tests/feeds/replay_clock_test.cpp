// The replay exchange's load-test options, through a real FeedClient over
// loopback: --clock tape keeps the recording's own spacing in the trade
// timestamps while sending as fast as the client reads (so exchange time runs
// faster than the wall clock and bars close by trade time), and extra symbols
// get every trade of the tape once each. The reference is the recording
// itself, read here with a plain split of its CSV lines.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "feeds/feed_client.hpp"
#include "feeds/replay_exchange.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSpotCsv = tickcast::test::shared_data_dir() / "trades" /
                          "binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv";

struct CsvTrade {
  std::uint64_t id = 0;
  std::int64_t time_ms = 0;
};

// trade_id,price,qty,trade_time_ms,... : the first `n` rows.
std::vector<CsvTrade> read_csv(std::size_t n) {
  std::ifstream in(kSpotCsv);
  std::string line;
  std::getline(in, line);  // header
  std::vector<CsvTrade> out;
  while (out.size() < n && std::getline(in, line)) {
    std::vector<std::string> f;
    std::size_t begin = 0;
    for (std::size_t comma; (comma = line.find(',', begin)) != std::string::npos;
         begin = comma + 1) {
      f.push_back(line.substr(begin, comma - begin));
    }
    out.push_back({std::stoull(f.at(0)), std::stoll(f.at(3))});
  }
  return out;
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ReplayClock : public ::testing::Test {
 protected:
  void TearDown() override {
    if (client_) client_->stop();
    if (exchange_) exchange_->stop();
    std::this_thread::sleep_for(50ms);
    guard_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Starts the exchange and a Binance client subscribed to `symbols`.
  void start(ReplayOptions replay, const std::vector<std::string>& symbols) {
    replay.dialect = "binance";
    replay.trades_file = kSpotCsv.string();
    std::string error;
    exchange_ = ReplayExchange::create(ioc_, replay, error);
    ASSERT_TRUE(exchange_) << error;
    exchange_->start();
    FeedOptions feed;
    feed.exchange = "binance";
    feed.symbols = symbols;
    feed.url = "ws://127.0.0.1:" + std::to_string(exchange_->port()) + "/ws";
    FeedCallbacks callbacks;
    callbacks.on_trade = [this](const Trade& t) {
      std::lock_guard lock(mu_);
      trades_.push_back(t);
      cv_.notify_all();
    };
    client_ = FeedClient::create(ioc_, std::move(feed), std::move(callbacks), error);
    ASSERT_TRUE(client_) << error;
    started_ns_ = wall_ns();
    client_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  // Waits for `n` trades (or 20 s) and returns a copy of the first n.
  std::vector<Trade> first(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 20s, [&] { return trades_.size() >= n; });
    return {trades_.begin(),
            trades_.begin() + static_cast<std::ptrdiff_t>(std::min(n, trades_.size()))};
  }

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(ioc_);
  std::thread thread_;
  std::unique_ptr<ReplayExchange> exchange_;
  std::shared_ptr<FeedClient> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Trade> trades_;
  std::int64_t started_ns_ = 0;
};

TEST_F(ReplayClock, TapeClockKeepsTheRecordedSpacingWhileSendingAtFullSpeed) {
  constexpr std::size_t kN = 3'000;
  const std::vector<CsvTrade> csv = read_csv(kN);
  ASSERT_EQ(csv.size(), kN);
  const std::int64_t recorded_span_ns = (csv.back().time_ms - csv.front().time_ms) * 1'000'000;
  ASSERT_GT(recorded_span_ns, 60'000'000'000);  // the recording's first 3,000 trades span minutes

  ReplayOptions replay;
  replay.speed = 0;
  replay.clock = ReplayOptions::Clock::kTape;
  start(replay, {"BTCUSDT"});
  const std::vector<Trade> got = first(kN);
  const std::int64_t elapsed_ns = wall_ns() - started_ns_;
  ASSERT_EQ(got.size(), kN);

  for (std::size_t i = 0; i < kN; ++i) {
    ASSERT_EQ(got[i].trade_id, csv[i].id) << i;
    // Binance frames carry milliseconds, and the tape's origin is not on a
    // millisecond, so each difference may be off by the one truncation.
    const std::int64_t want = (csv[i].time_ms - csv[0].time_ms) * 1'000'000;
    const std::int64_t have = got[i].exchange_time_ns - got[0].exchange_time_ns;
    ASSERT_LE(std::abs(have - want), 1'000'000) << "trade " << i;
  }
  // The timestamps start at about the moment the tape started...
  EXPECT_GE(got[0].exchange_time_ns, started_ns_ - 1'000'000);
  EXPECT_LE(got[0].exchange_time_ns, started_ns_ + elapsed_ns);
  // ...and ran far ahead of the wall clock: minutes of exchange time were
  // delivered in far less real time.
  EXPECT_LT(elapsed_ns, recorded_span_ns / 4) << "elapsed " << elapsed_ns / 1e9 << " s";
}

TEST_F(ReplayClock, WallClockStampsEachTradeWithTheTimeItIsSent) {
  ReplayOptions replay;
  replay.speed = 0;  // the default clock: a live market
  start(replay, {"BTCUSDT"});
  const std::vector<Trade> got = first(500);
  const std::int64_t done_ns = wall_ns();
  ASSERT_EQ(got.size(), 500u);
  for (const Trade& t : got) {
    ASSERT_GE(t.exchange_time_ns, started_ns_ - 1'000'000);
    ASSERT_LE(t.exchange_time_ns, done_ns);
  }
}

TEST_F(ReplayClock, ExtraSymbolsGetEveryTradeOnceWithTheSameIdsAndTimes) {
  constexpr std::size_t kPerSymbol = 400;
  const std::vector<CsvTrade> csv = read_csv(kPerSymbol);
  ReplayOptions replay;
  replay.speed = 0;
  replay.clock = ReplayOptions::Clock::kTape;
  replay.symbol = "BTCUSDT";
  replay.extra_symbols = {"ETHUSDT", "SOLUSDT"};
  start(replay, {"BTCUSDT", "ETHUSDT", "SOLUSDT"});
  const std::vector<Trade> got = first(3 * kPerSymbol);
  ASSERT_EQ(got.size(), 3 * kPerSymbol);

  std::map<std::string, std::vector<Trade>> by_symbol;
  for (const Trade& t : got) by_symbol[t.symbol].push_back(t);
  ASSERT_EQ(by_symbol.size(), 3u);
  for (const auto& [symbol, trades] : by_symbol) {
    ASSERT_EQ(trades.size(), kPerSymbol) << symbol;
    for (std::size_t i = 0; i < kPerSymbol; ++i) {
      ASSERT_EQ(trades[i].trade_id, csv[i].id) << symbol << " " << i;
      ASSERT_EQ(trades[i].exchange_time_ns, by_symbol["BTCUSDT"][i].exchange_time_ns) << symbol;
      ASSERT_EQ(trades[i].price, by_symbol["BTCUSDT"][i].price) << symbol;
    }
  }
}

}  // namespace
}  // namespace tickcast::feeds

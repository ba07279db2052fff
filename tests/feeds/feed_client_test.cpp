// The feed client against the replay exchange over loopback: plain ws and
// TLS with a test CA made here with the openssl command; a whole recorded
// stream with no loss and no duplicates; faults (drop, stall, garbage,
// duplicate, skipped id, oversized frame, reconnect request) survived and
// counted; reconnect timing within the backoff's bounds.
#include "feeds/feed_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "feeds/backoff.hpp"
#include "feeds/replay_exchange.hpp"
#include "feeds/trade_id_tracker.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSpotCsv = tickcast::test::shared_data_dir() / "trades" /
                          "binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv";

// An io_context on its own thread, plus what the feed delivered.
class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    if (client_) client_->stop();
    if (exchange_) exchange_->stop();
    std::this_thread::sleep_for(50ms);
    guard_.reset();
    ioc_.stop();
    thread_.join();
  }

  void start_exchange(ReplayOptions options) {
    std::string error;
    exchange_ = ReplayExchange::create(ioc_, options, error);
    ASSERT_TRUE(exchange_) << error;
    exchange_->start();
  }

  void start_client(FeedOptions options) {
    FeedCallbacks callbacks;
    callbacks.on_trade = [this](const Trade& t) {
      std::lock_guard lock(mu_);
      trades_.push_back(t);
      cv_.notify_all();
    };
    callbacks.log = [this](LogLevel level, std::string_view message) {
      std::lock_guard lock(mu_);
      logs_.emplace_back(std::chrono::steady_clock::now(), level, std::string(message));
    };
    std::string error;
    client_ = FeedClient::create(ioc_, std::move(options), std::move(callbacks), error);
    ASSERT_TRUE(client_) << error;
    client_->start();
  }

  FeedOptions feed(const std::string& exchange, const std::string& symbol, const std::string& url) {
    FeedOptions o;
    o.exchange = exchange;
    o.symbols = {symbol};
    o.url = url;
    o.stale_after = 5s;
    o.backoff_initial = 20ms;
    o.backoff_max = 100ms;
    return o;
  }

  std::string ws_url(const std::string& path = "/") const {
    return "ws://127.0.0.1:" + std::to_string(exchange_->port()) + path;
  }

  // Waits until `pred` holds (checked under the lock) or the timeout passes.
  // The timeout is a hang guard, so it scales with the build's slowness: a
  // whole recording at full speed takes over 20 s under ASan at -O0.
  bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout * test::kSlowBuildFactor;
    std::unique_lock lock(mu_);
    while (!pred()) {
      if (cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + 10ms)) ==
              std::cv_status::timeout &&
          std::chrono::steady_clock::now() >= deadline) {
        return pred();
      }
    }
    return true;
  }

  std::size_t trade_count() {
    std::lock_guard lock(mu_);
    return trades_.size();
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
  std::vector<std::tuple<std::chrono::steady_clock::time_point, LogLevel, std::string>> logs_;
};

TEST_F(Loopback, WholeRecordedStreamArrivesWithNoLossAndNoDuplicates) {
  ReplayOptions r;
  r.dialect = "binance";
  r.trades_file = kSpotCsv.string();
  r.speed = 0;  // as fast as the client reads
  start_exchange(r);
  start_client(feed("binance", "BTCUSDT", ws_url("/stream?streams=btcusdt@trade")));
  ASSERT_TRUE(wait_for([&] { return trades_.size() >= 19904; })) << trades_.size();
  std::this_thread::sleep_for(100ms);
  std::lock_guard lock(mu_);
  ASSERT_EQ(trades_.size(), 19904u);
  // The CSV's ids are consecutive from 3735683259 (PROVENANCE.md).
  for (std::size_t i = 0; i < trades_.size(); ++i) {
    ASSERT_EQ(trades_[i].trade_id, 3735683259u + i);
  }
  EXPECT_EQ(trades_.front().price, 61837.63);
  EXPECT_EQ(trades_.front().qty, 0.02);
  EXPECT_EQ(trades_.front().side, Side::kSell);  // is_buyer_maker true
  const FeedStats& s = client_->stats();
  EXPECT_EQ(s.symbols[0].trades_total, 19904u);
  EXPECT_EQ(s.symbols[0].duplicate_trades_total, 0u);
  EXPECT_EQ(s.symbols[0].trade_id_gaps_total, 0u);
  EXPECT_EQ(s.connects_total, 1u);
  EXPECT_TRUE(s.connected);
  EXPECT_EQ(s.symbols[0].latency.count(), 19904u);
}

TEST_F(Loopback, RecordedRawFramesAreReplayedVerbatim) {
  // The first recorded spot day, every frame (bookTicker, depth, trades and
  // the REST snapshot line), replayed as it was received.
  const fs::path frames =
      fs::temp_directory_path() / ("tickcast_frames_" + std::to_string(::getpid()));
  const std::string unzip = "gzip -dc '" +
                            (tickcast::test::shared_data_dir() /
                             "trades/raw/hftbacktest_binance_spot_btcusdt_20240808.gz")
                                .string() +
                            "' > '" + frames.string() + "'";
  ASSERT_EQ(std::system(unzip.c_str()), 0);
  ReplayOptions r;
  r.dialect = "binance";
  r.trades_file = frames.string();
  r.speed = 0;
  start_exchange(r);
  start_client(feed("binance", "BTCUSDT", ws_url("/stream?streams=btcusdt@trade")));
  ASSERT_TRUE(wait_for([&] { return trades_.size() >= 9757; })) << trades_.size();
  ASSERT_TRUE(
      wait_for([&] { return client_->stats().frames_of(FrameKind::kOther) >= 28040 + 3451; }));
  std::this_thread::sleep_for(100ms);
  fs::remove(frames);
  const FeedStats& s = client_->stats();
  // PROVENANCE.md: 9,757 trades, 28,040 bookTicker, 3,451 depth, 1 REST snapshot.
  EXPECT_EQ(s.frames_of(FrameKind::kTrade), 9757u);
  EXPECT_EQ(s.frames_of(FrameKind::kOther), 28040u + 3451u);
  EXPECT_EQ(s.errors_of(DecodeError::kUnexpectedShape), 1u);
  EXPECT_EQ(s.symbols[0].trade_id_gaps_total, 0u);
  std::lock_guard lock(mu_);
  EXPECT_EQ(trades_.size(), 9757u);
  EXPECT_EQ(trades_.front().trade_id, 3735683259u);
  EXPECT_EQ(trades_.front().exchange_time_ns, 1723161255342000000);  // verbatim, not re-stamped
}

TEST_F(Loopback, EveryDialectSubscribesAndDecodesItsOwnStream) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases{
      {"binance", "BTCUSDT", "/ws"}, {"coinbase", "BTC-USD", "/"}, {"kraken", "BTC/USD", "/v2"},
      {"bitstamp", "btcusd", "/"},   {"okx", "BTC-USDT", "/"},     {"bybit", "BTCUSDT", "/"}};
  for (const auto& [exchange, symbol, path] : cases) {
    SCOPED_TRACE(exchange);
    ReplayOptions r;
    r.dialect = exchange;
    r.symbol = symbol;
    r.trades_file = kSpotCsv.string();
    r.speed = 0;
    start_exchange(r);
    {
      std::lock_guard lock(mu_);
      trades_.clear();
    }
    start_client(feed(exchange, symbol, ws_url(path)));
    ASSERT_TRUE(wait_for([&] { return trades_.size() >= 2000; }));
    {
      std::lock_guard lock(mu_);
      EXPECT_EQ(trades_[0].exchange, exchange);
      EXPECT_EQ(trades_[0].symbol, symbol);
      EXPECT_EQ(trades_[0].price, 61837.63);
      EXPECT_EQ(trades_[0].qty, 0.02);
      EXPECT_EQ(trades_[0].side, Side::kSell);
    }
    EXPECT_EQ(client_->stats().frames_of(FrameKind::kInvalid), 0u);
    EXPECT_GE(
        client_->stats().frames_of(FrameKind::kSubscribed) + (exchange == "binance" ? 1u : 0u), 1u);
    client_->stop();
    exchange_->stop();
    std::this_thread::sleep_for(50ms);
    client_.reset();
    exchange_.reset();
  }
}

TEST_F(Loopback, FaultsAreSurvivedAndCounted) {
  ReplayOptions r;
  r.dialect = "binance";
  r.speed = 1;  // synthetic stream, about 20 trades a second
  r.loop = true;
  start_exchange(r);
  FeedOptions o = feed("binance", "BTCUSDT", ws_url("/stream?streams=btcusdt@trade"));
  // The watchdog counts whole frames. Under TSan, reading and discarding the
  // 2 MiB oversized frame below took longer than 600 ms, so the link was
  // recycled mid-frame and the frame never counted: scaled like a hang guard.
  o.stale_after = 600ms * test::kSlowBuildFactor;
  o.max_frame_bytes = 64 * 1024;
  start_client(o);
  const FeedStats& s = client_->stats();
  auto trades_now = [&] { return s.symbols[0].trades_total.load(); };
  ASSERT_TRUE(wait_for([&] { return trades_.size() >= 5; }));

  exchange_->inject(ReplayFault::kGarbage);
  ASSERT_TRUE(wait_for([&] { return s.errors_of(DecodeError::kNotJson) == 1; }));
  exchange_->inject(ReplayFault::kOversized);
  ASSERT_TRUE(wait_for([&] { return s.errors_of(DecodeError::kTooLarge) == 1; }));
  exchange_->inject(ReplayFault::kDuplicate);
  ASSERT_TRUE(wait_for([&] { return s.symbols[0].duplicate_trades_total == 1; }));
  exchange_->inject(ReplayFault::kSkipId);
  ASSERT_TRUE(wait_for([&] { return s.symbols[0].trade_id_gaps_total == 1; }));
  EXPECT_EQ(s.symbols[0].missing_trade_ids_total, 1u);
  // None of those cost the connection.
  EXPECT_EQ(s.connects_total, 1u);

  exchange_->inject(ReplayFault::kDrop);
  ASSERT_TRUE(wait_for([&] { return s.connects_total == 2; }));
  EXPECT_EQ(
      s.disconnects_of(DisconnectReason::kRead) + s.disconnects_of(DisconnectReason::kRemoteClose),
      1u);
  const auto before_stall = trades_now();
  ASSERT_TRUE(wait_for([&] { return trades_now() > before_stall + 3; }));

  exchange_->inject(ReplayFault::kStall);
  ASSERT_TRUE(wait_for([&] { return s.disconnects_of(DisconnectReason::kStale) == 1; }));
  ASSERT_TRUE(wait_for([&] { return s.connects_total == 3; }));
  const auto after_stall = trades_now();
  ASSERT_TRUE(wait_for([&] { return trades_now() > after_stall + 3; }));

  // A server's request to reconnect: a new connection first, then the switch.
  exchange_->inject(ReplayFault::kReconnectRequest);
  ASSERT_TRUE(wait_for([&] { return s.disconnects_of(DisconnectReason::kServerRequest) == 1; }));
  EXPECT_EQ(s.connects_total, 4u);
  EXPECT_GE(s.frames_of(FrameKind::kReconnect), 1u);

  // Across all of it, no trade was delivered twice and ids only grew.
  std::lock_guard lock(mu_);
  for (std::size_t i = 1; i < trades_.size(); ++i) {
    ASSERT_GT(trades_[i].trade_id, trades_[i - 1].trade_id) << i;
  }
}

TEST_F(Loopback, RotationOpensTheNewConnectionBeforeClosingTheOld) {
  ReplayOptions r;
  r.dialect = "binance";
  r.speed = 1;
  start_exchange(r);
  FeedOptions o = feed("binance", "BTCUSDT", ws_url("/stream?streams=btcusdt@trade"));
  o.stale_after = 2s;
  o.rotate_after = 700ms;
  start_client(o);
  const FeedStats& s = client_->stats();
  ASSERT_TRUE(wait_for([&] { return s.disconnects_of(DisconnectReason::kRotation) >= 2; }, 10s));
  EXPECT_EQ(s.disconnects_of(DisconnectReason::kStale), 0u);
  EXPECT_TRUE(s.connected);
  std::lock_guard lock(mu_);
  for (std::size_t i = 1; i < trades_.size(); ++i) {
    ASSERT_GT(trades_[i].trade_id, trades_[i - 1].trade_id) << i;
  }
  EXPECT_EQ(s.symbols[0].trade_id_gaps_total, 0u);  // make-before-break loses nothing
}

TEST_F(Loopback, ReconnectDelaysFollowTheBackoff) {
  // A port with nothing listening: every attempt fails at the connect stage.
  boost::asio::ip::tcp::acceptor probe(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  FeedOptions o = feed("binance", "BTCUSDT", "ws://127.0.0.1:" + std::to_string(port) + "/ws");
  o.backoff_initial = 100ms;
  o.backoff_max = 400ms;
  start_client(o);
  ASSERT_TRUE(wait_for(
      [&] {
        return std::count_if(logs_.begin(), logs_.end(), [](const auto& l) {
                 return std::get<2>(l).find("connecting to") != std::string::npos;
               }) >= 7;
      },
      10s));
  client_->stop();
  std::lock_guard lock(mu_);
  std::vector<std::chrono::steady_clock::time_point> attempts;
  for (const auto& [when, level, message] : logs_) {
    if (message.find("connecting to") != std::string::npos) attempts.push_back(when);
  }
  // Attempt 1 is the first retry: immediate. Retry n waits at most
  // min(400, 100 * 2^(n-2)) ms (plus scheduling slack).
  const std::vector<double> caps_ms{0, 100, 200, 400, 400, 400};
  for (std::size_t i = 1; i < 7; ++i) {
    const double gap =
        std::chrono::duration<double, std::milli>(attempts[i] - attempts[i - 1]).count();
    EXPECT_LE(gap, caps_ms[i - 1] + 60) << "retry " << i;
  }
  EXPECT_GE(client_->stats().disconnects_of(DisconnectReason::kConnect), 6u);
  EXPECT_FALSE(client_->stats().connected);
}

TEST_F(Loopback, TlsWithATestCaAndHostNameVerification) {
  const fs::path dir = fs::temp_directory_path() / ("tickcast_tls_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string d = dir.string();
  const std::string script =
      "cd '" + d +
      "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj '/CN=tickcast test CA' 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=localhost' 2>/dev/null && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile ext.cnf 2>/dev/null && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 "
      "-subj '/CN=someone else' 2>/dev/null";
  ASSERT_EQ(std::system(script.c_str()), 0);

  ReplayOptions r;
  r.dialect = "coinbase";
  r.trades_file = kSpotCsv.string();
  r.speed = 0;
  r.tls_cert = d + "/server.pem";
  r.tls_key = d + "/server.key";
  start_exchange(r);
  const std::string url = "wss://localhost:" + std::to_string(exchange_->port()) + "/";

  // Trusting the test CA: connects and streams.
  FeedOptions o = feed("coinbase", "BTC-USD", url);
  o.ca_file = d + "/ca.pem";
  start_client(o);
  ASSERT_TRUE(wait_for([&] { return trades_.size() >= 1000; }));
  client_->stop();
  std::this_thread::sleep_for(50ms);

  // Trusting only an unrelated CA: the TLS stage fails, over and over.
  FeedOptions bad = feed("coinbase", "BTC-USD", url);
  bad.ca_file = d + "/other.pem";
  start_client(bad);
  ASSERT_TRUE(
      wait_for([&] { return client_->stats().disconnects_of(DisconnectReason::kTls) >= 2; }));
  EXPECT_EQ(client_->stats().connects_total, 0u);
  fs::remove_all(dir);
}

TEST(RateLimitedLog, PassesABurstPerWindowThenSaysHowManyItDropped) {
  std::vector<std::string> lines;
  RateLimitedLog log([&](LogLevel, std::string_view m) { lines.emplace_back(m); }, 3, 100ms);
  for (int i = 0; i < 10; ++i) log.log(LogLevel::kWarn, "decode", "bad frame " + std::to_string(i));
  log.log(LogLevel::kWarn, "gap", "other category");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "bad frame 2");
  EXPECT_EQ(lines[3], "other category");
  EXPECT_EQ(log.suppressed_total(), 7u);
  std::this_thread::sleep_for(120ms);
  log.log(LogLevel::kWarn, "decode", "bad frame 10");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[4], "bad frame 10 (7 similar messages suppressed)");
}

TEST(Backoff, FirstRetryImmediateThenCappedDoublingWithJitter) {
  Backoff b(500ms, 30s, 42);
  EXPECT_EQ(b.next(), 0ns);
  std::vector<std::chrono::nanoseconds> caps{500ms, 1s, 2s, 4s, 8s, 16s, 30s, 30s};
  for (auto cap : caps) {
    EXPECT_EQ(b.current_cap(), cap);
    const auto d = b.next();
    EXPECT_GE(d, 0ns);
    EXPECT_LE(d, cap);
  }
  b.reset();
  EXPECT_EQ(b.next(), 0ns);
  // Full jitter: draws spread over the whole range, not bunched at the cap.
  Backoff wide(1s, 1s, 7);
  (void)wide.next();
  int low = 0;
  for (int i = 0; i < 1000; ++i) low += wide.next() < 500ms ? 1 : 0;
  EXPECT_GT(low, 400);
  EXPECT_LT(low, 600);
}

TEST(TradeIdTracker, GapsDuplicatesAndAggregatedRanges) {
  TradeIdTracker tracker(IdContinuity::kConsecutive);
  Trade t;
  t.symbol = "BTCUSDT";
  auto see = [&](std::uint64_t first, std::uint64_t last) {
    t.first_trade_id = first;
    t.trade_id = last;
    return tracker.observe(t);
  };
  EXPECT_FALSE(see(10, 10).duplicate);
  EXPECT_EQ(see(11, 11).missing_ids, 0u);
  EXPECT_EQ(see(15, 15).missing_ids, 3u);
  EXPECT_TRUE(see(15, 15).duplicate);
  EXPECT_TRUE(see(12, 12).duplicate);
  EXPECT_FALSE(see(14, 20).duplicate);  // partly new
  EXPECT_EQ(see(21, 25).missing_ids, 0u);
  t.symbol = "ETHUSDT";
  EXPECT_FALSE(see(1, 1).duplicate);  // per symbol
  TradeIdTracker none(IdContinuity::kNone);
  t.trade_id = 5;
  EXPECT_FALSE(none.observe(t).duplicate);
  EXPECT_FALSE(none.observe(t).duplicate);
}

}  // namespace
}  // namespace tickcast::feeds

// Exchange-side network faults against the real daemon (issue #10, part 3).
//
// Each test runs a replay exchange in this process, a FaultProxy in front of
// it, and `tickcast run` whose Binance feed connects through the proxy with
// second-scale timeouts. It breaks the link one way, then checks the
// contract: the daemon keeps running, counts the fault in a tickcast_feed_*
// metric, logs it, never turns the bad bytes into trades, and recovers by
// itself (tickcast_feed_connected back to 1, bars closing again).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <map>

#include "tests/faults/net_harness.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ExchangeFaultTest : public ::testing::Test {
 protected:
  // The replay exchange, the proxy, and a daemon connected through it.
  void start(const std::string& extra_feed_keys = "") {
    feeds::ReplayOptions replay;
    replay.dialect = "binance";
    replay.symbol = "BTCUSDT";
    replay.seed = 11;
    replay.speed = 1.0;
    replay.loop = true;
    exchange_ = &exchanges_.add(replay);
    proxy_ = std::make_unique<FaultProxy>(exchange_->port());
    DaemonConfig config;
    config.rest = "url = \"ws://127.0.0.1:" + std::to_string(proxy_->port()) + "/stream\"\n" +
                  fast_feed_keys() + extra_feed_keys + one_second_bars();
    daemon_ = std::make_unique<RunningDaemon>(config);
    ASSERT_TRUE(daemon_->started()) << daemon_->process().output();
    ASSERT_TRUE(connected_within(10s)) << log();
    // Wait for trades, so the link is past the subscription.
    ASSERT_TRUE(eventually([&] { return value(series::kTrades) > 0; }, 10s)) << log();
  }

  void TearDown() override {
    if (!daemon_) return;
    // The daemon survived the fault: it still runs and stops cleanly.
    daemon_->process().signal(SIGTERM);
    EXPECT_EQ(daemon_->process().wait_exit(10s), 0) << log();
  }

  std::string metrics() { return http_get(daemon_->port(), "/metrics").body; }
  double value(const std::string& series) { return sample(metrics(), series); }
  std::string log() { return daemon_->process().output(); }

  bool connected_within(std::chrono::milliseconds timeout) {
    return eventually([&] { return value(series::kConnected) == 1; }, timeout);
  }

  // Recovery: connected, and at least two more traded bars close.
  void expect_recovers() {
    EXPECT_TRUE(connected_within(10s)) << log();
    const double bars = value(series::kTradedBars);
    EXPECT_TRUE(eventually([&] { return value(series::kTradedBars) >= bars + 2; }, 10s))
        << "bars stopped after the fault\n"
        << log();
    // The daemon answers its health check throughout.
    EXPECT_EQ(http_get(daemon_->port(), "/healthz").status, 200);
  }

  // The total of every decode error kind.
  double decode_errors_total() {
    const std::string text = metrics();
    double total = 0;
    for (const char* kind :
         {"empty", "too_large", "not_json", "missing_field", "bad_value", "unexpected_shape"}) {
      total += sample(text, series::decode_errors(kind));
    }
    return total;
  }

  ExchangeHost exchanges_;
  feeds::ReplayExchange* exchange_ = nullptr;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<RunningDaemon> daemon_;
};

TEST_F(ExchangeFaultTest, ConnectionRefusedIsRetriedWithBackoffUntilTheExchangeListensAgain) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double refused_before = value(series::disconnects("connect"));
  ASSERT_TRUE(proxy_->set_refuse(true));
  proxy_->close_all();
  ASSERT_TRUE(eventually([&] { return value(series::kConnected) == 0; }, 5s)) << log();
  // Three seconds of refusals: retried, but spaced by the backoff (50 ms
  // doubling to 1 s, full jitter: about ten attempts, not thousands).
  std::this_thread::sleep_for(3s);
  const double refusals = value(series::disconnects("connect")) - refused_before;
  EXPECT_GE(refusals, 2) << log();
  EXPECT_LE(refusals, 30) << log();
  EXPECT_THAT(log(), HasSubstr("connect failed: Connection refused"));
  ASSERT_TRUE(proxy_->set_refuse(false));
  expect_recovers();
}

TEST_F(ExchangeFaultTest, RejectedUpgradeIsCountedAsHandshakeAndRetried) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double before = value(series::disconnects("handshake"));
  proxy_->set_reject_upgrade(403);
  proxy_->close_all();
  ASSERT_TRUE(eventually([&] { return value(series::disconnects("handshake")) >= before + 2; }, 5s))
      << log();
  EXPECT_EQ(value(series::kConnected), 0);
  EXPECT_THAT(log(), HasSubstr("handshake failed"));
  proxy_->set_reject_upgrade(0);
  expect_recovers();
}

TEST_F(ExchangeFaultTest, CutInTheMiddleOfAFrameReconnectsAndDecodesNothingOfTheHalfFrame) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double read_before = value(series::disconnects("read"));
  const double connects_before = value(series::kConnects);
  const double errors_before = decode_errors_total();
  proxy_->cut_mid_frame();
  ASSERT_TRUE(eventually([&] { return value(series::disconnects("read")) >= read_before + 1; }, 5s))
      << log();
  EXPECT_TRUE(eventually([&] { return value(series::kConnects) >= connects_before + 1; }, 5s));
  // The half frame was never handed to the decoder.
  EXPECT_EQ(decode_errors_total(), errors_before);
  expect_recovers();
}

TEST_F(ExchangeFaultTest, HalfOpenLinkIsRecycledByTheStallWatchdog) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double stale_before = value(series::disconnects("stale"));
  const double read_before = value(series::disconnects("read"));
  // Nothing more arrives and no FIN either: only a timer can notice.
  proxy_->freeze();
  ASSERT_TRUE(eventually(
      [&] {
        const std::string m = metrics();
        return sample(m, series::disconnects("stale")) + sample(m, series::disconnects("read")) >=
               stale_before + read_before + 1;
      },
      5s))
      << log();
  // stale_after is 1 s: the watchdog ("no frame for ... ms") or Beast's idle
  // ping timeout, whichever fires first, within about 1.2 s.
  EXPECT_THAT(log(), testing::AnyOf(HasSubstr("no frame for"), HasSubstr("read failed")));
  expect_recovers();
}

TEST_F(ExchangeFaultTest, StalledStreamWithLivePingsIsRecycledAsStale) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double stale_before = value(series::disconnects("stale"));
  // The exchange keeps the socket and answers pings but sends no data.
  exchange_->inject(feeds::ReplayFault::kStall);
  ASSERT_TRUE(
      eventually([&] { return value(series::disconnects("stale")) >= stale_before + 1; }, 5s))
      << log();
  EXPECT_THAT(log(), HasSubstr("no frame for"));
  expect_recovers();
}

TEST_F(ExchangeFaultTest, FloodOfFramesIsCountedWhileTheDaemonStaysResponsive) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double other_before = value(series::frames("other"));
  const double trades_before = value(series::kTrades);
  // A tenth of it under the sanitizers: 200,000 frames through the -O0
  // daemon took 95 s there, for the same assertions.
  constexpr std::size_t kFlood = kSanitizerBuild ? 20'000 : 200'000;
  // Well-formed frames of a stream we did not ask for.
  proxy_->inject_frames(R"({"stream":"ethusdt@kline_1m","data":{"e":"kline","s":"ETHUSDT"}})",
                        kFlood);
  // /healthz answers quickly while the flood is decoded.
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz", "", 2s).status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  }
  ASSERT_TRUE(
      eventually([&] { return value(series::frames("other")) >= other_before + kFlood; }, 20s))
      << log();
  EXPECT_EQ(value(series::frames("other")), other_before + kFlood);
  EXPECT_EQ(value(series::kConnected), 1);
  EXPECT_GT(value(series::kTrades), trades_before);
  expect_recovers();
}

TEST_F(ExchangeFaultTest, TenMebibyteFrameIsDiscardedAndTheConnectionStays) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double too_large_before = value(series::decode_errors("too_large"));
  const double connects_before = value(series::kConnects);
  proxy_->inject_frame(R"({"stream":"btcusdt@trade","data":{"pad":")" +
                       std::string(10u << 20, 'x') + R"("}})");
  ASSERT_TRUE(eventually(
      [&] { return value(series::decode_errors("too_large")) >= too_large_before + 1; }, 10s))
      << log();
  EXPECT_EQ(value(series::decode_errors("too_large")), too_large_before + 1);
  EXPECT_EQ(value(series::kConnects), connects_before) << "the connection was dropped";
  EXPECT_THAT(log(), HasSubstr("discarded a frame of 104858"));
  expect_recovers();
}

TEST_F(ExchangeFaultTest, InvalidUtf8TextFrameEndsOnlyThatConnection) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double read_before = value(series::disconnects("read"));
  const double trades_before = value(series::kTrades);
  // RFC 6455 8.1: a text frame that is not UTF-8 fails the connection.
  proxy_->inject_frame("{\"stream\":\"btcusdt@trade\",\"data\":{\"s\":\"\xff\xfe\xc3\x28\"}}");
  ASSERT_TRUE(eventually([&] { return value(series::disconnects("read")) >= read_before + 1; }, 5s))
      << log();
  EXPECT_GE(value(series::kTrades), trades_before);
  expect_recovers();
}

TEST_F(ExchangeFaultTest, DeeplyNestedJsonIsOneDecodeErrorNotACrash) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double errors_before = decode_errors_total();
  const double connects_before = value(series::kConnects);
  // 100,000 levels: far beyond any parser's depth limit, within the frame limit.
  proxy_->inject_frame(R"({"stream":"btcusdt@trade","data":)" + std::string(100'000, '[') +
                       std::string(100'000, ']') + "}");
  proxy_->inject_frame(std::string(200'000, '{'));
  ASSERT_TRUE(eventually([&] { return decode_errors_total() >= errors_before + 2; }, 5s)) << log();
  EXPECT_EQ(decode_errors_total(), errors_before + 2);
  EXPECT_EQ(value(series::kConnects), connects_before);
  EXPECT_THAT(log(), HasSubstr("undecodable frame"));
  expect_recovers();
}

TEST_F(ExchangeFaultTest, NumbersOutOfRangeAreRejectedAndNeverReachABar) {
  ASSERT_NO_FATAL_FAILURE(start());
  // A bar has closed, so there is an exchange price to compare with.
  ASSERT_TRUE(eventually([&] { return value(series::kTradedBars) >= 1; }, 5s)) << log();
  const double bad_before = value(series::decode_errors("bad_value"));
  const double errors_before = decode_errors_total();
  const double close_before = value(series::kBarClose);
  const auto trade = [](const std::string& fields) {
    return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1795888841000,"s":"BTCUSDT",)" +
           fields + R"(,"m":false,"M":true}})";
  };
  const std::vector<std::string> bad = {
      // price overflows a double
      trade(R"("t":1,"p":"1e400","q":"0.1","T":1795888841000)"),
      // negative and zero quantities, a negative price
      trade(R"("t":2,"p":"60000.0","q":"-1","T":1795888841000)"),
      trade(R"("t":3,"p":"60000.0","q":"0","T":1795888841000)"),
      trade(R"("t":4,"p":"-60000.0","q":"0.1","T":1795888841000)"),
      // a trade id beyond 64 bits
      trade(R"("t":184467440737095516160,"p":"60000.0","q":"0.1","T":1795888841000)"),
      // a time beyond int64 nanoseconds
      trade(R"("t":5,"p":"60000.0","q":"0.1","T":1e30)"),
      // not a number at all
      trade(R"("t":6,"p":"NaN","q":"0.1","T":1795888841000)"),
  };
  for (const std::string& frame : bad) proxy_->inject_frame(frame);
  ASSERT_TRUE(eventually(
      [&] { return decode_errors_total() >= errors_before + static_cast<double>(bad.size()); }, 5s))
      << log();
  EXPECT_EQ(decode_errors_total(), errors_before + static_cast<double>(bad.size()));
  EXPECT_GE(value(series::decode_errors("bad_value")), bad_before + 1);
  // The next bars are the exchange's prices, not the injected ones.
  expect_recovers();
  const double close_after = value(series::kBarClose);
  EXPECT_TRUE(std::isfinite(close_after));
  EXPECT_GT(close_after, close_before * 0.5);
  EXPECT_LT(close_after, close_before * 2.0);
}

TEST_F(ExchangeFaultTest, AbsurdButFinitePricesAreRefusedByThePriceBandAndNeverReachABar) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(eventually([&] { return value(series::kTradedBars) >= 1; }, 5s)) << log();
  const double close_before = value(series::kBarClose);
  const double decode_errors_before = decode_errors_total();
  ASSERT_EQ(value(series::kPriceOutliers), 0);
  // Numbers every decoder must accept (positive, finite), four orders of
  // magnitude or more from the market; one of each side of the band, with
  // the market's own trades in between, so they never agree on a new level.
  // Trade id 0 (no usable id): any other id would be a duplicate of a trade
  // already seen, or take the id of one still to come, at the feed's
  // trade-id tracker, and never reach the resampler's price band.
  const auto trade = [](const std::string& price) {
    return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1795888841000,"s":"BTCUSDT","t":0,"p":")" +
           price + R"(","q":"0.1","T":1795888841000,"m":false,"M":true}})";
  };
  proxy_->inject_frame(trade("1e300"));
  proxy_->inject_frame(trade("0.000001"));
  ASSERT_TRUE(eventually([&] { return value(series::kPriceOutliers) >= 2; }, 5s)) << log();
  EXPECT_EQ(value(series::kPriceOutliers), 2);
  EXPECT_EQ(value(series::kPriceReanchors), 0);
  EXPECT_EQ(decode_errors_total(), decode_errors_before);  // they decoded fine
  EXPECT_THAT(log(), HasSubstr("refused trade 0 at price 1e+300"));
  expect_recovers();
  const double close_after = value(series::kBarClose);
  EXPECT_GT(close_after, close_before * 0.5);
  EXPECT_LT(close_after, close_before * 2.0);
}

// A self-signed certificate for `name` (an IP address or a DNS name) and its key.
void make_certificate(const TempDir& dir, const std::string& stem, const std::string& name) {
  const bool ip = name.find_first_not_of("0123456789.") == std::string::npos;
  const CommandResult r = run_command(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext",
       std::string("subjectAltName=") + (ip ? "IP:" : "DNS:") + name, "-keyout",
       (dir.path() / (stem + ".key")).string(), "-out", (dir.path() / (stem + ".pem")).string()});
  ASSERT_EQ(r.status, 0) << r.output;
}

TEST_F(ExchangeFaultTest, TlsFailuresAreCountedUntilTheRealCertificateIsPresented) {
  TempDir certs;
  make_certificate(certs, "good", "127.0.0.1");
  make_certificate(certs, "wrong_host", "wrong.example");
  make_certificate(certs, "untrusted", "127.0.0.1");
  // The daemon trusts the good and the wrong-host certificates, not the third.
  const auto ca = certs.write(
      "ca.pem", read_file(certs.path() / "good.pem") + read_file(certs.path() / "wrong_host.pem"));
  std::map<std::string, std::uint16_t> ports;
  for (const char* stem : {"good", "wrong_host", "untrusted"}) {
    feeds::ReplayOptions replay;
    replay.symbol = "BTCUSDT";
    replay.loop = true;
    replay.tls_cert = (certs.path() / (std::string(stem) + ".pem")).string();
    replay.tls_key = (certs.path() / (std::string(stem) + ".key")).string();
    ports[stem] = exchanges_.add(replay).port();
  }
  proxy_ = std::make_unique<FaultProxy>(ports["untrusted"]);
  DaemonConfig config;
  config.rest = "url = \"wss://127.0.0.1:" + std::to_string(proxy_->port()) +
                "/stream\"\nca_file = \"" + ca.string() + "\"\n" + fast_feed_keys() +
                one_second_bars();
  daemon_ = std::make_unique<RunningDaemon>(config);
  ASSERT_TRUE(daemon_->started()) << log();

  // An unknown issuer: certificate verification fails, again and again.
  ASSERT_TRUE(eventually([&] { return value(series::disconnects("tls")) >= 2; }, 10s)) << log();
  EXPECT_EQ(value(series::kConnected), 0);
  EXPECT_THAT(log(), HasSubstr("tls failed: certificate verify failed"));
  // A trusted certificate for another host name: refused as well.
  const double after_untrusted = value(series::disconnects("tls"));
  proxy_->set_upstream(ports["wrong_host"]);
  ASSERT_TRUE(
      eventually([&] { return value(series::disconnects("tls")) >= after_untrusted + 2; }, 10s))
      << log();
  EXPECT_EQ(value(series::kConnects), 0) << "connected to a server with the wrong name";
  // The real exchange is back: the feed connects by itself and bars flow.
  proxy_->set_upstream(ports["good"]);
  expect_recovers();
}

TEST_F(ExchangeFaultTest, ARejectedSubscriptionIsCountedLoggedAndSubscribedAgain) {
  ASSERT_NO_FATAL_FAILURE(start());
  const double rejected_before = value(series::frames("rejected"));
  // The exchange refuses the next two subscriptions, and the connection
  // drops, so the feed must subscribe again: the reconnect is refused, and so
  // is the first standby that subscribes again; the second one gets in.
  exchange_->inject(feeds::ReplayFault::kRejectSubscribe);
  exchange_->inject(feeds::ReplayFault::kRejectSubscribe);
  proxy_->close_all();
  ASSERT_TRUE(
      eventually([&] { return value(series::frames("rejected")) >= rejected_before + 2; }, 10s))
      << log();
  EXPECT_THAT(log(), HasSubstr("the exchange rejected a request: Invalid symbol."));
  // The refused standby is closed for it, not left open forever.
  EXPECT_TRUE(eventually([&] { return value(series::disconnects("rejected")) >= 1; }, 10s))
      << log();
  expect_recovers();
  EXPECT_EQ(value(series::frames("rejected")), rejected_before + 2) << "no refusal beyond the two";
}

}  // namespace
}  // namespace tickcast::test

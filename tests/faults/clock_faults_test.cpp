// Clock faults at the resampler (docs/reliability.md): exchange timestamps
// far in the future or far in the past must cost one counted trade, never a
// burst of made-up bars or a series restarted in the wrong year.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "feeds/resampler.hpp"

namespace tickcast::feeds {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kYear = 365 * 24 * 3600 * kSecond;
// An ordinary moment: 2026-11-28 around noon UTC.
constexpr std::int64_t kNow = 1'795'000'000 * kSecond;

class ClockFaultTest : public ::testing::Test {
 protected:
  ClockFaultTest() {
    ResamplerOptions options;
    options.exchange = "binance";
    options.symbol = "BTCUSDT";
    options.interval_ns = kSecond;
    options.allowed_lateness_ns = 200'000'000;
    resampler_ = std::make_unique<Resampler>(
        options, [this](const BarEvent& event) { bars_.push_back(event.bar); });
  }

  // A trade `exchange_offset_ns` from `receive_ns` by the exchange's clock.
  TradeOutcome trade(std::int64_t receive_ns, std::int64_t exchange_ns) {
    Trade t;
    t.exchange = "binance";
    t.symbol = "BTCUSDT";
    t.trade_id = ++id_;
    t.price = 60'000 + static_cast<double>(id_);
    t.qty = 1;
    t.exchange_time_ns = exchange_ns;
    t.receive_time_ns = receive_ns;
    return resampler_->on_trade(t);
  }

  // Ten seconds of healthy trades, 4 a second, 30 ms of network delay.
  void healthy_market(std::int64_t from_ns, int seconds) {
    for (int i = 0; i < seconds * 4; ++i) {
      const std::int64_t exchange = from_ns + i * kSecond / 4;
      ASSERT_EQ(trade(exchange + 30'000'000, exchange), TradeOutcome::kAccepted);
      resampler_->advance(exchange + 30'000'000);
    }
  }

  std::unique_ptr<Resampler> resampler_;
  std::vector<Bar> bars_;
  std::uint64_t id_ = 100;
};

TEST_F(ClockFaultTest, ATradeStampedYearsAheadIsDroppedCountedAndClosesNoBar) {
  healthy_market(kNow, 10);
  const std::size_t bars_before = bars_.size();
  const std::int64_t watermark = resampler_->watermark_ns();
  const auto offset = resampler_->exchange_offset_ns();
  ASSERT_GE(bars_before, 8u);

  const std::int64_t receive = kNow + 10 * kSecond;
  EXPECT_EQ(trade(receive, receive + 10 * kYear), TradeOutcome::kFutureTime);
  EXPECT_EQ(resampler_->stats().future_trades.load(), 1u);
  // Nothing moved: no bar closed, the watermark and the offset are as they were.
  EXPECT_EQ(bars_.size(), bars_before);
  EXPECT_EQ(resampler_->watermark_ns(), watermark);
  EXPECT_EQ(resampler_->exchange_offset_ns(), offset);
  resampler_->advance(receive);
  EXPECT_LE(bars_.size(), bars_before + 1);

  // The market goes on, bar after bar, with consecutive sequences.
  healthy_market(kNow + 10 * kSecond, 5);
  for (std::size_t i = 1; i < bars_.size(); ++i) {
    EXPECT_EQ(bars_[i].sequence, bars_[i - 1].sequence + 1);
    EXPECT_EQ(bars_[i].start_ns, bars_[i - 1].end_ns);
    EXPECT_LT(bars_[i].end_ns, kNow + 20 * kSecond);
  }
}

TEST_F(ClockFaultTest, AFarFutureFirstTradeDoesNotStartTheSeries) {
  EXPECT_EQ(trade(kNow, kNow + 2 * 24 * 3600 * kSecond), TradeOutcome::kFutureTime);
  healthy_market(kNow, 3);
  ASSERT_FALSE(bars_.empty());
  // The series starts at the first plausible trade, in the present.
  EXPECT_EQ(bars_.front().start_ns, kNow);
  EXPECT_EQ(bars_.front().sequence, 0u);
}

TEST_F(ClockFaultTest, ATradeMinutesAheadWithinTheLimitIsStillAccepted) {
  // A host whose clock lags the exchange by a minute still makes bars.
  healthy_market(kNow, 2);
  EXPECT_EQ(trade(kNow + 2 * kSecond, kNow + 2 * kSecond + 60 * kSecond), TradeOutcome::kAccepted);
  EXPECT_EQ(resampler_->stats().future_trades.load(), 0u);
}

TEST_F(ClockFaultTest, ATradeStampedInThePastIsLateAndTouchesNoBar) {
  healthy_market(kNow, 10);
  const std::size_t bars_before = bars_.size();
  // 1970 and a year ago: both belong to bars long closed.
  EXPECT_EQ(trade(kNow + 10 * kSecond, 0), TradeOutcome::kLateDropped);
  EXPECT_EQ(trade(kNow + 10 * kSecond, kNow - kYear), TradeOutcome::kLateDropped);
  EXPECT_EQ(resampler_->stats().late_dropped.load(), 2u);
  EXPECT_EQ(bars_.size(), bars_before);  // no revision, no new bar
  healthy_market(kNow + 10 * kSecond, 3);
  for (std::size_t i = 1; i < bars_.size(); ++i) {
    EXPECT_EQ(bars_[i].sequence, bars_[i - 1].sequence + 1);
    EXPECT_GE(bars_[i].start_ns, kNow);
  }
}

TEST_F(ClockFaultTest, ATapeReplayedFasterThanRealTimeIsNotFromTheFuture) {
  // The replay exchange's --clock tape at full speed: exchange time runs a
  // thousand times faster than the receive clock, twenty minutes ahead by
  // the end, but one step at a time.
  for (int i = 0; i < 1200 * 4; ++i) {
    const std::int64_t exchange = kNow + i * kSecond / 4;
    const std::int64_t receive = kNow + i * kSecond / 4000;
    ASSERT_EQ(trade(receive, exchange), TradeOutcome::kAccepted) << i;
  }
  EXPECT_EQ(resampler_->stats().future_trades.load(), 0u);
  EXPECT_GE(bars_.size(), 1190u);
  // A trade an hour past the stream is still refused.
  EXPECT_EQ(trade(kNow + 2 * kSecond, kNow + 1200 * kSecond + 3600 * kSecond),
            TradeOutcome::kFutureTime);
}

TEST_F(ClockFaultTest, TradesReadFromFilesHaveNoReceiveTimeAndAreNotChecked) {
  // `tickcast resample` and backtests replay history: no receive time, so
  // nothing to compare with, and old or new, the trades make bars.
  EXPECT_EQ(trade(0, kNow + 10 * kYear), TradeOutcome::kAccepted);
  EXPECT_EQ(resampler_->stats().future_trades.load(), 0u);
}

}  // namespace
}  // namespace tickcast::feeds

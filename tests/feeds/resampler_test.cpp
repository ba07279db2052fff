// Scenario tests of the Resampler: each expected bar is worked out by hand
// from the trades in the test (1-minute bars, 2 s lateness unless stated).
#include "feeds/resampler.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tickcast::feeds {
namespace {

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kMin = 60 * kSec;

Trade make_trade(std::uint64_t id, double seconds, double price, double qty,
                 Side side = Side::kBuy) {
  Trade t;
  t.exchange = "binance";
  t.symbol = "BTCUSDT";
  t.trade_id = id;
  t.exchange_time_ns = static_cast<std::int64_t>(seconds * 1e9);
  t.price = price;
  t.qty = qty;
  t.side = side;
  return t;
}

struct Emitted {
  Bar bar;
  BarEventKind kind;
  std::int64_t close_delay_ns;
};

class ResamplerTest : public ::testing::Test {
 protected:
  // The scenarios price trades 1, 20, 40, ... to make bars easy to check by
  // hand: far outside any price band, so the band is off unless a test is
  // about it.
  void make(LatePolicy policy = LatePolicy::kDrop, bool consecutive = true,
            double max_price_ratio = 0) {
    ResamplerOptions o;
    o.max_price_ratio = max_price_ratio;
    o.exchange = "binance";
    o.symbol = "BTCUSDT";
    o.interval_ns = kMin;
    o.allowed_lateness_ns = 2 * kSec;
    o.late_policy = policy;
    o.consecutive_trade_ids = consecutive;
    o.revision_horizon_bars = 4;
    resampler_ = std::make_unique<Resampler>(o, [this](const BarEvent& e) {
      out_.push_back({e.bar, e.kind, e.close_delay_ns});
    });
  }
  TradeOutcome feed(std::uint64_t id, double s, double p, double q, Side side = Side::kBuy) {
    return resampler_->on_trade(make_trade(id, s, p, q, side));
  }

  std::unique_ptr<Resampler> resampler_;
  std::vector<Emitted> out_;
};

TEST_F(ResamplerTest, FirstBarIsAGapAndTheNextCarriesEveryField) {
  make();
  feed(1, 30, 99, 1);
  feed(2, 61, 100, 1, Side::kBuy);
  EXPECT_TRUE(out_.empty()) << "watermark 59 s has not passed 60 s";
  feed(3, 62, 102, 0.5, Side::kSell);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].bar.status, BarStatus::kGap) << "bar began before the first trade seen";
  EXPECT_EQ(out_[0].bar.trade_count, 1u);
  EXPECT_EQ(out_[0].bar.sequence, 0u);

  feed(4, 90, 98, 2, Side::kBuy);
  feed(5, 119, 101, 1, Side::kSell);
  feed(6, 122, 103, 1, Side::kBuy);
  ASSERT_EQ(out_.size(), 2u);
  const Bar& b = out_[1].bar;
  EXPECT_EQ(b.exchange, "binance");
  EXPECT_EQ(b.symbol, "BTCUSDT");
  EXPECT_EQ(b.interval_ns, kMin);
  EXPECT_EQ(b.start_ns, kMin);
  EXPECT_EQ(b.end_ns, 2 * kMin);
  EXPECT_EQ(b.open, 100);
  EXPECT_EQ(b.high, 102);
  EXPECT_EQ(b.low, 98);
  EXPECT_EQ(b.close, 101);
  EXPECT_DOUBLE_EQ(b.volume, 4.5);
  EXPECT_DOUBLE_EQ(b.quote_volume, 100 + 51 + 196 + 101);
  EXPECT_DOUBLE_EQ(b.buy_volume, 3);
  EXPECT_DOUBLE_EQ(b.sell_volume, 1.5);
  EXPECT_EQ(b.trade_count, 4u);
  EXPECT_DOUBLE_EQ(b.vwap, 448 / 4.5);
  EXPECT_EQ(b.first_trade_time_ns, 61 * kSec);
  EXPECT_EQ(b.last_trade_time_ns, 119 * kSec);
  EXPECT_EQ(b.first_trade_id, 2u);
  EXPECT_EQ(b.last_trade_id, 5u);
  EXPECT_EQ(b.sequence, 1u);
  EXPECT_EQ(b.status, BarStatus::kTraded);
  EXPECT_EQ(b.revision, 0u);
  EXPECT_EQ(out_[1].kind, BarEventKind::kClose);
  EXPECT_EQ(out_[1].close_delay_ns, 2 * kSec) << "no clock: delay is newest time minus end";
  EXPECT_EQ(resampler_->stats().bars_gap.load(), 1u);
  EXPECT_EQ(resampler_->stats().bars_traded.load(), 1u);
}

TEST_F(ResamplerTest, SilenceBecomesQuietBarsAtThePreviousClose) {
  make();
  feed(1, 30, 99, 1);
  feed(2, 70, 103, 1);
  feed(3, 250, 104, 1);  // watermark 248 s closes [0,60) [60,120) [120,180) [180,240)
  ASSERT_EQ(out_.size(), 4u);
  for (int i : {2, 3}) {
    const Bar& q = out_[static_cast<std::size_t>(i)].bar;
    EXPECT_EQ(q.status, BarStatus::kQuiet);
    EXPECT_EQ(q.open, 103);
    EXPECT_EQ(q.high, 103);
    EXPECT_EQ(q.low, 103);
    EXPECT_EQ(q.close, 103);
    EXPECT_EQ(q.vwap, 103);
    EXPECT_EQ(q.volume, 0);
    EXPECT_EQ(q.trade_count, 0u);
    EXPECT_EQ(q.sequence, static_cast<std::uint64_t>(i));
    EXPECT_EQ(q.start_ns, i * kMin);
  }
  EXPECT_EQ(resampler_->stats().bars_quiet.load(), 2u);
}

TEST_F(ResamplerTest, OutOfOrderTradesInsideTheOpenBarOrderByTimeThenId) {
  make();
  feed(1, 10, 1, 1);
  feed(3, 65, 30, 1);
  feed(2, 61, 20, 1);  // earlier than id 3: becomes the open
  feed(5, 100, 50, 1);
  feed(4, 100, 40, 1);  // same time as id 5, lower id: not the close
  feed(6, 125, 60, 1);
  ASSERT_EQ(out_.size(), 2u);
  const Bar& b = out_[1].bar;
  EXPECT_EQ(b.open, 20);
  EXPECT_EQ(b.close, 50);
  EXPECT_EQ(b.first_trade_id, 2u);
  EXPECT_EQ(b.last_trade_id, 5u);
  EXPECT_EQ(b.status, BarStatus::kTraded) << "ids 2..5 are complete";
  EXPECT_EQ(resampler_->stats().trades_out_of_order.load(), 1u) << "only id 2 is older in time";
}

TEST_F(ResamplerTest, DuplicateIdsCountOnce) {
  make();
  feed(1, 10, 1, 1);
  EXPECT_EQ(feed(2, 61, 20, 1), TradeOutcome::kAccepted);
  EXPECT_EQ(feed(2, 61, 20, 1), TradeOutcome::kDuplicate);
  EXPECT_EQ(feed(3, 62, 21, 1), TradeOutcome::kAccepted);
  feed(4, 125, 60, 1);
  EXPECT_EQ(feed(3, 62, 21, 1), TradeOutcome::kDuplicate) << "still known in a closed bar";
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1].bar.trade_count, 2u);
  EXPECT_EQ(out_[1].bar.volume, 2);
  EXPECT_EQ(resampler_->stats().duplicate_trades.load(), 2u);
  EXPECT_EQ(resampler_->stats().late_trades(), 0u);
}

TEST_F(ResamplerTest, LateTradeIsCountedAndDroppedUnderDrop) {
  make(LatePolicy::kDrop);
  feed(1, 10, 1, 1);
  feed(2, 61, 20, 1);
  feed(4, 122, 40, 1);  // closes [60,120)
  EXPECT_EQ(feed(3, 119.5, 30, 1), TradeOutcome::kLateDropped);
  EXPECT_EQ(resampler_->stats().late_dropped.load(), 1u);
  feed(5, 182, 50, 1);  // closes [120,180): id 4 follows id 3, which exists although late
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[1].bar.trade_count, 1u);
  EXPECT_EQ(out_[2].bar.status, BarStatus::kTraded);
}

TEST_F(ResamplerTest, LateTradeRevisesTheClosedBarUnderRevise) {
  make(LatePolicy::kRevise);
  feed(1, 10, 1, 1);
  feed(2, 61, 20, 1);
  feed(4, 122, 40, 1);
  EXPECT_EQ(feed(3, 119.5, 30, 2, Side::kSell), TradeOutcome::kLateRevised);
  EXPECT_EQ(feed(3, 119.5, 30, 2, Side::kSell), TradeOutcome::kDuplicate);
  ASSERT_EQ(out_.size(), 3u);
  const Emitted& r = out_[2];
  EXPECT_EQ(r.kind, BarEventKind::kRevision);
  EXPECT_EQ(r.bar.sequence, 1u);
  EXPECT_EQ(r.bar.revision, 1u);
  EXPECT_EQ(r.bar.trade_count, 2u);
  EXPECT_EQ(r.bar.close, 30);
  EXPECT_EQ(r.bar.high, 30);
  EXPECT_EQ(r.bar.sell_volume, 2);
  EXPECT_EQ(r.bar.last_trade_id, 3u);
  EXPECT_EQ(resampler_->stats().late_revised.load(), 1u);
  EXPECT_EQ(resampler_->stats().bar_revisions.load(), 1u);
}

TEST_F(ResamplerTest, TradesOlderThanTheRevisionHorizonAreDropped) {
  make(LatePolicy::kRevise);  // horizon 4 bars
  feed(1, 10, 1, 1);
  feed(2, 61, 20, 1);
  feed(3, 500, 40, 1);  // closes buckets 0..7
  EXPECT_EQ(feed(9, 70, 1, 1), TradeOutcome::kLateDropped) << "bucket 1 is 6 bars back";
  EXPECT_EQ(feed(10, 250, 1, 1), TradeOutcome::kLateRevised) << "bucket 4 is within 4 bars";
}

TEST_F(ResamplerTest, MissingTradeIdsMakeAGap) {
  make();
  feed(1, 10, 1, 1);
  feed(2, 61, 1, 1);
  feed(4, 62, 1, 1);  // 3 never comes
  feed(5, 121, 1, 1);
  feed(9, 185, 1, 1);  // 6..8 missing between bars
  feed(10, 245, 1, 1);
  ASSERT_EQ(out_.size(), 4u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kGap) << "hole inside the bar";
  EXPECT_EQ(out_[2].bar.status, BarStatus::kTraded);
  EXPECT_EQ(out_[3].bar.status, BarStatus::kGap) << "ids jump from 5 to 9";
}

TEST_F(ResamplerTest, MissingIdsAreIgnoredWhenIdsAreNotConsecutive) {
  make(LatePolicy::kDrop, /*consecutive=*/false);
  feed(10, 10, 1, 1);
  feed(20, 61, 1, 1);
  feed(40, 62, 1, 1);
  feed(90, 125, 1, 1);
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kTraded);
}

TEST_F(ResamplerTest, AggregatedTradesCountForEveryIdTheyCover) {
  make();
  feed(1, 10, 1, 1);
  Trade a = make_trade(4, 61, 10, 1);
  a.first_trade_id = 2;  // stands for trades 2, 3, 4
  Trade b = make_trade(7, 62, 11, 1);
  b.first_trade_id = 5;
  EXPECT_EQ(resampler_->on_trade(a), TradeOutcome::kAccepted);
  EXPECT_EQ(resampler_->on_trade(b), TradeOutcome::kAccepted);
  Trade overlap = make_trade(5, 62, 11, 1);
  overlap.first_trade_id = 4;
  EXPECT_EQ(resampler_->on_trade(overlap), TradeOutcome::kDuplicate);
  Trade c = make_trade(10, 125, 12, 1);
  c.first_trade_id = 9;  // 8 never arrives
  resampler_->on_trade(c);
  feed(11, 185, 13, 1);
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kTraded) << "ids 2..7 complete";
  EXPECT_EQ(out_[1].bar.first_trade_id, 2u);
  EXPECT_EQ(out_[1].bar.last_trade_id, 7u);
  EXPECT_EQ(out_[1].bar.trade_count, 2u) << "two aggregated trades";
  EXPECT_EQ(out_[2].bar.status, BarStatus::kGap) << "id 8 is missing";
}

TEST(ResamplerWithoutIds, EveryTradeCountsWhenIdsAreUnusable) {
  ResamplerOptions o;
  o.interval_ns = kMin;
  o.trade_ids_usable = false;  // e.g. every trade arrives with id 0
  std::vector<Bar> bars;
  Resampler r(o, [&](const BarEvent& e) { bars.push_back(e.bar); });
  for (double s : {10.0, 61.0, 62.0, 62.0, 90.0, 125.0}) {
    EXPECT_EQ(r.on_trade(make_trade(0, s, 100, 1)), TradeOutcome::kAccepted);
  }
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[1].trade_count, 4u);
  EXPECT_EQ(bars[1].status, BarStatus::kTraded);
}

TEST_F(ResamplerTest, ClockClosesBarsWithoutTradesUsingTheMeasuredOffset) {
  make();
  // The receiving clock runs 1.25 s behind the exchange.
  const std::int64_t behind = 1'250'000'000;
  Trade t = make_trade(1, 10, 100, 1);
  t.receive_time_ns = t.exchange_time_ns - behind + 5'000'000;  // 5 ms network delay
  resampler_->on_trade(t);
  t = make_trade(2, 30, 101, 1);
  t.receive_time_ns = t.exchange_time_ns - behind + 1'000'000;  // 1 ms: the best sample
  resampler_->on_trade(t);
  ASSERT_TRUE(resampler_->exchange_offset_ns());
  EXPECT_EQ(*resampler_->exchange_offset_ns(), behind - 1'000'000);

  // [0,60) closes when local + offset - 2 s >= 60 s.
  const std::int64_t due = 60 * kSec + 2 * kSec - (behind - 1'000'000);
  ASSERT_TRUE(resampler_->next_close_local_ns());
  EXPECT_EQ(*resampler_->next_close_local_ns(), due);
  resampler_->advance(due - 1);
  EXPECT_TRUE(out_.empty());
  resampler_->advance(due);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].close_delay_ns, 2 * kSec);
  resampler_->advance(due + kMin);
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kQuiet);
  EXPECT_EQ(out_[1].bar.close, 101);
  EXPECT_EQ(resampler_->stats().close_delay.count(), 2u);
}

TEST_F(ResamplerTest, FeedDownMakesGapsAndTheReconnectBarIsAGap) {
  make();
  Trade t = make_trade(1, 10, 100, 1);
  t.receive_time_ns = t.exchange_time_ns;  // offset 0
  resampler_->on_trade(t);
  t = make_trade(2, 61, 100, 1);
  t.receive_time_ns = t.exchange_time_ns;
  resampler_->on_trade(t);
  resampler_->advance(125 * kSec);  // closes [0,60) gap (first) and [60,120) traded
  resampler_->on_feed_down(125 * kSec);
  resampler_->advance(245 * kSec);  // [120,180) and [180,240) close while down
  resampler_->on_feed_up(250 * kSec);
  t = make_trade(50, 255, 100, 1);
  t.receive_time_ns = t.exchange_time_ns;
  resampler_->on_trade(t);
  resampler_->advance(305 * kSec);  // [240,300): contains the reconnect
  t = make_trade(51, 310, 100, 1);
  t.receive_time_ns = t.exchange_time_ns;
  resampler_->on_trade(t);
  resampler_->advance(365 * kSec);  // [300,360): complete
  ASSERT_EQ(out_.size(), 6u);
  const BarStatus expected[] = {BarStatus::kGap, BarStatus::kTraded, BarStatus::kGap,
                                BarStatus::kGap, BarStatus::kGap,    BarStatus::kTraded};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(out_[i].bar.status, expected[i]) << "bar " << i;
    EXPECT_EQ(out_[i].bar.sequence, i);
  }
}

TEST_F(ResamplerTest, FinishClosesThePartialLastBarAsAGap) {
  make();
  feed(1, 10, 1, 1);
  feed(2, 61, 2, 1);
  feed(3, 130, 3, 1);
  resampler_->finish();
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kTraded) << "its end has passed";
  EXPECT_EQ(out_[2].bar.status, BarStatus::kGap);
  EXPECT_EQ(out_[2].bar.close, 3);
}

TEST_F(ResamplerTest, ResumeContinuesTheSequenceAndMarksTheDowntimeAsGaps) {
  make();
  Bar last;
  last.interval_ns = kMin;
  last.start_ns = kMin;
  last.end_ns = 2 * kMin;
  last.close = 50;
  last.sequence = 7;
  last.trade_count = 3;
  last.last_trade_id = 100;
  resampler_->resume_after(last);
  EXPECT_EQ(feed(90, 100, 49, 1), TradeOutcome::kLateDropped) << "belongs to a logged bar";
  feed(200, 250, 60, 1);
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[0].bar.start_ns, 2 * kMin);
  EXPECT_EQ(out_[0].bar.sequence, 8u);
  EXPECT_EQ(out_[0].bar.status, BarStatus::kGap);
  EXPECT_EQ(out_[0].bar.close, 50);
  EXPECT_EQ(out_[1].bar.sequence, 9u);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kGap);
  feed(201, 305, 61, 1);
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[2].bar.status, BarStatus::kGap) << "the bucket of the first trade is partial";
}

// A restart after three days down, 1-minute bars: 4,320 buckets are due, past
// the default bound of 1,440, so one gap bar stands for them.
TEST_F(ResamplerTest, ALongDowntimeBreaksTheSeriesWithOneGapBar) {
  std::vector<std::int64_t> skipped;
  ResamplerOptions o;
  o.interval_ns = kMin;
  o.allowed_lateness_ns = 2 * kSec;
  ASSERT_EQ(o.max_gap_fill_bars, 1440);
  resampler_ = std::make_unique<Resampler>(o, [&](const BarEvent& e) {
    out_.push_back({e.bar, e.kind, e.close_delay_ns});
    skipped.push_back(e.skipped_before);
  });
  Bar last;
  last.interval_ns = kMin;
  last.start_ns = 9 * kMin;
  last.end_ns = 10 * kMin;
  last.close = 50;
  last.sequence = 7;
  resampler_->resume_after(last);

  const double back = 10 * 60 + 3 * 24 * 3600;  // the first trade, three days on
  feed(1, back + 5, 51, 1);
  ASSERT_EQ(out_.size(), 1u);
  const Bar gap = out_[0].bar;  // a copy: out_ grows below
  EXPECT_EQ(gap.status, BarStatus::kGap);
  EXPECT_EQ(gap.sequence, 8u) << "sequences stay consecutive";
  EXPECT_EQ(gap.start_ns, static_cast<std::int64_t>(back) * kSec - kMin)
      << "the bucket right before the trade's: the break is between the two bars";
  EXPECT_EQ(gap.close, 50);
  EXPECT_EQ(skipped[0], 3 * 24 * 60 - 1);
  EXPECT_EQ(resampler_->stats().series_breaks.load(), 1u);
  EXPECT_EQ(resampler_->stats().bars_skipped.load(), 3u * 24 * 60 - 1);

  // From there on, bar after bar as usual.
  feed(2, back + 65, 52, 1);
  feed(3, back + 125, 53, 1);
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[1].bar.start_ns, gap.end_ns);
  EXPECT_EQ(out_[1].bar.status, BarStatus::kGap) << "the first trade's bucket is partial";
  EXPECT_EQ(out_[1].bar.close, 51);
  EXPECT_EQ(out_[2].bar.status, BarStatus::kTraded);
  EXPECT_EQ(out_[2].bar.sequence, 10u);
  EXPECT_EQ(skipped[1], 0);
  EXPECT_EQ(skipped[2], 0);
}

TEST_F(ResamplerTest, ADowntimeWithinTheBoundIsFilledBarByBar) {
  make();
  Bar last;
  last.interval_ns = kMin;
  last.end_ns = 10 * kMin;
  last.close = 50;
  last.sequence = 7;
  resampler_->resume_after(last);
  feed(1, 10 * 60 + 1440 * 60 + 5, 51, 1);  // 1,440 buckets due: exactly the bound
  ASSERT_EQ(out_.size(), 1440u);
  for (std::size_t i = 0; i < out_.size(); ++i) {
    EXPECT_EQ(out_[i].bar.start_ns, (10 + static_cast<std::int64_t>(i)) * kMin);
    EXPECT_EQ(out_[i].bar.status, BarStatus::kGap);
  }
  EXPECT_EQ(resampler_->stats().series_breaks.load(), 0u);
}

// On an empty state dir the first trade starts the series; if it is stamped
// a year in the past, its bar closes and one gap bar bridges to the present.
TEST_F(ResamplerTest, AFirstTradeStampedAYearAgoCostsTwoBarsNotAYearOfThem) {
  make();
  const double year = 365.0 * 24 * 3600;
  feed(1, 1000 + 30, 60, 1);
  feed(2, 1000 + year + 30, 61, 1);
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[0].bar.start_ns, 1020 * kSec);
  EXPECT_EQ(out_[0].bar.trade_count, 1u) << "the old trade keeps its bar";
  EXPECT_EQ(out_[1].bar.status, BarStatus::kGap);
  EXPECT_EQ(out_[1].bar.sequence, 1u);
  // It ends where trade 2's bucket starts: 1000 s + a year + 30 s, floored
  // to the minute.
  EXPECT_EQ(out_[1].bar.end_ns, 31'537'020 * kSec);
  EXPECT_EQ(resampler_->stats().series_breaks.load(), 1u);
  feed(3, 1000 + year + 95, 62, 1);
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[2].bar.start_ns, out_[1].bar.end_ns);
  EXPECT_EQ(out_[2].bar.close, 61);
}

TEST_F(ResamplerTest, APriceFarOutOfTheBandIsRefusedAndNeverReachesABar) {
  make(LatePolicy::kDrop, true, /*max_price_ratio=*/10);
  feed(1, 10, 60'000, 1);
  EXPECT_EQ(feed(2, 20, 1e300, 1), TradeOutcome::kPriceOutlier);
  EXPECT_EQ(feed(3, 30, 1e-6, 1), TradeOutcome::kPriceOutlier);
  EXPECT_EQ(feed(4, 40, 61'000, 1), TradeOutcome::kAccepted);
  feed(5, 70, 61'500, 1);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].bar.high, 61'000);
  EXPECT_EQ(out_[0].bar.low, 60'000);
  EXPECT_EQ(out_[0].bar.trade_count, 2u);
  EXPECT_EQ(resampler_->stats().price_outliers.load(), 2u);
  EXPECT_EQ(resampler_->stats().price_reanchors.load(), 0u);
}

// A real move beyond the band (here a 100-for-1 redenomination): after five
// agreeing trades the band follows, and the five are in the bars after all.
TEST_F(ResamplerTest, AMoveBeyondTheBandIsFollowedAndLosesNoTrade) {
  make(LatePolicy::kDrop, true, /*max_price_ratio=*/10);
  feed(1, 10, 60'000, 1);
  for (std::uint64_t id = 2; id <= 5; ++id) {
    EXPECT_EQ(feed(id, 10 + static_cast<double>(id), 600 + static_cast<double>(id), 1),
              TradeOutcome::kPriceOutlier);
  }
  EXPECT_EQ(feed(6, 16, 606, 1), TradeOutcome::kAccepted);
  EXPECT_EQ(resampler_->stats().price_reanchors.load(), 1u);
  EXPECT_EQ(resampler_->price_anchor(), 606);
  feed(7, 70, 607, 1);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0].bar.trade_count, 6u);
  EXPECT_EQ(out_[0].bar.open, 60'000);
  EXPECT_EQ(out_[0].bar.close, 606);
  EXPECT_EQ(out_[0].bar.low, 602);
}

TEST_F(ResamplerTest, AResumedSeriesCentresThePriceBandOnTheLastClose) {
  make(LatePolicy::kDrop, true, /*max_price_ratio=*/10);
  Bar last;
  last.interval_ns = kMin;
  last.end_ns = 10 * kMin;
  last.close = 60'000;
  last.sequence = 7;
  resampler_->resume_after(last);
  EXPECT_EQ(feed(1, 605, 6e6, 1), TradeOutcome::kPriceOutlier);
  EXPECT_EQ(feed(2, 606, 59'000, 1), TradeOutcome::kAccepted);
}

TEST(CloseDelayHistogram, BucketsAroundTheLateness) {
  CloseDelayHistogram h(2 * kSec);
  EXPECT_DOUBLE_EQ(h.bounds_seconds()[2], 2.0);
  EXPECT_DOUBLE_EQ(h.bounds_seconds()[5], 2.05);
  h.observe(2 * kSec);      // le 2.0
  h.observe(2 * kSec + 1);  // le 2.01
  h.observe(100 * kSec);    // +Inf
  EXPECT_EQ(h.bucket_count(2), 1u);
  EXPECT_EQ(h.bucket_count(3), 1u);
  EXPECT_EQ(h.bucket_count(CloseDelayHistogram::kBuckets), 1u);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.sum_ns(), 104 * kSec + 1);
}

}  // namespace
}  // namespace tickcast::feeds

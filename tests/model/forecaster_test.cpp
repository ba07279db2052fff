#include "model/forecaster.hpp"

#include <gtest/gtest.h>

#include "model/retrain.hpp"
#include "tests/model/online_bars.hpp"
#include "tests/model/online_options.hpp"

namespace tickcast::model {
namespace {

constexpr std::int64_t kMinute = 60'000'000'000;

class ForecasterTest : public ::testing::Test {
 protected:
  ModelOptions options = test::small_online_options();
  ScoreOptions score_options{{20, 100}};
  std::vector<Bar> bars = test::synthetic_bars(700);

  Forecaster make() { return Forecaster(options, score_options, "test", "BTCUSDT", kMinute); }

  // A model trained on bars [0, 400) (sequences 1..400), forced in.
  RetrainOutcome train_first_window() {
    RetrainControl control;
    control.gate_override = GateOverride::kForceAccept;
    const std::vector<Bar> window(bars.begin(), bars.begin() + 400);
    return run_retrain(window, nullptr, options, 1, control);
  }

  // A gap bar at `start_ns`, priced at `close` with no volume, as the
  // resampler emits it.
  Bar gap_bar(std::uint64_t sequence, std::int64_t start_ns, double close) const {
    Bar b = bars[0];
    b.sequence = sequence;
    b.start_ns = start_ns;
    b.end_ns = start_ns + kMinute;
    b.open = b.high = b.low = b.close = b.vwap = close;
    b.volume = b.buy_volume = b.sell_volume = b.quote_volume = 0;
    b.trade_count = 0;
    b.status = BarStatus::kGap;
    return b;
  }
};

TEST_F(ForecasterTest, WithoutAModelPublishesPersistenceWarmingUp) {
  Forecaster f = make();
  for (std::size_t t = 0; t < 120; ++t) {
    const Forecast& fc = f.on_bar(bars[t]);
    EXPECT_EQ(fc.status, ForecastStatus::kWarmingUp);
    EXPECT_EQ(fc.model_version, 0u);
    EXPECT_EQ(fc.predicted_close, bars[t].close);
    EXPECT_EQ(fc.persistence_close, bars[t].close);
    EXPECT_EQ(fc.bar_sequence, bars[t].sequence);
    EXPECT_EQ(fc.target_start_ns, bars[t].end_ns);
    EXPECT_EQ(fc.target_end_ns, bars[t].end_ns + kMinute);
    if (t > 0) {
      // The interval comes from persistence's residuals: finite, around close.
      EXPECT_LT(fc.lower, fc.close);
      EXPECT_GT(fc.upper, fc.close);
      EXPECT_TRUE(std::isfinite(fc.upper));
    }
  }
  const Forecast& last = f.last_forecast();
  ASSERT_EQ(last.scores.size(), 2u);
  EXPECT_EQ(last.scores[0].window, 20);
  EXPECT_EQ(last.scores[0].n, 20u);
  EXPECT_EQ(last.scores[1].n, 100u);
  EXPECT_DOUBLE_EQ(last.scores[1].skill, 0.0);  // persistence vs itself
  // 90% ACI interval over 119 scored forecasts: coverage near 0.9.
  EXPECT_NEAR(f.conformal().empirical_coverage(), 0.9, 0.06);
}

// The warm swap is exact: a forecaster that installs the candidate after
// more bars have closed (replaying them from its ring) forecasts bit for bit
// what a forecaster that ran the candidate over every bar since the start of
// its window forecasts.
TEST_F(ForecasterTest, InstallReplaysTheBarsSinceTheSnapshotExactly) {
  const RetrainOutcome job = train_first_window();
  ASSERT_EQ(job.result, RetrainResult::kAccepted) << job.reason;
  ASSERT_EQ(job.state_after_sequence, 400u);

  Forecaster reference = make();  // the candidate from the window's first bar
  ASSERT_TRUE(reference.install(job.bundle, job.bundle->lstm.make_state(), 0, 0.0));
  Forecaster live = make();  // the candidate arrives while bars keep closing
  for (std::size_t t = 0; t < 450; ++t) {
    reference.on_bar(bars[t]);
    live.on_bar(bars[t]);
    if (t == 399) {
      // The job's warm state is the reference's state after the window.
      const Checkpoint ck = reference.snapshot();
      EXPECT_EQ(ck.h, job.state.h);
      EXPECT_EQ(ck.c, job.state.c);
    }
  }
  EXPECT_EQ(live.last_forecast().status, ForecastStatus::kWarmingUp);
  ASSERT_TRUE(live.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  for (std::size_t t = 450; t < 500; ++t) {
    const Forecast& a = live.on_bar(bars[t]);
    const Forecast& b = reference.on_bar(bars[t]);
    ASSERT_EQ(a.status, ForecastStatus::kOk);
    EXPECT_EQ(a.model_version, 1u);
    EXPECT_EQ(a.predicted_return, b.predicted_return) << t;
    EXPECT_EQ(a.predicted_close, b.predicted_close) << t;
  }
  EXPECT_EQ(live.snapshot().h, reference.snapshot().h);
}

TEST_F(ForecasterTest, InstallRefusesWhenTheRingDoesNotReachBack) {
  const RetrainOutcome job = train_first_window();
  ASSERT_TRUE(job.bundle);
  Forecaster f = make();
  ASSERT_EQ(f.replay_capacity(), 256u);
  for (std::size_t t = 0; t < 400 + 257; ++t) f.on_bar(bars[t]);
  EXPECT_FALSE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  EXPECT_EQ(f.model(), nullptr);
  // One bar less and it fits.
  Forecaster g = make();
  for (std::size_t t = 0; t < 400 + 256; ++t) g.on_bar(bars[t]);
  EXPECT_TRUE(g.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
}

TEST_F(ForecasterTest, RevisionsAndRepeatsDoNotStepTheModel) {
  const RetrainOutcome job = train_first_window();
  Forecaster f = make();
  for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  const Forecast before = f.on_bar(bars[400]);
  Bar revised = bars[400];
  revised.revision = 1;
  revised.close *= 1.01;
  const Forecast& after = f.on_bar(revised);
  EXPECT_EQ(after.predicted_return, before.predicted_return);
  EXPECT_EQ(after.close, before.close);
  EXPECT_EQ(f.on_bar(bars[399]).bar_sequence, 401u);  // an old bar is ignored
  EXPECT_EQ(f.bars_seen(), 401u);
}

// More than max_gap_bars (5) gap bars in a row reset the state; the
// forecaster then re-warms on warmup_steps (4) real bars.
TEST_F(ForecasterTest, LongGapResetsAndReWarms) {
  const RetrainOutcome job = train_first_window();
  Forecaster f = make();
  for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  std::uint64_t seq = 401;
  std::int64_t start = bars[399].end_ns;
  const double close = bars[399].close;
  auto gap = [&] {
    const Bar b = gap_bar(seq++, start, close);
    start += kMinute;
    return b;
  };
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(f.on_bar(gap()).status, ForecastStatus::kOk) << i;
  EXPECT_EQ(f.on_bar(gap()).status, ForecastStatus::kWarmingUp);  // the 6th
  EXPECT_EQ(f.last_forecast().model_version, 0u);
  for (int i = 1; i <= 4; ++i) {
    Bar b = bars[static_cast<std::size_t>(400 + i)];
    b.sequence = seq++;
    EXPECT_EQ(f.on_bar(b).status, i < 4 ? ForecastStatus::kWarmingUp : ForecastStatus::kOk) << i;
  }
}

// A series break (the resampler's bars.max_gap_fill_bars) is one gap bar
// standing for many missing buckets: they count as gap bars, so a long break
// resets the state as the gap bars themselves would have, a short one not.
TEST_F(ForecasterTest, ASeriesBreakCountsItsMissingBucketsAsGaps) {
  const RetrainOutcome job = train_first_window();
  Forecaster f = make();
  for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  std::uint64_t seq = 401;
  std::int64_t end = bars[399].end_ns;
  auto gap_after = [&](int missing) {
    const Bar b = gap_bar(seq++, end + missing * kMinute, bars[399].close);
    end = b.end_ns;
    return b;
  };
  auto real = [&](std::size_t t) {
    Bar b = bars[t];
    b.sequence = seq++;
    b.start_ns = end;
    b.end_ns = end + kMinute;
    end = b.end_ns;
    return b;
  };
  // 4 missing + the gap bar itself = 5 = max_gap_bars: carried through.
  EXPECT_EQ(f.on_bar(gap_after(4)).status, ForecastStatus::kOk);
  EXPECT_EQ(f.on_bar(real(400)).status, ForecastStatus::kOk);
  // 5 missing + the gap bar = 6: reset, then 4 real bars of warm-up.
  EXPECT_EQ(f.on_bar(gap_after(5)).status, ForecastStatus::kWarmingUp);
  for (std::size_t i = 1; i <= 4; ++i) {
    EXPECT_EQ(f.on_bar(real(400 + i)).status,
              i < 4 ? ForecastStatus::kWarmingUp : ForecastStatus::kOk)
        << i;
  }
}

TEST_F(ForecasterTest, TriggersInitialScheduledRequested) {
  Forecaster f = make();
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kInitial);
  f.retrain_submitted();
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNone);
  for (std::size_t t = 0; t < 99; ++t) f.on_bar(bars[t]);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNone);
  f.on_bar(bars[99]);  // retrain_every = 100 bars after a job brought no model
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kInitial);

  const RetrainOutcome job = train_first_window();
  for (std::size_t t = 100; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  f.retrain_submitted();
  for (std::size_t t = 400; t < 499; ++t) f.on_bar(bars[t]);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNone);
  f.on_bar(bars[499]);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kScheduled);
  f.request_retrain();
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kRequested);
  f.retrain_submitted();
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNone);
}

TEST_F(ForecasterTest, DriftOnResidualsTriggersARetrain) {
  const RetrainOutcome job = train_first_window();
  Forecaster f = make();
  for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  f.retrain_submitted();
  for (std::size_t t = 400; t < 450; ++t) f.on_bar(bars[t]);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNone);
  // The market turns wild: 3% moves, alternating, ~30x the usual residual.
  double close = bars[449].close;
  for (std::size_t t = 450; t < 470; ++t) {
    Bar b = bars[t];
    close *= (t % 2 == 0) ? 1.03 : 1 / 1.03;
    b.open = b.low = b.high = b.close = close;
    f.on_bar(b);
  }
  EXPECT_GE(f.drift_alarms(), 1u);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kDrift);
}

// A model whose head always says +0.5% is much worse than persistence: after
// enough forecasts its status is no_skill (with persistence beside it) and a
// retrain is due.
TEST_F(ForecasterTest, SignificantlyWorseThanPersistenceIsFlaggedNoSkill) {
  const RetrainOutcome job = train_first_window();
  Scaler biased = job.bundle->scaler;
  biased.target_mean = 5e-3;
  biased.target_scale = 1e-9;
  auto bad = std::make_shared<const ModelBundle>(7, options.features, Target::kLogReturn, biased,
                                                 job.bundle->lstm.weights(), job.bundle->meta,
                                                 job.bundle->residual_scale);
  options.drift = "none";
  Forecaster f = make();
  for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
  ASSERT_TRUE(f.install(bad, job.state, 400, job.last_close));
  f.retrain_submitted();
  ForecastStatus status = ForecastStatus::kOk;
  for (std::size_t t = 400; t < 400 + kMinForecastsForNoSkill + 1; ++t) {
    status = f.on_bar(bars[t]).status;
  }
  EXPECT_EQ(status, ForecastStatus::kNoSkill);
  EXPECT_GT(f.no_skill_z(), options.dm_threshold);
  EXPECT_EQ(f.last_forecast().model_version, 7u);
  EXPECT_EQ(f.last_forecast().persistence_close, bars[400 + kMinForecastsForNoSkill].close);
  EXPECT_EQ(f.retrain_trigger(), RetrainTrigger::kNoSkill);
  EXPECT_LT(f.last_forecast().scores[0].skill, 0);
}

// Snapshot -> checkpoint bytes -> restore, then the restored forecaster
// continues exactly like the original (same version, no warm-up).
TEST_F(ForecasterTest, RestoreFromASnapshotContinuesExactly) {
  const RetrainOutcome job = train_first_window();
  Forecaster a = make();
  for (std::size_t t = 0; t < 400; ++t) a.on_bar(bars[t]);
  ASSERT_TRUE(a.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  for (std::size_t t = 400; t < 430; ++t) a.on_bar(bars[t]);
  Checkpoint decoded;
  ASSERT_TRUE(decode_checkpoint(encode_checkpoint(a.snapshot()), decoded).ok());
  EXPECT_EQ(decoded.model_version, 1u);
  EXPECT_EQ(decoded.last_bar_sequence, 430u);
  Forecaster b = make();
  ASSERT_EQ(b.restore(decoded), "");
  for (std::size_t t = 430; t < 460; ++t) {
    const Forecast& x = a.on_bar(bars[t]);
    const Forecast& y = b.on_bar(bars[t]);
    ASSERT_EQ(y.status, ForecastStatus::kOk);
    EXPECT_EQ(y.model_version, 1u);
    EXPECT_EQ(x.predicted_return, y.predicted_return) << t;
  }
}

}  // namespace
}  // namespace tickcast::model

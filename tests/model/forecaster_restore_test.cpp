// Restart vs an uninterrupted run, at model level: a forecaster restored
// from a checkpoint (snapshot -> file bytes -> decode -> restore) in the
// middle of a stream must publish, from the next bar on, bit for bit what
// the forecaster that took the snapshot publishes: every forecast field, the
// interval, every rolling score, the status, the retrain trigger, drift
// alarms, ACI's alpha_t, and a later warm swap that replays bars from before
// the restart. Compared with ==, not a tolerance: the two run the same
// floating-point operations in the same order, so anything else is a bug.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "model/forecaster.hpp"
#include "model/retrain.hpp"
#include "tests/model/online_bars.hpp"
#include "tests/model/online_options.hpp"

namespace tickcast::model {
namespace {

constexpr std::int64_t kMinute = 60'000'000'000;

// Bitwise equality, so that NaN == NaN (an undefined score) and -0 != 0.
bool same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

void expect_identical(const Forecast& a, const Forecast& b, std::size_t t) {
  EXPECT_EQ(a.bar_sequence, b.bar_sequence) << t;
  EXPECT_EQ(a.status, b.status) << t;
  EXPECT_EQ(a.model_version, b.model_version) << t;
  EXPECT_EQ(a.model_created_unix_ns, b.model_created_unix_ns) << t;
  EXPECT_TRUE(same(a.close, b.close)) << t;
  EXPECT_TRUE(same(a.predicted_return, b.predicted_return)) << t;
  EXPECT_TRUE(same(a.predicted_close, b.predicted_close)) << t;
  EXPECT_TRUE(same(a.persistence_close, b.persistence_close)) << t;
  EXPECT_TRUE(same(a.lower, b.lower)) << t << " " << a.lower << " vs " << b.lower;
  EXPECT_TRUE(same(a.upper, b.upper)) << t << " " << a.upper << " vs " << b.upper;
  ASSERT_EQ(a.scores.size(), b.scores.size());
  for (std::size_t k = 0; k < a.scores.size(); ++k) {
    const WindowScores& x = a.scores[k];
    const WindowScores& y = b.scores[k];
    EXPECT_EQ(x.n, y.n) << t;
    for (auto field : {&WindowScores::mae_return, &WindowScores::rmse_return,
                       &WindowScores::mae_price, &WindowScores::rmse_price,
                       &WindowScores::persistence_mae_price, &WindowScores::persistence_rmse_price,
                       &WindowScores::direction_accuracy, &WindowScores::skill,
                       &WindowScores::interval_coverage, &WindowScores::interval_mean_width}) {
      EXPECT_TRUE(same(x.*field, y.*field)) << t << " window " << x.window;
    }
  }
}

struct Variant {
  const char* drift;
  double drift_lambda;
};

class ForecasterRestoreTest : public ::testing::TestWithParam<Variant> {
 protected:
  ForecasterRestoreTest() {
    options.drift = GetParam().drift;
    options.drift_lambda = GetParam().drift_lambda;  // low: alarms fire in 700 bars
    options.adwin_confidence = 0.2;
    options.retrain_every = 40;
    // A short outage (2 gap bars: stepped with mask) and a long one (8 >
    // max_gap_bars 5: state reset, then re-warming), one on each side of
    // the restart.
    for (std::size_t t : {430, 431}) bars[t].status = BarStatus::kGap;
    // Volatility quadruples at bar 470, after the restart: the drift
    // detectors fire there.
    for (std::size_t t = 470; t < bars.size(); ++t) {
      const double ratio =
          bars[t - 1].close * std::exp(4 * std::log(bars[t].close / bars[t].open)) / bars[t].close;
      bars[t].open = bars[t - 1].close;
      for (double* price : {&bars[t].close, &bars[t].high, &bars[t].low, &bars[t].vwap}) {
        *price *= ratio;
      }
      bars[t].high = std::max({bars[t].high, bars[t].open, bars[t].close});
      bars[t].low = std::min({bars[t].low, bars[t].open, bars[t].close});
    }
    for (std::size_t t = 520; t < 528; ++t) bars[t].status = BarStatus::kGap;
  }

  Forecaster make(const ScoreOptions& scores) {
    return Forecaster(options, scores, "test", "BTCUSDT", kMinute);
  }

  // What the daemon does after each bar: submit a job when one is due (the
  // trigger state must survive a restart too).
  static void maybe_submit(Forecaster& f) {
    if (f.retrain_trigger() != RetrainTrigger::kNone) f.retrain_submitted();
  }

  ModelOptions options = test::small_online_options();
  ScoreOptions score_options{{20, 100}};
  std::vector<Bar> bars = test::synthetic_bars(700);
};

TEST_P(ForecasterRestoreTest, RestoredMidStreamEveryLaterForecastIsBitIdentical) {
  RetrainControl control;
  control.gate_override = GateOverride::kForceAccept;
  const RetrainOutcome job =
      run_retrain({bars.begin(), bars.begin() + 400}, nullptr, options, 1, control);
  ASSERT_EQ(job.result, RetrainResult::kAccepted) << job.reason;

  Forecaster a = make(score_options);  // never stops
  for (std::size_t t = 0; t < 400; ++t) {
    a.on_bar(bars[t]);
    maybe_submit(a);
  }
  ASSERT_TRUE(a.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  for (std::size_t t = 400; t < 450; ++t) {
    a.on_bar(bars[t]);
    maybe_submit(a);
  }
  const std::uint64_t alarms_before = a.drift_alarms();

  // The restart: through the file format, into a new forecaster.
  Checkpoint decoded;
  const CheckpointStatus status = decode_checkpoint(encode_checkpoint(a.snapshot()), decoded);
  ASSERT_TRUE(status.ok()) << status.message;
  ASSERT_TRUE(decoded.has_online_state);
  Forecaster b = make(score_options);
  ASSERT_EQ(b.restore(decoded), "");
  EXPECT_EQ(b.restored_cold(), "");
  EXPECT_EQ(b.bars_seen(), a.bars_seen());
  EXPECT_EQ(b.retrain_trigger(), a.retrain_trigger());

  for (std::size_t t = 450; t < 700; ++t) {
    if (t == 600) {
      // A warm swap after the restart whose replay reaches back before it:
      // the candidate's state as of bar 440 (a zero state, for the test),
      // so 160 bars come out of each replay ring, 10 of them saved in the
      // checkpoint.
      const std::uint64_t after = bars[439].sequence;
      ASSERT_TRUE(a.install(job.bundle, job.bundle->lstm.make_state(), after, bars[439].close));
      ASSERT_TRUE(b.install(job.bundle, job.bundle->lstm.make_state(), after, bars[439].close));
    }
    const Forecast& x = a.on_bar(bars[t]);
    const Forecast& y = b.on_bar(bars[t]);
    expect_identical(x, y, t);
    EXPECT_EQ(a.retrain_trigger(), b.retrain_trigger()) << t;
    EXPECT_EQ(a.drift_alarms(), b.drift_alarms()) << t;
    EXPECT_TRUE(same(a.conformal().alpha_t(), b.conformal().alpha_t())) << t;
    EXPECT_TRUE(same(a.no_skill_z(), b.no_skill_z())) << t;
    maybe_submit(a);
    maybe_submit(b);
    if (HasFailure()) break;  // one bar's report is enough
  }
  // The stream exercised what it claims to: drift alarms after the restart,
  // model forecasts, warming up after the long gap.
  EXPECT_GT(a.drift_alarms(), alarms_before);
  EXPECT_EQ(a.conformal().updates(), b.conformal().updates());
  // And the two end in the same state, byte for byte.
  EXPECT_EQ(encode_checkpoint(a.snapshot()), encode_checkpoint(b.snapshot()));
}

INSTANTIATE_TEST_SUITE_P(Drift, ForecasterRestoreTest,
                         ::testing::Values(Variant{"page_hinkley", 1.0}, Variant{"adwin", 50.0}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.drift);
                         });

// A component saved under another configuration starts cold and is named;
// the rest still continues exactly (here: the interval, from the conformal
// history, while the score windows changed).
TEST_P(ForecasterRestoreTest, AComponentThatNoLongerFitsStartsColdAndTheRestContinues) {
  RetrainControl control;
  control.gate_override = GateOverride::kForceAccept;
  const RetrainOutcome job =
      run_retrain({bars.begin(), bars.begin() + 400}, nullptr, options, 1, control);
  ASSERT_EQ(job.result, RetrainResult::kAccepted) << job.reason;
  Forecaster a = make(score_options);
  for (std::size_t t = 0; t < 400; ++t) a.on_bar(bars[t]);
  ASSERT_TRUE(a.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
  for (std::size_t t = 400; t < 450; ++t) a.on_bar(bars[t]);

  Forecaster b = make(ScoreOptions{{30, 100}});  // scores.windows changed
  ASSERT_EQ(b.restore(a.snapshot()), "");
  EXPECT_EQ(b.restored_cold(), "scores");
  const Forecast& x = a.on_bar(bars[450]);
  const Forecast& y = b.on_bar(bars[450]);
  EXPECT_TRUE(same(x.predicted_close, y.predicted_close));
  EXPECT_TRUE(same(x.lower, y.lower));
  EXPECT_TRUE(same(x.upper, y.upper));
  EXPECT_EQ(x.scores[1].n, 100u);
  EXPECT_EQ(y.scores[1].n, 1u);  // cold: only the bar since the restart

  // A checkpoint without online state (as versions 1 and 2 load) restores
  // the model only: the first interval is unbounded.
  Checkpoint old = a.snapshot();
  old.has_online_state = false;
  Forecaster c = make(score_options);
  ASSERT_EQ(c.restore(old), "");
  EXPECT_EQ(c.restored_cold(), "all");
  EXPECT_TRUE(std::isinf(c.on_bar(bars[451]).upper));
}

}  // namespace
}  // namespace tickcast::model

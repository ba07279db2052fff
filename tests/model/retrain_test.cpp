#include "model/retrain.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/model/online_bars.hpp"
#include "tests/model/online_options.hpp"

namespace tickcast::model {
namespace {

using ::testing::HasSubstr;

void expect_same_weights(const LstmWeights<float>& a, const LstmWeights<float>& b) {
  std::vector<std::vector<float>> ta, tb;
  a.for_each_tensor([&](const std::string&, const float* d, Eigen::Index r, Eigen::Index c) {
    ta.emplace_back(d, d + r * c);
  });
  b.for_each_tensor([&](const std::string&, const float* d, Eigen::Index r, Eigen::Index c) {
    tb.emplace_back(d, d + r * c);
  });
  EXPECT_EQ(ta, tb);
}

class Retrain : public ::testing::Test {
 protected:
  ModelOptions options = test::small_online_options();
  std::vector<Bar> bars = test::synthetic_bars(400);
};

TEST_F(Retrain, SameBarsAndSeedGiveBitIdenticalModelAndState) {
  RetrainControl control;
  control.created_unix_ns = 123;
  const RetrainOutcome a = run_retrain(bars, nullptr, options, 1, control);
  const RetrainOutcome b = run_retrain(bars, nullptr, options, 1, control);
  ASSERT_TRUE(a.bundle && b.bundle) << a.reason;
  expect_same_weights(a.bundle->lstm.weights(), b.bundle->lstm.weights());
  EXPECT_EQ(a.bundle->scaler, b.bundle->scaler);
  EXPECT_EQ(a.bundle->meta, b.bundle->meta);
  EXPECT_EQ(a.state.h, b.state.h);
  EXPECT_EQ(a.state.c, b.state.c);
  EXPECT_EQ(a.candidate_mse, b.candidate_mse);
  EXPECT_EQ(a.bundle->meta.created_unix_ns, 123);
  EXPECT_EQ(a.bundle->version, 1u);
  EXPECT_EQ(a.state_after_sequence, bars.back().sequence);
  EXPECT_EQ(a.last_close, bars.back().close);
  // A different seed trains a different model.
  options.seed = 43;
  const RetrainOutcome c = run_retrain(bars, nullptr, options, 1, control);
  ASSERT_TRUE(c.bundle);
  EXPECT_NE(c.bundle->lstm.weights().head_w, a.bundle->lstm.weights().head_w);
}

// Persistence's validation MSE, computed here from the closes: forecasts made
// at bars [N - V - 1, N - 1) for the next bar.
TEST_F(Retrain, ValidatesOnTheNewestValidationBars) {
  const RetrainOutcome out = run_retrain(bars, nullptr, options, 1);
  ASSERT_NE(out.result, RetrainResult::kFailed) << out.reason;
  const std::size_t n = bars.size(), v = static_cast<std::size_t>(options.validation_bars);
  double sum = 0;
  for (std::size_t t = n - v - 1; t + 1 < n; ++t) {
    sum += (bars[t + 1].close - bars[t].close) * (bars[t + 1].close - bars[t].close);
  }
  EXPECT_EQ(out.validation_forecasts, v);
  EXPECT_NEAR(out.persistence_mse, sum / static_cast<double>(v), 1e-9);
  EXPECT_TRUE(std::isfinite(out.candidate_mse));
  EXPECT_TRUE(std::isnan(out.live_mse));
  EXPECT_GT(out.bundle->residual_scale, 0);
  // Trained on all but the validation bars.
  EXPECT_EQ(out.bundle->meta.data_end_ns, bars[n - v - 1].end_ns);
}

// The same bars and seed make the candidate identical to the live model, so
// its MSE is not strictly lower: rejected, with both losses in the reason.
TEST_F(Retrain, GateRejectsACandidateNoBetterThanTheLiveModel) {
  const RetrainOutcome first = run_retrain(bars, nullptr, options, 1);
  ASSERT_TRUE(first.bundle);
  const RetrainOutcome second = run_retrain(bars, first.bundle, options, 2);
  EXPECT_EQ(second.result, RetrainResult::kRejected);
  EXPECT_EQ(second.candidate_mse, second.live_mse);
  EXPECT_THAT(second.reason, HasSubstr("not better than the live model"));
  EXPECT_THAT(second.reason, HasSubstr("live "));
}

// A model of the price level (target "close") trained a few epochs on a
// random walk is far worse than persistence: the gate refuses it by DM even
// without a live model; with a threshold of 10 the same candidate passes.
TEST_F(Retrain, GateRefusesACandidateSignificantlyWorseThanPersistence) {
  options.target = "close";
  const RetrainOutcome out = run_retrain(bars, nullptr, options, 1);
  ASSERT_TRUE(out.bundle) << out.reason;
  EXPECT_GT(out.candidate_mse, out.persistence_mse);
  EXPECT_GT(out.dm_z, options.dm_threshold);
  EXPECT_EQ(out.result, RetrainResult::kRejected);
  EXPECT_THAT(out.reason, HasSubstr("significantly worse than persistence"));
  options.dm_threshold = 10;
  if (out.dm_z <= 10) {
    EXPECT_EQ(run_retrain(bars, nullptr, options, 1).result, RetrainResult::kAccepted);
  }
}

// A live model flagged no_skill loses the min_improvement margin: a
// candidate merely better than it replaces it. The live model here is the
// first candidate with its head bias shifted (so its forecasts are biased),
// and min_improvement is 0.99, which no candidate can meet.
TEST_F(Retrain, ANoSkillLiveModelIsReplacedByAnyBetterCandidate) {
  options.min_improvement = 0.99;
  const RetrainOutcome first = run_retrain(bars, nullptr, options, 1);
  ASSERT_TRUE(first.bundle) << first.reason;
  LstmWeights<float> biased = first.bundle->lstm.weights();
  biased.head_b(0) += 0.5f;
  auto live = std::make_shared<ModelBundle>(1, options.features, first.bundle->target,
                                            first.bundle->scaler, biased, first.bundle->meta, 0.0);

  const RetrainOutcome normal = run_retrain(bars, live, options, 2);
  ASSERT_LT(normal.candidate_mse, normal.live_mse);  // better, but not by 99%
  EXPECT_EQ(normal.result, RetrainResult::kRejected);
  EXPECT_THAT(normal.reason, HasSubstr("by model.min_improvement"));

  RetrainControl control;
  control.live_no_skill = true;
  const RetrainOutcome replaced = run_retrain(bars, live, options, 2, control);
  EXPECT_EQ(replaced.result, RetrainResult::kAccepted) << replaced.reason;
  EXPECT_THAT(replaced.reason, HasSubstr("beats the no_skill live model"));

  // Not better at all (the candidate equals the live model): still rejected.
  const RetrainOutcome same = run_retrain(bars, first.bundle, options, 2, control);
  EXPECT_EQ(same.result, RetrainResult::kRejected);
  EXPECT_THAT(same.reason, HasSubstr("not better than the no_skill live model"));
}

TEST_F(Retrain, TestHookForcesEitherDecision) {
  const RetrainOutcome first = run_retrain(bars, nullptr, options, 1);
  RetrainControl control;
  control.gate_override = GateOverride::kForceAccept;
  EXPECT_EQ(run_retrain(bars, first.bundle, options, 2, control).result, RetrainResult::kAccepted);
  control.gate_override = GateOverride::kForceReject;
  const RetrainOutcome rejected = run_retrain(bars, nullptr, options, 2, control);
  EXPECT_EQ(rejected.result, RetrainResult::kRejected);
  EXPECT_THAT(rejected.reason, HasSubstr("forced reject"));
}

TEST_F(Retrain, TooFewBarsFailWithAReason) {
  bars.resize(299);
  const RetrainOutcome out = run_retrain(bars, nullptr, options, 1);
  EXPECT_EQ(out.result, RetrainResult::kFailed);
  EXPECT_THAT(out.reason, HasSubstr("min_bars 300"));
  EXPECT_EQ(out.bundle, nullptr);
}

TEST_F(Retrain, DeadlineOrCancelEndsAsTimeout) {
  RetrainControl control;
  control.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(run_retrain(bars, nullptr, options, 1, control).result, RetrainResult::kTimeout);
  std::atomic<bool> cancel{true};
  RetrainControl cancelled;
  cancelled.cancel = &cancel;
  EXPECT_EQ(run_retrain(bars, nullptr, options, 1, cancelled).result, RetrainResult::kTimeout);
}

}  // namespace
}  // namespace tickcast::model

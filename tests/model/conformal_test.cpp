#include "model/conformal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace tickcast::model {
namespace {

TEST(AdaptiveConformal, EmptyIsUnbounded) {
  AdaptiveConformal aci(0.9, 0.005, 100);
  EXPECT_TRUE(std::isinf(aci.half_width()));
  EXPECT_TRUE(std::isnan(aci.empirical_coverage()));
}

// Scores 1..10, gamma 0: the conformal quantile is the ceil(11 * level)-th
// smallest: 10 at 90%, 9 at 80%, 6 at 50%.
TEST(AdaptiveConformal, QuantileRankIsCeilNPlusOneTimesLevel) {
  for (auto [coverage, expected] : {std::pair{0.9, 10.0}, {0.8, 9.0}, {0.5, 6.0}}) {
    AdaptiveConformal aci(coverage, 0.0, 10);
    for (int s : {7, 3, 10, 1, 5, 9, 2, 8, 4, 6}) aci.update(s, true);
    EXPECT_EQ(aci.half_width(), expected) << coverage;
  }
  // 95% of 10 scores: rank ceil(10.45) = 11 > 10, so twice the largest.
  AdaptiveConformal aci(0.95, 0.0, 10);
  for (int s = 1; s <= 10; ++s) aci.update(s, true);
  EXPECT_EQ(aci.half_width(), 20.0);
}

TEST(AdaptiveConformal, KeepsOnlyTheLastWindowScores) {
  AdaptiveConformal aci(0.5, 0.0, 4);
  for (int s : {100, 100, 100, 100, 1, 2, 3, 4}) aci.update(s, true);
  EXPECT_EQ(aci.size(), 4u);
  // {1,2,3,4}: rank ceil(5 * 0.5) = 3.
  EXPECT_EQ(aci.half_width(), 3.0);
}

// alpha_{t+1} = alpha_t + gamma (alpha - err_t), by hand.
TEST(AdaptiveConformal, AlphaStepsAsInGibbsCandes) {
  AdaptiveConformal aci(0.9, 0.01, 50);
  aci.update(1.0, false);  // 0.1 + 0.01 * (0.1 - 1)
  EXPECT_NEAR(aci.alpha_t(), 0.091, 1e-15);
  aci.update(1.0, true);  // + 0.01 * 0.1
  EXPECT_NEAR(aci.alpha_t(), 0.092, 1e-15);
  EXPECT_DOUBLE_EQ(aci.empirical_coverage(), 0.5);
}

// Proposition 4.1 of Gibbs & Candes: for ANY sequence, the miss rate over T
// steps is within (max(alpha_1, 1 - alpha_1) + gamma) / (gamma T) of alpha.
// Here the residual scale triples halfway through; plain rolling conformal
// (gamma 0) undercovers after the jump, ACI does not.
TEST(AdaptiveConformal, LongRunCoverageUnderAScaleShiftMeetsTheBound) {
  const double gamma = 0.005;
  AdaptiveConformal aci(0.9, gamma, 500), plain(0.9, 0.0, 500);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  int misses = 0, plain_misses_after = 0;
  const int T = 20000;
  for (int t = 0; t < T; ++t) {
    const double scale = t < T / 2 ? 1.0 : 3.0;
    const double residual = std::abs(normal(rng) * scale);
    const bool covered = residual <= aci.half_width();
    const bool plain_covered = residual <= plain.half_width();
    misses += covered ? 0 : 1;
    if (t >= T / 2 && t < T / 2 + 300) plain_misses_after += plain_covered ? 0 : 1;
    aci.update(residual, covered);
    plain.update(residual, plain_covered);
  }
  const double bound = (0.9 + gamma) / (gamma * T);
  EXPECT_LE(std::abs(static_cast<double>(misses) / T - 0.1), bound);
  EXPECT_NEAR(aci.empirical_coverage(), 1.0 - static_cast<double>(misses) / T, 1e-12);
  // Right after the jump, the old quantile (about 1.64 sigma of the old
  // scale) misses most residuals of the new one.
  EXPECT_GT(plain_misses_after, 100);
}

}  // namespace
}  // namespace tickcast::model

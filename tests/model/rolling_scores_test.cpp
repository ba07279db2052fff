#include "model/rolling_scores.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <random>

namespace tickcast::model {
namespace {

// Window 2, three forecasts, by hand. Closes 100 -> actual 101, 101 -> 100,
// 100 -> 100; predictions 100.5, 101.5, 99; intervals [99,102], [100.5,102],
// [98,101].
TEST(RollingScores, SmallWindowByHand) {
  RollingScores scores({2});
  scores.add({100, 101, 100.5, 99, 102});
  scores.add({101, 100, 101.5, 100.5, 102});
  scores.add({100, 100, 99, 98, 101});
  std::vector<WindowScores> out;
  scores.fill(out);
  ASSERT_EQ(out.size(), 1u);
  const WindowScores& s = out[0];
  EXPECT_EQ(s.window, 2);
  EXPECT_EQ(s.n, 2u);
  // Price errors of the last two: 1.5 and 1.0; persistence's: 1 and 0.
  EXPECT_DOUBLE_EQ(s.mae_price, 1.25);
  EXPECT_DOUBLE_EQ(s.rmse_price, std::sqrt((2.25 + 1.0) / 2));
  EXPECT_DOUBLE_EQ(s.persistence_mae_price, 0.5);
  EXPECT_DOUBLE_EQ(s.persistence_rmse_price, std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(s.skill, 1 - std::sqrt(3.25 / 2) / std::sqrt(0.5));
  // Direction: forecast 2 predicted up, went down (miss); forecast 3: no move.
  EXPECT_DOUBLE_EQ(s.direction_accuracy, 0.0);
  // 100 is outside [100.5, 102]; 100 is inside [98, 101].
  EXPECT_DOUBLE_EQ(s.interval_coverage, 0.5);
  EXPECT_DOUBLE_EQ(s.interval_mean_width, (1.5 + 3.0) / 2);
  const double e2 = std::log(101.5 / 101) - std::log(100.0 / 101);
  const double e3 = std::log(99.0 / 100);
  EXPECT_NEAR(s.mae_return, (std::abs(e2) + std::abs(e3)) / 2, 1e-15);
}

// Against a brute-force recomputation over a deque, for several windows,
// after a million forecasts whose size varies by six orders of magnitude
// (running sums alone would have drifted).
TEST(RollingScores, MatchesBruteForceAfterManyForecasts) {
  const std::vector<int> windows{3, 60, 1440};
  RollingScores scores(windows);
  std::deque<ScoredForecast> history;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  for (int t = 0; t < 1'000'000; ++t) {
    const double level = (t / 1000) % 2 == 0 ? 1e6 : 1.0;
    const double close = level * (1 + 0.01 * std::abs(normal(rng)));
    const double actual = close * std::exp(1e-3 * normal(rng));
    const double predicted = close * std::exp(1e-3 * normal(rng));
    const double half = close * 1.5e-3;
    ScoredForecast f{close, actual, predicted, predicted - half, predicted + half};
    scores.add(f);
    history.push_back(f);
    if (history.size() > 1440) history.pop_front();
  }
  std::vector<WindowScores> out;
  scores.fill(out);
  for (std::size_t k = 0; k < windows.size(); ++k) {
    double sq = 0, psq = 0, abs_ret = 0, covered = 0;
    const auto w = static_cast<std::size_t>(windows[k]);
    for (std::size_t i = history.size() - w; i < history.size(); ++i) {
      const auto& f = history[i];
      sq += (f.predicted - f.actual) * (f.predicted - f.actual);
      psq += (f.close - f.actual) * (f.close - f.actual);
      abs_ret += std::abs(std::log(f.predicted / f.close) - std::log(f.actual / f.close));
      covered += (f.actual >= f.lower && f.actual <= f.upper) ? 1 : 0;
    }
    EXPECT_EQ(out[k].n, w);
    EXPECT_NEAR(out[k].rmse_price / std::sqrt(sq / w), 1.0, 1e-9) << windows[k];
    EXPECT_NEAR(out[k].persistence_rmse_price / std::sqrt(psq / w), 1.0, 1e-9);
    EXPECT_NEAR(out[k].mae_return / (abs_ret / w), 1.0, 1e-9);
    EXPECT_DOUBLE_EQ(out[k].interval_coverage, covered / w);
  }
}

TEST(RollingScores, EmptyWindowIsNaNAndModelWorseGivesPositiveDm) {
  RollingScores scores({100});
  std::vector<WindowScores> out;
  scores.fill(out);
  EXPECT_EQ(out[0].n, 0u);
  EXPECT_TRUE(std::isnan(out[0].skill));
  std::mt19937_64 rng(2);
  std::normal_distribution<double> normal;
  for (int t = 0; t < 100; ++t) {
    const double actual = 100 + normal(rng);
    // The model is persistence plus noise of its own: worse.
    scores.add({100, actual, 100 + 2 * normal(rng), 90, 110});
  }
  EXPECT_GT(scores.dm_z(0), 3.0);
  scores.fill(out);
  EXPECT_LT(out[0].skill, 0);
}

}  // namespace
}  // namespace tickcast::model

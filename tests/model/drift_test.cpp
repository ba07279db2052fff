#include "model/drift.hpp"

#include <gtest/gtest.h>

#include <random>

namespace tickcast::model {
namespace {

// Ten 0s then 1s, delta 0, lambda 2. By hand: the cumulative sum after the
// 11th..13th values is 10/11, 10/11 + 10/12, 10/11 + 10/12 + 10/13 = 2.51 > 2,
// so the alarm comes at the 13th value (index 12) and not before.
TEST(PageHinkley, AlarmsWhereTheHandComputationSays) {
  PageHinkley ph(0.0, 2.0);
  for (int i = 0; i < 20; ++i) {
    const bool alarm = ph.add(i < 10 ? 0.0 : 1.0);
    if (i < 12) {
      ASSERT_FALSE(alarm) << i;
    } else {
      EXPECT_TRUE(alarm) << i;
      EXPECT_EQ(ph.statistic(), 0.0);  // reset after the alarm
      break;
    }
  }
}

TEST(PageHinkley, QuietOnStationaryNoiseAlarmsOnAMeanIncrease) {
  PageHinkley ph(0.05, 50.0);
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> residual(1.0);  // mean 1
  for (int i = 0; i < 20000; ++i) ASSERT_FALSE(ph.add(residual(rng))) << i;
  int alarm_at = -1;
  for (int i = 0; i < 2000 && alarm_at < 0; ++i) {
    if (ph.add(2.0 * residual(rng))) alarm_at = i;  // the mean doubles
  }
  EXPECT_GE(alarm_at, 0);
  EXPECT_LT(alarm_at, 200);
}

TEST(Adwin, QuietOnStationaryNoiseCutsAfterAMeanShift) {
  Adwin adwin(0.002);
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> residual(1.0);
  for (int i = 0; i < 5000; ++i) ASSERT_FALSE(adwin.add(residual(rng))) << i;
  EXPECT_EQ(adwin.size(), 2048u);
  int alarm_at = -1;
  for (int i = 0; i < 2000 && alarm_at < 0; ++i) {
    if (adwin.add(3.0 * residual(rng))) alarm_at = i;
  }
  EXPECT_GE(alarm_at, 0);
  EXPECT_LT(alarm_at, 300);
  // The older sub-window was dropped: what is left is mostly post-change.
  EXPECT_LT(adwin.size(), 2048u);
}

TEST(DriftFactory, MakesWhatTheOptionNames) {
  EXPECT_NE(dynamic_cast<PageHinkley*>(make_drift_detector("page_hinkley", 0, 1, 0.1).get()),
            nullptr);
  EXPECT_NE(dynamic_cast<Adwin*>(make_drift_detector("adwin", 0, 1, 0.1).get()), nullptr);
  EXPECT_EQ(make_drift_detector("none", 0, 1, 0.1), nullptr);
}

}  // namespace
}  // namespace tickcast::model

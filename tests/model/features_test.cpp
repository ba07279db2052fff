// Features, targets, the scaler and data preparation, on hand-made bars whose
// expected values are worked out in the comments.
#include "model/features.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "model/dataset.hpp"
#include "model/scaler.hpp"

namespace tickcast::model {
namespace {

Bar bar(double open, double high, double low, double close, double volume = 0) {
  Bar b;
  b.open = open;
  b.high = high;
  b.low = low;
  b.close = close;
  b.volume = volume;
  b.vwap = close;
  return b;
}

const std::vector<std::string> kAll{"log_return",  "log_range", "log_body", "log_volume",
                                    "trade_count", "imbalance", "vwap_gap", "mask"};

TEST(Features, DefaultOptionsNameTheFullKnownSet) {
  EXPECT_EQ(ModelOptions{}.features, kAll);
  EXPECT_EQ(check_feature_names(kAll), "");
}

TEST(Features, EachFeatureOfOneBar) {
  Bar b = bar(100, 120, 96, 110, 3.0);
  b.trade_count = 7;
  b.buy_volume = 2.5;
  b.sell_volume = 0.5;
  b.vwap = 105;
  FeatureSet set(kAll);
  std::vector<double> f(8);
  set.compute(b, 88.0, f);
  EXPECT_DOUBLE_EQ(f[0], std::log(110.0 / 88.0));
  EXPECT_DOUBLE_EQ(f[1], std::log(1.25));  // 120 / 96
  EXPECT_DOUBLE_EQ(f[2], std::log(1.1));   // 110 / 100
  EXPECT_DOUBLE_EQ(f[3], std::log(4.0));   // log1p(3)
  EXPECT_DOUBLE_EQ(f[4], std::log(8.0));   // log1p(7)
  EXPECT_DOUBLE_EQ(f[5], 2.0 / 3.0);       // (2.5 - 0.5) / 3
  EXPECT_DOUBLE_EQ(f[6], std::log(105.0 / 110.0));
  EXPECT_EQ(f[7], 0.0);
}

TEST(Features, QuietAndGapBarsAreMaskedAndDegenerateInputsGiveZeroNotNan) {
  FeatureSet set({"mask", "log_return", "imbalance", "vwap_gap"});
  Bar quiet = bar(50, 50, 50, 50);
  quiet.status = BarStatus::kQuiet;
  quiet.vwap = 0;
  std::vector<double> f(4);
  set.compute(quiet, 0.0, f);  // no previous bar
  EXPECT_EQ(f, (std::vector<double>{1, 0, 0, 0}));
  quiet.status = BarStatus::kGap;
  set.compute(quiet, 50.0, f);
  EXPECT_EQ(f[0], 1.0);
}

TEST(Features, OrderFollowsTheConfiguredNames) {
  FeatureSet set({"log_body", "log_range"});
  std::vector<double> f(2);
  set.compute(bar(100, 125, 100, 110), 0, f);
  EXPECT_DOUBLE_EQ(f[0], std::log(1.1));
  EXPECT_DOUBLE_EQ(f[1], std::log(1.25));
}

TEST(Features, UnknownOrRepeatedNamesAreRejected) {
  EXPECT_THAT(check_feature_names({"log_return", "rsi"}),
              ::testing::HasSubstr("unknown feature \"rsi\" (known: log_return"));
  EXPECT_THAT(check_feature_names({"mask", "mask"}), ::testing::HasSubstr("listed twice"));
  EXPECT_THAT(check_feature_names({}), ::testing::HasSubstr("empty"));
}

TEST(Targets, LogReturnAndCloseAndTheirInverse) {
  Target t{};
  ASSERT_TRUE(parse_target("log_return", t));
  EXPECT_DOUBLE_EQ(target_value(t, 100, 105), std::log(1.05));
  EXPECT_DOUBLE_EQ(predicted_close(t, 100, std::log(1.05)), 105.0);
  ASSERT_TRUE(parse_target("close", t));
  EXPECT_EQ(target_value(t, 100, 105), 105.0);
  EXPECT_EQ(predicted_close(t, 100, 104.5), 104.5);
  EXPECT_FALSE(parse_target("price", t));
}

TEST(Scaler, FitsOnThePrefixOnlyWithPopulationStandardDeviation) {
  MatrixX<double> f(6, 2);
  f << 1, 5, 2, 5, 3, 5, 4, 5, 1000, -7, 2000, 9;  // rows 4 and 5 are not fitted on
  VectorX<double> y(6);
  y << 10, 20, 30, 40, 1e6, -1e6;
  const Scaler s = Scaler::fit(f, y, 4);
  EXPECT_DOUBLE_EQ(s.mean[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale[0], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(s.mean[1], 5.0);
  EXPECT_DOUBLE_EQ(s.scale[1], 1.0);  // constant: scale 1, maps to 0
  EXPECT_DOUBLE_EQ(s.target_mean, 25.0);
  EXPECT_DOUBLE_EQ(s.target_scale, std::sqrt(125.0));
  std::vector<double> raw{4.0, 5.0};
  std::vector<float> out(2);
  s.transform(raw, out);
  EXPECT_FLOAT_EQ(out[0], static_cast<float>(1.5 / std::sqrt(1.25)));
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_DOUBLE_EQ(s.unscale_target(s.scale_target(33.0)), 33.0);
}

TEST(PrepareData, RowsPairEachBarsFeaturesWithTheNextBarsTarget) {
  std::vector<Bar> bars;
  for (int t = 0; t < 50; ++t) bars.push_back(bar(100 + t, 101 + t, 99 + t, 100.5 + t));
  ModelOptions o;
  o.features = {"log_return"};
  o.seq_len = 4;
  o.warmup_steps = 0;
  o.validation_fraction = 0.2;
  PreparedData d;
  ASSERT_EQ(prepare_data(bars, o, d), "");
  EXPECT_EQ(d.scaled.inputs.rows(), 49);
  EXPECT_EQ(d.raw_features.rows(), 50);
  EXPECT_EQ(d.fit_rows, 39);  // 49 - ceil(0.2 * 49)
  EXPECT_DOUBLE_EQ(d.raw_targets(0), std::log(101.5 / 100.5));
  EXPECT_DOUBLE_EQ(d.raw_features(1, 0), std::log(101.5 / 100.5));
  // Scaled values use the prefix-fitted scaler.
  EXPECT_FLOAT_EQ(
      d.scaled.targets(10, 0),
      static_cast<float>((d.raw_targets(10) - d.scaler.target_mean) / d.scaler.target_scale));
  bars.resize(1);
  EXPECT_THAT(prepare_data(bars, o, d), ::testing::HasSubstr("at least 2 bars"));
  o.target = "price";
  EXPECT_THAT(prepare_data(bars, o, d), ::testing::HasSubstr("model.target"));
}

}  // namespace
}  // namespace tickcast::model

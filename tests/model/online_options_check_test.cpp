#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/options_check.hpp"

namespace tickcast::model {
namespace {

using ::testing::HasSubstr;

TEST(OnlineOptionsCheck, DefaultsAreValid) {
  EXPECT_EQ(check_options(ModelOptions{}), "");
  EXPECT_EQ(check_score_options(ScoreOptions{}), "");
}

TEST(OnlineOptionsCheck, CrossChecksNameBothFields) {
  ModelOptions o;
  o.min_bars = 3000;  // window 2880
  EXPECT_EQ(check_options(o), "model.min_bars = 3000 exceeds model.window = 2880");
  o = ModelOptions{};
  o.validation_bars = 500;  // min_bars 500
  EXPECT_THAT(check_options(o),
              HasSubstr("model.validation_bars = 500 must be less than model.min_bars = 500"));
}

TEST(OnlineOptionsCheck, RangesAndNames) {
  auto with = [](auto set) {
    ModelOptions o;
    set(o);
    return check_options(o);
  };
  EXPECT_THAT(with([](ModelOptions& o) { o.window = 99; }), HasSubstr("model.window = 99"));
  EXPECT_THAT(with([](ModelOptions& o) { o.retrain_every = -1; }),
              HasSubstr("model.retrain_every = -1 is out of range"));
  EXPECT_THAT(with([](ModelOptions& o) { o.min_improvement = 1; }),
              HasSubstr("model.min_improvement"));
  EXPECT_THAT(with([](ModelOptions& o) { o.drift = "cusum"; }),
              HasSubstr("model.drift = \"cusum\" is not one of"));
  EXPECT_THAT(with([](ModelOptions& o) { o.drift_lambda = 0.5; }), HasSubstr("drift_lambda"));
  EXPECT_THAT(with([](ModelOptions& o) { o.adwin_confidence = 0; }), HasSubstr("adwin_confidence"));
  EXPECT_THAT(with([](ModelOptions& o) { o.dm_threshold = 11; }), HasSubstr("dm_threshold"));
  EXPECT_THAT(with([](ModelOptions& o) { o.max_gap_bars = 0; }), HasSubstr("max_gap_bars"));
  EXPECT_THAT(with([](ModelOptions& o) { o.keep_versions = 0; }), HasSubstr("keep_versions"));
  EXPECT_THAT(with([](ModelOptions& o) { o.checkpoint_every = 0; }), HasSubstr("checkpoint_every"));
  EXPECT_THAT(with([](ModelOptions& o) { o.train_budget = std::chrono::milliseconds(10); }),
              HasSubstr("model.train_budget = 10000000 ns is out of range 1 s to 24 h"));
  EXPECT_THAT(with([](ModelOptions& o) { o.aci_gamma = 0.6; }), HasSubstr("aci_gamma"));
  EXPECT_THAT(with([](ModelOptions& o) { o.conformal_window = 19; }),
              HasSubstr("conformal_window"));
  EXPECT_EQ(check_score_options(ScoreOptions{{}}),
            "scores.windows must list 1 to 8 windows, got 0");
  EXPECT_EQ(check_score_options(ScoreOptions{{60, 1}}),
            "scores.windows entry 1 is out of range 2 to 1000000");
}

}  // namespace
}  // namespace tickcast::model

// Forecaster::on_bar must not touch the heap in steady state (a live model,
// full score windows and conformal history): it is linked with the counting
// allocator (tests/support/counting_allocator.cpp), as step_allocation_test does.
#include <gtest/gtest.h>

#include "model/forecaster.hpp"
#include "model/retrain.hpp"
#include "tests/model/online_bars.hpp"
#include "tests/model/online_options.hpp"
#include "tests/support/counting_allocator.hpp"

namespace tickcast::model {
namespace {

TEST(ForecasterAllocation, SteadyStateOnBarDoesNotAllocate) {
  const ModelOptions options = test::small_online_options();
  const std::vector<Bar> bars = test::synthetic_bars(1400);
  RetrainControl control;
  control.gate_override = GateOverride::kForceAccept;
  const RetrainOutcome job =
      run_retrain(std::vector<Bar>(bars.begin(), bars.begin() + 400), nullptr, options, 1, control);
  ASSERT_TRUE(job.bundle) << job.reason;
  for (const char* drift : {"page_hinkley", "adwin"}) {
    ModelOptions o = options;
    o.drift = drift;
    Forecaster f(o, ScoreOptions{{20, 100}}, "test", "BTCUSDT", 60'000'000'000);
    for (std::size_t t = 0; t < 400; ++t) f.on_bar(bars[t]);
    ASSERT_TRUE(f.install(job.bundle, job.state, job.state_after_sequence, job.last_close));
    // Warm everything up: score windows, conformal window, replay ring.
    for (std::size_t t = 400; t < 900; ++t) f.on_bar(bars[t]);
    const long before = test::allocation_count();
    for (std::size_t t = 900; t < 1400; ++t) f.on_bar(bars[t]);
    EXPECT_EQ(test::allocation_count() - before, 0) << drift;
    EXPECT_EQ(f.last_forecast().status == ForecastStatus::kWarmingUp, false);
  }
}

}  // namespace
}  // namespace tickcast::model

// Forecaster::on_bar must not touch the heap in steady state (a live model,
// full score windows and conformal history): this binary replaces the global
// allocation functions with counting ones, as step_allocation_test does.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "model/forecaster.hpp"
#include "model/retrain.hpp"
#include "tests/model/online_bars.hpp"
#include "tests/model/online_options.hpp"

// Our operator delete frees what our operator new malloc'ed; GCC cannot see
// that the pair is replaced together.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return operator new(n, a);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}

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
    const long before = g_allocations.load();
    for (std::size_t t = 900; t < 1400; ++t) f.on_bar(bars[t]);
    EXPECT_EQ(g_allocations.load() - before, 0) << drift;
    EXPECT_EQ(f.last_forecast().status == ForecastStatus::kWarmingUp, false);
  }
}

}  // namespace
}  // namespace tickcast::model

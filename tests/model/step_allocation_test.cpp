// step() must never touch the heap: this binary replaces the global
// allocation functions with counting ones and steps networks of several
// shapes while counting.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "model/lstm.hpp"

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

template <typename T>
long allocations_during_steps(const LstmShape& shape, int steps = 200) {
  Lstm<T> lstm(LstmWeights<T>::initialised(shape, 1));
  auto state = lstm.make_state();
  std::vector<T> x(shape.input_size, T(0.5));
  const long before = g_allocations.load();
  T sink = 0;
  for (int t = 0; t < steps; ++t) sink += lstm.step(x, state)[0];
  const long after = g_allocations.load();
  EXPECT_TRUE(std::isfinite(sink));
  return after - before;
}

TEST(StepAllocation, TheCounterSeesAnAllocation) {
  // Proves the replacement is live, so the zeros below mean something.
  const long before = g_allocations.load();
  auto* v = new std::vector<int>(100);
  delete v;
  EXPECT_GE(g_allocations.load() - before, 2);
}

TEST(StepAllocation, FloatStepsNeverAllocate) {
  EXPECT_EQ(allocations_during_steps<float>({8, 32, 1, 1}), 0);
  EXPECT_EQ(allocations_during_steps<float>({8, 128, 2, 1}), 0);
  EXPECT_EQ(allocations_during_steps<float>({3, 7, 3, 2}), 0);
  // The largest hidden size the config allows: the GEMV's operands far
  // exceed Eigen's stack-temporary limit, so a temporary would show here.
  EXPECT_EQ(allocations_during_steps<float>({8, 1024, 1, 1}, 5), 0);
}

TEST(StepAllocation, DoubleStepsNeverAllocate) {
  EXPECT_EQ(allocations_during_steps<double>({8, 64, 2, 1}), 0);
}

}  // namespace
}  // namespace tickcast::model

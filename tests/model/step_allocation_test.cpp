// step() must never touch the heap: it is linked with the counting
// allocator (tests/support/counting_allocator.cpp) and steps networks of several
// shapes while counting.
#include <gtest/gtest.h>

#include "model/lstm.hpp"
#include "tests/support/counting_allocator.hpp"

namespace tickcast::model {
namespace {

template <typename T>
long allocations_during_steps(const LstmShape& shape, int steps = 200) {
  Lstm<T> lstm(LstmWeights<T>::initialised(shape, 1));
  auto state = lstm.make_state();
  std::vector<T> x(shape.input_size, T(0.5));
  const long before = test::allocation_count();
  T sink = 0;
  for (int t = 0; t < steps; ++t) sink += lstm.step(x, state)[0];
  const long after = test::allocation_count();
  EXPECT_TRUE(std::isfinite(sink));
  return after - before;
}

TEST(StepAllocation, TheCounterSeesAnAllocation) {
  // Proves the replacement is live, so the zeros below mean something.
  const long before = test::allocation_count();
  auto* v = new std::vector<int>(100);
  // The counting operator new lives in another translation unit, so the
  // compiler may elide a new/delete pair it can see whole: let v escape.
  asm volatile("" : : "g"(v) : "memory");
  delete v;
  EXPECT_GE(test::allocation_count() - before, 2);
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

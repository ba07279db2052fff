// BPTT's analytic gradient of every parameter against central finite
// differences of the loss, in double, through 24 steps.
#include <gtest/gtest.h>

#include <cmath>

#include "model/bptt.hpp"
#include "model/random.hpp"

namespace tickcast::model {
namespace {

Batch<double> random_batch(const LstmShape& shape, int steps, int windows, int skip,
                           std::uint64_t seed) {
  Random rng(seed);
  Batch<double> batch;
  batch.skip_steps = skip;
  for (int t = 0; t < steps; ++t) {
    MatrixX<double> x(shape.input_size, windows), y(shape.output_size, windows);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.normal();
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.normal();
    batch.inputs.push_back(x);
    batch.targets.push_back(y);
  }
  return batch;
}

struct Case {
  LstmShape shape;
  LossKind loss;
};

class GradientCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradientCheck, EveryParameterMatchesCentralDifferences) {
  const auto [shape, loss_kind] = GetParam();
  auto weights = LstmWeights<double>::initialised(shape, 11);
  // Non-zero biases and a wider spread so that no gate sits in a trivial regime.
  Random rng(5);
  weights.for_each_tensor([&](const std::string&, double* d, Eigen::Index r, Eigen::Index c) {
    for (Eigen::Index i = 0; i < r * c; ++i) d[i] += 0.3 * rng.normal();
  });
  const Batch<double> batch = random_batch(shape, 24, 3, 4, 99);

  Bptt<double> bptt(loss_kind);
  LstmWeights<double> grad;
  bptt.loss_and_gradient(weights, batch, grad);

  std::vector<double> analytic;
  grad.for_each_tensor([&](const std::string&, const double* d, Eigen::Index r, Eigen::Index c) {
    analytic.insert(analytic.end(), d, d + r * c);
  });

  // Fourth-order central differences, (-f(2e) + 8 f(e) - 8 f(-e) + f(-2e)) / 12e:
  // truncation error O(e^4) ~ 1e-16 and rounding ~ 1e-16 / e ~ 1e-12, so
  // gradients down to ~1e-6 can be held to 1e-6 relative error.
  const double eps = 1e-4;
  std::size_t index = 0, checked = 0;
  double worst = 0.0;
  weights.for_each_tensor([&](const std::string& name, double* d, Eigen::Index r, Eigen::Index c) {
    for (Eigen::Index i = 0; i < r * c; ++i, ++index) {
      const double saved = d[i];
      auto loss_at = [&](double delta) {
        d[i] = saved + delta;
        const double l = bptt.loss(weights, batch);
        d[i] = saved;
        return l;
      };
      const double numeric =
          (-loss_at(2 * eps) + 8 * loss_at(eps) - 8 * loss_at(-eps) + loss_at(-2 * eps)) /
          (12 * eps);
      const double a = analytic[index];
      // Relative error, with a floor so that gradients that are zero in
      // exact arithmetic (|g| ~ 1e-12 of rounding) are not divided by zero.
      const double rel = std::abs(a - numeric) / std::max({std::abs(a), std::abs(numeric), 1e-7});
      worst = std::max(worst, rel);
      EXPECT_LT(rel, 1e-6) << name << "[" << i << "] analytic " << a << " numeric " << numeric;
      ++checked;
    }
  });
  EXPECT_EQ(checked, weights.parameter_count());
  RecordProperty("worst_relative_error", std::to_string(worst));
  std::printf("checked %zu parameters, worst relative error %.3g\n", checked, worst);
}

INSTANTIATE_TEST_SUITE_P(Shapes, GradientCheck,
                         ::testing::Values(Case{{3, 4, 1, 1}, LossKind::kMse},
                                           Case{{2, 3, 2, 1}, LossKind::kMse},
                                           Case{{3, 5, 2, 2}, LossKind::kMse},
                                           Case{{2, 3, 2, 1}, LossKind::kHuber}));

TEST(Bptt, LossIsTheMeanSquaredErrorOfTheCountedSteps) {
  // A zero network outputs its head bias; with bias 0.5 and targets 0 and 2
  // the errors are -0.5 and 1.5 => MSE (0.25 + 2.25) / 2 = 1.25.
  auto w = LstmWeights<double>::zeros({1, 2, 1, 1});
  w.head_b(0) = 0.5;
  Batch<double> batch;
  batch.skip_steps = 1;
  for (double target : {100.0, 0.0, 2.0}) {  // the first is skipped
    batch.inputs.push_back(MatrixX<double>::Ones(1, 1));
    batch.targets.push_back(MatrixX<double>::Constant(1, 1, target));
  }
  Bptt<double> mse;
  EXPECT_DOUBLE_EQ(mse.loss(w, batch), 1.25);
  // Huber: 0.5 * 0.25 and 1.5 - 0.5 => (0.125 + 1.0) / 2.
  Bptt<double> huber(LossKind::kHuber);
  EXPECT_DOUBLE_EQ(huber.loss(w, batch), 0.5625);
}

}  // namespace
}  // namespace tickcast::model

// The LSTM's forward pass against a scalar re-derivation of the gate equations,
// its initialisation, and the separation of weights from state.
#include "model/lstm.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace tickcast::model {
namespace {

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// Olah's equations written out with loops over plain numbers, one layer at a
// time, independent of the packed matrix the production step uses.
struct ScalarReference {
  const LstmWeights<double>& w;
  std::vector<std::vector<double>> h, c;

  explicit ScalarReference(const LstmWeights<double>& weights) : w(weights) {
    h.assign(weights.layers.size(), std::vector<double>(weights.shape.hidden, 0.0));
    c = h;
  }

  std::vector<double> step(std::vector<double> x) {
    const int H = w.shape.hidden;
    for (std::size_t k = 0; k < w.layers.size(); ++k) {
      const auto& l = w.layers[k];
      std::vector<double> pre(4 * H);
      for (int r = 0; r < 4 * H; ++r) {
        double s = l.b_ih(r) + l.b_hh(r);
        for (std::size_t j = 0; j < x.size(); ++j) s += l.w_ih(r, j) * x[j];
        for (int j = 0; j < H; ++j) s += l.w_hh(r, j) * h[k][j];
        pre[r] = s;
      }
      for (int j = 0; j < H; ++j) {
        const double i = sigmoid(pre[j]), f = sigmoid(pre[H + j]);
        const double g = std::tanh(pre[2 * H + j]), o = sigmoid(pre[3 * H + j]);
        c[k][j] = f * c[k][j] + i * g;
        h[k][j] = o * std::tanh(c[k][j]);
      }
      x = h[k];
    }
    std::vector<double> y(w.shape.output_size);
    for (int r = 0; r < w.shape.output_size; ++r) {
      y[r] = w.head_b(r);
      for (int j = 0; j < H; ++j) y[r] += w.head_w(r, j) * x[j];
    }
    return y;
  }
};

LstmWeights<double> random_weights(const LstmShape& shape, unsigned seed) {
  auto w = LstmWeights<double>::zeros(shape);
  std::srand(seed);
  w.for_each_tensor([](const std::string&, double* d, Eigen::Index r, Eigen::Index c) {
    for (Eigen::Index i = 0; i < r * c; ++i) d[i] = std::rand() / double(RAND_MAX) - 0.5;
  });
  return w;
}

class LstmMatchesScalarReference : public ::testing::TestWithParam<LstmShape> {};

TEST_P(LstmMatchesScalarReference, OverThirtyStepsWithCarriedState) {
  const LstmShape shape = GetParam();
  const auto weights = random_weights(shape, 7);
  Lstm<double> lstm(weights);
  auto state = lstm.make_state();
  ScalarReference ref(weights);
  for (int t = 0; t < 30; ++t) {
    std::vector<double> x(shape.input_size);
    for (int j = 0; j < shape.input_size; ++j) x[j] = std::sin(0.3 * t + j);
    const auto y = lstm.step(x, state);
    const auto expected = ref.step(x);
    ASSERT_EQ(y.size(), expected.size());
    for (std::size_t j = 0; j < y.size(); ++j) EXPECT_NEAR(y[j], expected[j], 1e-12) << "t=" << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, LstmMatchesScalarReference,
                         ::testing::Values(LstmShape{1, 1, 1, 1}, LstmShape{3, 5, 1, 1},
                                           LstmShape{4, 3, 2, 2}, LstmShape{8, 16, 3, 1}));

TEST(Lstm, ForwardOfASequenceEqualsSteppingThroughIt) {
  const LstmShape shape{3, 4, 2, 1};
  Lstm<float> lstm(random_weights(shape, 3).cast<float>());
  MatrixX<float> xs = MatrixX<float>::Random(10, 3);
  auto s1 = lstm.make_state();
  const MatrixX<float> ys = lstm.forward(xs, s1);
  auto s2 = lstm.make_state();
  for (int t = 0; t < 10; ++t) {
    VectorX<float> x = xs.row(t).transpose();
    EXPECT_EQ(lstm.step({x.data(), 3}, s2)[0], ys(t, 0));
  }
  EXPECT_EQ(s1.h[1], s2.h[1]);
  EXPECT_EQ(s1.c[0], s2.c[0]);
}

TEST(Lstm, StatesSharingOneNetworkDoNotInterfere) {
  const LstmShape shape{2, 3, 1, 1};
  Lstm<double> lstm(random_weights(shape, 5));
  auto a = lstm.make_state();
  auto b = lstm.make_state();
  const std::vector<double> x1{1.0, -1.0}, x2{0.5, 0.25};
  lstm.step(x1, a);
  const double b_first = lstm.step(x2, b)[0];
  auto fresh = lstm.make_state();
  EXPECT_EQ(lstm.step(x2, fresh)[0], b_first);
  // After a reset a state behaves like a fresh one.
  lstm.step(x1, a);
  a.reset();
  EXPECT_EQ(lstm.step(x2, a)[0], b_first);
}

TEST(LstmInit, ForgetGateBiasIsOneAndOtherBiasesZero) {
  const LstmShape shape{4, 6, 2, 1};
  const auto w = LstmWeights<double>::initialised(shape, 42);
  for (const auto& l : w.layers) {
    for (int r = 0; r < 24; ++r) {
      EXPECT_EQ(l.b_ih(r), (r >= 6 && r < 12) ? 1.0 : 0.0) << r;
      EXPECT_EQ(l.b_hh(r), 0.0);
    }
  }
  EXPECT_TRUE(w.head_b.isZero());
}

TEST(LstmInit, RecurrentGateBlocksAreOrthogonal) {
  const auto w = LstmWeights<double>::initialised({4, 6, 1, 1}, 1);
  for (int gate = 0; gate < 4; ++gate) {
    const Eigen::MatrixXd q = w.layers[0].w_hh.middleRows(gate * 6, 6);
    EXPECT_TRUE((q.transpose() * q).isIdentity(1e-12)) << gate;
  }
}

TEST(LstmInit, InputWeightsAreWithinTheXavierBound) {
  const auto w = LstmWeights<double>::initialised({10, 6, 1, 1}, 1);
  const double bound = std::sqrt(6.0 / (10 + 6));
  EXPECT_LE(w.layers[0].w_ih.cwiseAbs().maxCoeff(), bound);
  // Spread over the range, not collapsed near zero.
  EXPECT_GT(w.layers[0].w_ih.cwiseAbs().maxCoeff(), 0.8 * bound);
}

TEST(LstmInit, SameSeedSameWeightsOtherSeedOtherWeights) {
  const LstmShape shape{3, 4, 2, 1};
  const auto a = LstmWeights<float>::initialised(shape, 9);
  const auto b = LstmWeights<float>::initialised(shape, 9);
  const auto c = LstmWeights<float>::initialised(shape, 10);
  EXPECT_EQ(a.layers[1].w_hh, b.layers[1].w_hh);
  EXPECT_EQ(a.head_w, b.head_w);
  EXPECT_NE(a.layers[1].w_hh, c.layers[1].w_hh);
}

TEST(LstmWeights, ShapeErrorNamesTheWrongTensor) {
  auto w = LstmWeights<float>::zeros({3, 4, 2, 1});
  EXPECT_EQ(w.shape_error(), "");
  w.layers[1].w_hh.resize(16, 5);
  EXPECT_THAT(w.shape_error(), ::testing::HasSubstr("lstm.weight_hh_l1 is 16x5, expected 16x4"));
  EXPECT_EQ(w.parameter_count(), 4u * 4 * (3 + 4 + 2) + 16 * 4 + 16 * 5 + 32 + 4 + 1);
}

}  // namespace
}  // namespace tickcast::model

// Adam, clipping, and the training loop: learning, early stopping, and
// bit-identical results for a fixed seed.
#include "model/trainer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "model/adam.hpp"

namespace tickcast::model {
namespace {

TEST(Adam, FirstStepMovesEachParameterByTheLearningRateAgainstItsGradientSign) {
  // With bias correction, Adam's first update is lr * g / (|g| + eps).
  const LstmShape shape{1, 1, 1, 1};
  auto w = LstmWeights<double>::zeros(shape);
  auto g = LstmWeights<double>::zeros(shape);
  g.layers[0].w_ih(0, 0) = 0.25;
  g.layers[0].w_ih(1, 0) = -3.0;
  g.head_b(0) = 1e-3;
  AdamOptions o;
  o.learning_rate = 0.01;
  o.clip_norm = 0;
  Adam<double> adam(shape, o);
  adam.step(w, g);
  EXPECT_NEAR(w.layers[0].w_ih(0, 0), -0.01, 1e-9);
  EXPECT_NEAR(w.layers[0].w_ih(1, 0), 0.01, 1e-9);
  EXPECT_NEAR(w.head_b(0), -0.01, 1e-7);
  EXPECT_EQ(w.layers[0].w_ih(2, 0), 0.0);  // zero gradient, no move
}

TEST(Adam, ClipsTheGlobalNormAndReportsTheNormBeforeClipping) {
  const LstmShape shape{1, 1, 1, 1};
  auto w = LstmWeights<double>::zeros(shape);
  auto g = LstmWeights<double>::zeros(shape);
  g.layers[0].w_ih(0, 0) = 3.0;
  g.head_w(0, 0) = 4.0;  // norm 5
  AdamOptions o;
  o.clip_norm = 1.0;
  Adam<double> adam(shape, o);
  EXPECT_DOUBLE_EQ(adam.step(w, g), 5.0);
  EXPECT_DOUBLE_EQ(g.layers[0].w_ih(0, 0), 0.6);
  EXPECT_DOUBLE_EQ(g.head_w(0, 0), 0.8);
  EXPECT_NEAR(global_norm(g), 1.0, 1e-15);
}

TEST(Adam, DecoupledWeightDecayShrinksParametersWithoutGradient) {
  const LstmShape shape{1, 1, 1, 1};
  auto w = LstmWeights<double>::zeros(shape);
  w.head_w(0, 0) = 2.0;
  auto g = LstmWeights<double>::zeros(shape);
  AdamOptions o;
  o.learning_rate = 0.1;
  o.weight_decay = 0.5;
  Adam<double> adam(shape, o);
  adam.step(w, g);
  EXPECT_DOUBLE_EQ(w.head_w(0, 0), 2.0 * (1 - 0.1 * 0.5));
}

// A series an LSTM can learn: the target is the next value of a noisy
// sinusoid whose current value is the input.
SequenceData sinusoid(int rows) {
  SequenceData d;
  d.inputs.resize(rows, 2);
  d.targets.resize(rows, 1);
  for (int t = 0; t < rows; ++t) {
    d.inputs(t, 0) = static_cast<float>(std::sin(0.3 * t));
    d.inputs(t, 1) = static_cast<float>(std::cos(0.05 * t));
    d.targets(t, 0) = static_cast<float>(std::sin(0.3 * (t + 1)));
  }
  return d;
}

ModelOptions small_options() {
  ModelOptions o;
  o.hidden = 8;
  o.seq_len = 24;
  o.batch = 8;
  o.warmup_steps = 4;
  o.window_stride = 6;
  o.learning_rate = 0.01;
  o.epochs = 12;
  o.patience = 100;
  return o;
}

TEST(Trainer, LearnsAPredictableSeriesFarBelowItsVariance) {
  const SequenceData data = sinusoid(600);
  TrainingResult result;
  ASSERT_EQ(train_lstm(data, small_options(), {}, result), "");
  // Predicting the mean would score the variance of sin, 0.5.
  EXPECT_LT(result.best_validation_loss, 0.02);
  EXPECT_EQ(result.validation_rows, 60u);
  EXPECT_EQ(result.train_rows, 540u);
  EXPECT_LT(result.epochs.back().train_loss, result.epochs.front().train_loss);
  // The reported validation loss is the stateful MSE of the kept weights.
  EXPECT_DOUBLE_EQ(stateful_mse(Lstm<float>(result.weights), data, 0, 540, 600),
                   result.best_validation_loss);
}

TEST(Trainer, SameSeedIsBitIdenticalOtherSeedIsNot) {
  const SequenceData data = sinusoid(300);
  ModelOptions o = small_options();
  o.epochs = 3;
  TrainingResult a, b, c;
  ASSERT_EQ(train_lstm(data, o, {}, a), "");
  ASSERT_EQ(train_lstm(data, o, {}, b), "");
  o.seed = 43;
  ASSERT_EQ(train_lstm(data, o, {}, c), "");
  for (std::size_t k = 0; k < a.weights.layers.size(); ++k) {
    EXPECT_EQ(a.weights.layers[k].w_ih, b.weights.layers[k].w_ih);
    EXPECT_EQ(a.weights.layers[k].w_hh, b.weights.layers[k].w_hh);
    EXPECT_EQ(a.weights.layers[k].b_ih, b.weights.layers[k].b_ih);
  }
  EXPECT_EQ(a.weights.head_w, b.weights.head_w);
  EXPECT_EQ(a.epochs.back().train_loss, b.epochs.back().train_loss);
  EXPECT_NE(a.weights.head_w, c.weights.head_w);
}

TEST(Trainer, StopsEarlyWhenValidationStopsImprovingAndKeepsTheBestEpoch) {
  // Pure noise: nothing to learn, so validation soon stops improving.
  SequenceData d;
  d.inputs.resize(400, 1);
  d.targets.resize(400, 1);
  std::srand(3);
  for (int t = 0; t < 400; ++t) {
    d.inputs(t, 0) = static_cast<float>(std::rand() / double(RAND_MAX) - 0.5);
    d.targets(t, 0) = static_cast<float>(std::rand() / double(RAND_MAX) - 0.5);
  }
  ModelOptions o = small_options();
  o.epochs = 200;
  o.patience = 3;
  TrainingResult r;
  std::vector<int> seen;
  ASSERT_EQ(train_lstm(
                d, o, [&](const EpochReport& e) { seen.push_back(e.epoch); }, r),
            "");
  ASSERT_LT(r.epochs.size(), 200u);
  EXPECT_EQ(seen.size(), r.epochs.size());
  EXPECT_EQ(static_cast<int>(r.epochs.size()), r.best_epoch + 3);
  double best = 1e300;
  for (const auto& e : r.epochs) best = std::min(best, e.validation_loss);
  EXPECT_EQ(r.best_validation_loss, best);
}

TEST(Trainer, RefusesTooLittleDataAndBadOptions) {
  TrainingResult r;
  EXPECT_THAT(train_lstm(sinusoid(20), small_options(), {}, r),
              ::testing::HasSubstr("too little data"));
  ModelOptions o = small_options();
  o.hidden = 0;
  EXPECT_THAT(train_lstm(sinusoid(300), o, {}, r),
              ::testing::HasSubstr("model.hidden = 0 is out of range"));
  o = small_options();
  o.warmup_steps = 24;
  EXPECT_THAT(train_lstm(sinusoid(300), o, {}, r), ::testing::HasSubstr("model.warmup_steps"));
}

TEST(StatefulMse, WarmsUpOnThePrefixBeforeScoring) {
  // A network whose output is its previous input (through the cell) scores
  // differently from a cold start than after warming up on the prefix.
  const SequenceData data = sinusoid(100);
  Lstm<float> lstm(LstmWeights<float>::initialised({2, 4, 1, 1}, 1));
  const double warm = stateful_mse(lstm, data, 0, 50, 60);
  const double cold = stateful_mse(lstm, data, 50, 50, 60);
  EXPECT_NE(warm, cold);
  // Scoring a range equals the mean of squared errors of the stepped outputs.
  auto s = lstm.make_state();
  const MatrixX<float> ys = lstm.forward(data.inputs.topRows(60), s);
  double sum = 0;
  for (int t = 50; t < 60; ++t) sum += std::pow(double(ys(t, 0)) - data.targets(t, 0), 2);
  EXPECT_NEAR(warm, sum / 10, 1e-12);
}

}  // namespace
}  // namespace tickcast::model

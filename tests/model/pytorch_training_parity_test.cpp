// Training against PyTorch: BPTT's gradient of every parameter against
// autograd (float64), and three steps of clipping + AdamW against
// torch.optim.AdamW with clip_grad_norm_ (float32), on fixtures that
// make_parity_fixtures.py generated with python3-torch.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>

#include "model/adam.hpp"
#include "model/bptt.hpp"
#include "model/weights_json.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::model {
namespace {

std::filesystem::path fixture(const std::string& name) {
  return test::source_dir() / "tests/model/fixtures" / name;
}

struct TrainFixture {
  LossKind loss = LossKind::kMse;
  Batch<double> batch;
  double loss_value = 0;
  LstmWeights<double> gradients;
  AdamOptions adam;
  int adam_steps = 0;
  LstmWeights<float> weights_after;
};

// inputs/targets are B x L x (F or O) in the file; a Batch holds L matrices
// of (F or O) x B.
std::vector<MatrixX<double>> steps_of(simdjson::ondemand::array windows) {
  std::vector<MatrixX<double>> out;
  Eigen::Index b = 0;
  std::vector<std::vector<std::vector<double>>> all;
  for (auto window : windows) {
    all.emplace_back();
    for (auto step : window.get_array()) {
      all.back().emplace_back();
      // The file holds float32 values in their shortest text: round to float
      // to get PyTorch's exact value back.
      for (double v : step.get_array()) {
        all.back().back().push_back(static_cast<double>(static_cast<float>(v)));
      }
    }
    ++b;
  }
  const std::size_t steps = all.front().size();
  const auto width = static_cast<Eigen::Index>(all.front().front().size());
  for (std::size_t t = 0; t < steps; ++t) {
    MatrixX<double> m(width, b);
    for (Eigen::Index j = 0; j < b; ++j) {
      for (Eigen::Index k = 0; k < width; ++k) {
        m(k, j) = all[static_cast<std::size_t>(j)][t][static_cast<std::size_t>(k)];
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

TrainFixture load(const std::string& name) {
  TrainFixture f;
  const simdjson::padded_string json(test::read_file(fixture(name + ".train.json")));
  simdjson::ondemand::parser parser;
  auto doc = parser.iterate(json);
  const std::string_view kind = doc["loss_kind"].get_string();
  f.loss = kind == "huber" ? LossKind::kHuber : LossKind::kMse;
  f.batch.skip_steps = static_cast<int>(int64_t(doc["skip_steps"]));
  f.batch.inputs = steps_of(doc["inputs"].get_array());
  f.batch.targets = steps_of(doc["targets"].get_array());
  f.loss_value = double(doc["loss"]);
  simdjson::ondemand::object grads_object = doc["gradients"].get_object();
  const std::string_view grads = grads_object.raw_json();
  EXPECT_EQ(read_weights_json(grads, f.gradients), "");
  auto adam = doc["adam"].get_object();
  f.adam.learning_rate = double(adam["learning_rate"]);
  f.adam.weight_decay = double(adam["weight_decay"]);
  f.adam.clip_norm = double(adam["clip_norm"]);
  f.adam_steps = static_cast<int>(int64_t(adam["steps"]));
  simdjson::ondemand::object after_object = adam["weights_after"].get_object();
  const std::string_view after = after_object.raw_json();
  EXPECT_EQ(read_weights_json(after, f.weights_after), "");
  return f;
}

class MatchesPyTorchTraining : public ::testing::TestWithParam<std::string> {};

TEST_P(MatchesPyTorchTraining, LossAndEveryGradientMatchAutogradInDouble) {
  const std::string name = GetParam();
  const TrainFixture f = load(name);
  // Read as float32 (what PyTorch held), then widen exactly.
  LstmWeights<float> weights32;
  ASSERT_EQ(read_weights_json(test::read_file(fixture(name + ".weights.json")), weights32), "");
  const LstmWeights<double> weights = weights32.cast<double>();
  Bptt<double> bptt(f.loss);
  LstmWeights<double> grad;
  const double loss = bptt.loss_and_gradient(weights, f.batch, grad);
  EXPECT_NEAR(loss, f.loss_value, 1e-12 * std::abs(f.loss_value));

  std::vector<double> expected;
  f.gradients.for_each_tensor(
      [&](const std::string&, const double* d, Eigen::Index r, Eigen::Index c) {
        expected.insert(expected.end(), d, d + r * c);
      });
  std::size_t i = 0;
  grad.for_each_tensor(
      [&](const std::string& tensor, const double* d, Eigen::Index r, Eigen::Index c) {
        for (Eigen::Index k = 0; k < r * c; ++k, ++i) {
          EXPECT_NEAR(d[k], expected[i], 1e-10 * std::max(1.0, std::abs(expected[i])))
              << tensor << "[" << k << "]";
        }
      });
  EXPECT_EQ(i, expected.size());
}

TEST_P(MatchesPyTorchTraining, ThreeClippedAdamWStepsMatchTorchOptimInFloat) {
  const std::string name = GetParam();
  const TrainFixture f = load(name);
  LstmWeights<float> weights;
  ASSERT_EQ(read_weights_json(test::read_file(fixture(name + ".weights.json")), weights), "");
  Batch<float> batch;
  batch.skip_steps = f.batch.skip_steps;
  for (const auto& m : f.batch.inputs) batch.inputs.push_back(m.cast<float>());
  for (const auto& m : f.batch.targets) batch.targets.push_back(m.cast<float>());
  Bptt<float> bptt(f.loss);
  Adam<float> adam(weights.shape, f.adam);
  LstmWeights<float> grad;
  for (int s = 0; s < f.adam_steps; ++s) {
    bptt.loss_and_gradient(weights, batch, grad);
    adam.step(weights, grad);
  }
  std::vector<float> expected;
  f.weights_after.for_each_tensor(
      [&](const std::string&, const float* d, Eigen::Index r, Eigen::Index c) {
        expected.insert(expected.end(), d, d + r * c);
      });
  std::size_t i = 0;
  weights.for_each_tensor(
      [&](const std::string& tensor, const float* d, Eigen::Index r, Eigen::Index c) {
        for (Eigen::Index k = 0; k < r * c; ++k, ++i) {
          EXPECT_NEAR(d[k], expected[i], 1e-5) << tensor << "[" << k << "]";
        }
      });
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MatchesPyTorchTraining,
                         ::testing::Values("bptt_i3_h4_l1_mse", "bptt_i2_h5_l2_mse",
                                           "bptt_i3_h4_l2_huber", "bptt_i8_h16_l2_mse"));

}  // namespace
}  // namespace tickcast::model

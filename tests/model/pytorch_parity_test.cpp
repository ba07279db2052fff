// tickcast's LSTM against PyTorch's nn.LSTM + nn.Linear, from fixtures that
// tests/model/make_parity_fixtures.py generated with python3-torch: the same
// state_dict, the same inputs, PyTorch's outputs with (h, c) carried between
// two calls. float32 throughout; tolerance 1e-5.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "model/lstm.hpp"
#include "model/weights_json.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::model {
namespace {

std::filesystem::path fixture(const std::string& name) {
  return test::source_dir() / "tests/model/fixtures" / name;
}

// A 2-D list of numbers from the fixture as rows of floats.
std::vector<std::vector<float>> rows_of(simdjson::ondemand::document& doc, const char* key) {
  std::vector<std::vector<float>> out;
  for (auto row : doc[key].get_array()) {
    out.emplace_back();
    for (double v : row.get_array()) out.back().push_back(static_cast<float>(v));
  }
  return out;
}

class MatchesPyTorch : public ::testing::TestWithParam<std::string> {};

TEST_P(MatchesPyTorch, OutputsAndFinalStateWithCarriedState) {
  const std::string name = GetParam();
  LstmWeights<float> weights;
  ASSERT_EQ(read_weights_json(test::read_file(fixture(name + ".weights.json")), weights), "");

  simdjson::ondemand::parser parser;
  const simdjson::padded_string io =
      simdjson::padded_string(test::read_file(fixture(name + ".io.json")));
  simdjson::ondemand::document doc = parser.iterate(io);
  const LstmShape expected_shape{
      static_cast<int>(int64_t(doc["input_size"])), static_cast<int>(int64_t(doc["hidden"])),
      static_cast<int>(int64_t(doc["layers"])), static_cast<int>(int64_t(doc["output_size"]))};
  EXPECT_EQ(weights.shape, expected_shape);
  const auto inputs = rows_of(doc, "inputs");
  const auto outputs = rows_of(doc, "outputs");
  const auto h_n = rows_of(doc, "h_n");
  const auto c_n = rows_of(doc, "c_n");
  ASSERT_EQ(inputs.size(), outputs.size());

  Lstm<float> lstm(std::move(weights));
  auto state = lstm.make_state();
  for (std::size_t t = 0; t < inputs.size(); ++t) {
    const auto y = lstm.step(inputs[t], state);
    ASSERT_EQ(y.size(), outputs[t].size());
    for (std::size_t j = 0; j < y.size(); ++j) {
      EXPECT_NEAR(y[j], outputs[t][j], 1e-5) << name << " step " << t << " output " << j;
    }
  }
  for (std::size_t k = 0; k < h_n.size(); ++k) {
    for (std::size_t j = 0; j < h_n[k].size(); ++j) {
      EXPECT_NEAR(state.h[k](j), h_n[k][j], 1e-5) << "h layer " << k;
      EXPECT_NEAR(state.c[k](j), c_n[k][j], 1e-5) << "c layer " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MatchesPyTorch,
                         ::testing::Values("lstm_i1_h1_l1", "lstm_i3_h5_l1", "lstm_i8_h32_l1",
                                           "lstm_i4_h16_l2", "lstm_i8_h64_l2", "lstm_i8_h128_l1",
                                           "lstm_i8_h48_l3"));

TEST(WeightsJson, ExportThenImportIsExact) {
  const auto w = LstmWeights<float>::initialised({5, 6, 2, 2}, 3);
  LstmWeights<float> back;
  ASSERT_EQ(read_weights_json(write_weights_json(w), back), "");
  EXPECT_EQ(back.shape, w.shape);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(back.layers[k].w_ih, w.layers[k].w_ih);
    EXPECT_EQ(back.layers[k].w_hh, w.layers[k].w_hh);
    EXPECT_EQ(back.layers[k].b_ih, w.layers[k].b_ih);
    EXPECT_EQ(back.layers[k].b_hh, w.layers[k].b_hh);
  }
  EXPECT_EQ(back.head_w, w.head_w);
  EXPECT_EQ(back.head_b, w.head_b);
}

TEST(WeightsJson, ReadsWhatPythonsJsonModuleWrites) {
  // Row-major rows in the file, whatever Eigen's storage order.
  LstmWeights<double> w;
  ASSERT_EQ(read_weights_json(R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]],
      "lstm.weight_hh_l0": [[5], [6], [7], [8]], "lstm.bias_ih_l0": [0.5, 0, 0, 0],
      "lstm.bias_hh_l0": [0, 0, 0, -1e-3], "head.weight": [[2.5]], "head.bias": [-1]})",
                              w),
            "");
  EXPECT_EQ(w.shape, (LstmShape{1, 1, 1, 1}));
  EXPECT_EQ(w.layers[0].w_hh(2, 0), 7.0);
  EXPECT_EQ(w.layers[0].b_hh(3), -1e-3);
  EXPECT_EQ(w.head_b(0), -1.0);
}

struct BadJson {
  const char* text;
  const char* error;
};

class RejectsBadWeightsJson : public ::testing::TestWithParam<BadJson> {};

TEST_P(RejectsBadWeightsJson, WithAClearMessage) {
  LstmWeights<float> w;
  EXPECT_THAT(read_weights_json(GetParam().text, w), ::testing::HasSubstr(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RejectsBadWeightsJson,
    ::testing::Values(
        BadJson{"[]", "expected '{'"}, BadJson{"{}", "empty"},
        BadJson{R"({"head.bias": [0]})", "missing \"lstm.weight_ih_l0\""},
        BadJson{R"({"lstm.weight_ih_l0": [[1], [2], [3]]})", "not a positive multiple of 4"},
        BadJson{R"({"lstm.weight_ih_l0": [[1, 2], [2], [3], [4]]})", "row 1 has 1 values"},
        BadJson{R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]]})", "missing \"lstm.weight_hh_l0\""},
        BadJson{R"({"lstm.weight_ih_l0": [[1], [2], [3], ["x"]]})", "expected a finite number"},
        BadJson{R"({"lstm.weight_ih_l0": [[1], [2], [3], [nan]]})", "expected a finite number"},
        BadJson{
            R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]], "lstm.weight_hh_l0": [[5, 1], [6, 1], [7, 1], [8, 1]], "lstm.bias_ih_l0": [0, 0, 0, 0],
       "lstm.bias_hh_l0": [0, 0, 0, 0], "head.weight": [[1]], "head.bias": [0]})",
            "\"lstm.weight_hh_l0\" is 4x2, expected 4x1"},
        BadJson{
            R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]], "lstm.weight_hh_l0": [[5], [6], [7], [8]], "lstm.bias_ih_l0": [0, 0, 0, 0],
       "lstm.bias_hh_l0": [0, 0, 0, 0], "head.weight": [[1]], "head.bias": [0], "head.extra": [1]})",
            "unknown tensor \"head.extra\""},
        BadJson{
            R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]], "lstm.weight_hh_l0": [[5], [6], [7], [8]], "lstm.bias_ih_l0": [0, 0, 0, 0],
       "lstm.bias_hh_l0": [0, 0, 0, 0], "head.weight": [[1]], "head.bias": [0]} x)",
            "unexpected text after the object"},
        BadJson{
            R"({"lstm.weight_ih_l0": [[1], [2], [3], [4]], "lstm.weight_ih_l0": [[1], [2], [3], [4]]})",
            "appears twice"}));

}  // namespace
}  // namespace tickcast::model

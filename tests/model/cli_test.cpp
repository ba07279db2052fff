// The `train`, `infer` and `model` subcommands, run as a user would run them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "model/checkpoint.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast {
namespace {

using ::testing::HasSubstr;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("tickcast_model_cli_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // Runs `tickcast ARGS`; stdout and stderr land in out and err.
  int run(const std::string& args, const std::string& stdin_file = "/dev/null") {
    const std::string cmd = "'" + test::tickcast_binary().string() + "' " + args + " < '" +
                            stdin_file + "' > '" + (dir / "out").string() + "' 2> '" +
                            (dir / "err").string() + "'";
    const int status = std::system(cmd.c_str());
    out = test::read_file(dir / "out");
    err = test::read_file(dir / "err");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path dir;
  std::string out, err;
};

TEST_F(Cli, InferReproducesPyTorchOutputsFromAWeightsJson) {
  const auto fixtures = test::source_dir() / "tests/model/fixtures";
  simdjson::ondemand::parser parser;
  const auto io = simdjson::padded_string(test::read_file(fixtures / "lstm_i4_h16_l2.io.json"));
  auto doc = parser.iterate(io);
  std::string csv = "x0,x1,x2,x3\n";  // a header, which infer skips
  std::vector<double> expected;
  // The inputs exactly as PyTorch's float32 values were written.
  for (auto row : doc["inputs"].get_array()) {
    std::string line;
    for (auto v : row.get_array()) {
      line += (line.empty() ? "" : ",") + std::string(std::string_view(v.raw_json_token()));
    }
    csv += line + "\n";
  }
  std::ofstream(dir / "in.csv") << csv;
  auto again = parser.iterate(io);
  for (auto row : again["outputs"].get_array()) {
    for (double v : row.get_array()) expected.push_back(v);
  }

  ASSERT_EQ(run("infer --weights '" + (fixtures / "lstm_i4_h16_l2.weights.json").string() + "'",
                (dir / "in.csv").string()),
            0)
      << err;
  std::istringstream lines(out);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, expected.size());
    EXPECT_NEAR(std::stod(line), expected[i], 1e-5) << "row " << i;
    ++i;
  }
  EXPECT_EQ(i, expected.size());
}

TEST_F(Cli, InferRejectsRowsOfTheWrongWidth) {
  std::ofstream(dir / "in.csv") << "1,2\n";
  EXPECT_EQ(
      run("infer --weights '" +
              (test::source_dir() / "tests/model/fixtures/lstm_i3_h5_l1.weights.json").string() +
              "'",
          (dir / "in.csv").string()),
      1);
  EXPECT_THAT(err, HasSubstr("stdin line 1: 2 values, the model takes 3"));
}

TEST_F(Cli, TrainScoresAgainstPersistenceWritesACheckpointAndInspectReadsIt) {
  // The first 3000 minutes of the real Binance.US file, and a small config.
  std::ifstream in(test::shared_data_dir() / "klines/binanceus_BTCUSDT_1m_20230301_20230321.csv");
  std::ofstream bars(dir / "bars.csv");
  std::string line;
  for (int i = 0; i <= 3000 && std::getline(in, line); ++i) bars << line << '\n';
  bars.close();
  std::ofstream(dir / "tickcast.toml") << "[model]\nhidden = 8\nepochs = 2\nseq_len = 32\n"
                                          "warmup_steps = 8\n";
  const std::string model = (dir / "btc.model").string();
  ASSERT_EQ(run("train --bars '" + (dir / "bars.csv").string() + "' --config '" +
                (dir / "tickcast.toml").string() + "' --out '" + model + "'"),
            0)
      << err;
  EXPECT_THAT(err, HasSubstr("read 3000 bars (binanceus"));
  EXPECT_THAT(err, HasSubstr("epoch 2/2"));
  EXPECT_THAT(out, HasSubstr("held-out bars: 600 forecasts"));
  EXPECT_THAT(out, HasSubstr("| MAE price |"));
  EXPECT_THAT(out, HasSubstr("| directional accuracy |"));

  model::Checkpoint ck;
  ASSERT_TRUE(model::load_checkpoint(model, ck).ok());
  EXPECT_EQ(ck.weights.shape.hidden, 8);
  EXPECT_EQ(ck.last_bar_sequence, 2999u);
  EXPECT_EQ(ck.last_close, 22163.56);  // the close of 2023-03-03 01:59, the 3000th row
  EXPECT_TRUE(ck.has_state);
  EXPECT_EQ(ck.meta.epochs_run, 2u);

  ASSERT_EQ(run("model inspect '" + model + "'"), 0) << err;
  EXPECT_THAT(out, HasSubstr("network     1 LSTM layer(s) x hidden 8, input 8, output 1"));
  EXPECT_THAT(out, HasSubstr("after bar sequence 2999"));
  EXPECT_THAT(out, HasSubstr("log_return"));

  // export-weights gives JSON that infer reads.
  ASSERT_EQ(run("model export-weights '" + model + "' '" + (dir / "w.json").string() + "'"), 0);
  std::ofstream(dir / "in.csv") << "0,0,0,0,0,0,0,0\n";
  ASSERT_EQ(run("infer --weights '" + (dir / "w.json").string() + "'", (dir / "in.csv").string()),
            0)
      << err;
  const std::string from_json = out;
  ASSERT_EQ(run("infer --weights '" + model + "'", (dir / "in.csv").string()), 0) << err;
  EXPECT_EQ(out, from_json);
  ASSERT_EQ(run("infer --resume --weights '" + model + "'", (dir / "in.csv").string()), 0);
  EXPECT_NE(out, from_json);  // a warm state gives another output

  // A damaged checkpoint is refused with its class.
  std::string bytes = test::read_file(model);
  bytes[100] = static_cast<char>(bytes[100] ^ 0x40);
  std::ofstream(dir / "bad.model", std::ios::binary) << bytes;
  EXPECT_EQ(run("model inspect '" + (dir / "bad.model").string() + "'"), 1);
  EXPECT_THAT(err, HasSubstr("checksum mismatch"));
}

TEST_F(Cli, TrainReadsTheNotebooksDailyFile) {
  std::ofstream(dir / "tickcast.toml")
      << "[model]\nhidden = 8\nepochs = 2\nseq_len = 16\nwarmup_steps = 4\nwindow_stride = 4\n";
  ASSERT_EQ(run("train --format coinmarketcap --bars '" +
                (test::shared_data_dir() / "seed/bitcoin_price_Training - Training.csv").string() +
                "' --config '" + (dir / "tickcast.toml").string() + "' --out '" +
                (dir / "daily.model").string() + "'"),
            0)
      << err;
  EXPECT_THAT(err, HasSubstr("read 1556 bars (coinmarketcap"));
  EXPECT_THAT(out, HasSubstr("held-out bars: 311 forecasts"));
}

TEST_F(Cli, TrainRefusesABadConfigAndAMissingFile) {
  std::ofstream(dir / "tickcast.toml") << "[model]\nhidden = 0\n";
  EXPECT_EQ(run("train --bars x --config '" + (dir / "tickcast.toml").string() + "' --out y"), 1);
  EXPECT_THAT(err, HasSubstr("model.hidden"));
  EXPECT_EQ(run("train --bars '" + (dir / "nope.csv").string() + "' --out y"), 1);
  EXPECT_THAT(err, HasSubstr("nope.csv: cannot open"));
}

}  // namespace
}  // namespace tickcast

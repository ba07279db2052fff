// `tickcast backtest`, run as a user would run it: byte-identical reruns, the
// files' formats, a different seed giving different models, and errors that
// name the bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/paths.hpp"

namespace tickcast {
namespace {

using ::testing::HasSubstr;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BacktestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("tickcast_backtest_cli_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    // The first 1500 minutes of the shared Binance.US file.
    std::ifstream in(test::shared_data_dir() / "klines/binanceus_BTCUSDT_1m_20230301_20230321.csv");
    std::ofstream bars(dir / "bars.csv");
    std::string line;
    for (int i = 0; i <= 1500 && std::getline(in, line); ++i) bars << line << '\n';
    std::ofstream(dir / "tickcast.toml")
        << "[model]\nhidden = 4\nepochs = 2\nseq_len = 16\nwarmup_steps = 4\n"
           "window_stride = 8\nwindow = 400\nmin_bars = 300\nvalidation_bars = 60\n"
           "retrain_every = 300\nconformal_window = 100\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  int run(const std::string& args) {
    const std::string cmd = "'" + test::tickcast_binary().string() + "' " + args + " > '" +
                            (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
    const int status = std::system(cmd.c_str());
    err = slurp(dir / "err");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string backtest(const std::string& out, const std::string& extra = "") {
    return "backtest --config '" + (dir / "tickcast.toml").string() + "' --bars '" +
           (dir / "bars.csv").string() + "' --out '" + (dir / out).string() + "' " + extra;
  }

  std::filesystem::path dir;
  std::string err;
};

TEST_F(BacktestCli, SameInputAndSeedGiveByteIdenticalFiles) {
  ASSERT_EQ(run(backtest("a")), 0) << err;
  ASSERT_EQ(run(backtest("b")), 0) << err;
  for (const char* name : {"forecasts.csv", "report.json", "report.svg"}) {
    const std::string a = slurp(dir / "a" / name), b = slurp(dir / "b" / name);
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_TRUE(a == b) << name << " differs between identical runs";
  }
  // Another seed trains other models: the forecasts differ.
  ASSERT_EQ(run(backtest("c", "--seed 7")), 0) << err;
  EXPECT_NE(slurp(dir / "a" / "forecasts.csv"), slurp(dir / "c" / "forecasts.csv"));
  EXPECT_THAT(slurp(dir / "c" / "report.json"), HasSubstr("\"seed\": 7,"));
}

TEST_F(BacktestCli, FilesHaveTheDocumentedShape) {
  ASSERT_EQ(run(backtest("a")), 0) << err;
  std::ifstream csv(dir / "a" / "forecasts.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line,
            "bar_end_ns,sequence,close,status,model_version,predicted_close,lower,upper,"
            "static_predicted_close,static_lower,static_upper,skill,static_skill");
  std::size_t rows = 0, warming = 0, with_model = 0;
  while (std::getline(csv, line)) {
    ++rows;
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
    ASSERT_EQ(cells.size(), 13u) << line;
    if (cells[3] == "warming_up") {
      ++warming;
      EXPECT_EQ(cells[4], "0");
      EXPECT_EQ(cells[5], cells[2]);  // persistence
    } else {
      ++with_model;
      EXPECT_NE(cells[4], "0");
    }
  }
  EXPECT_EQ(rows, 1500u);
  // The first model comes at bar 300 (min_bars): 300 warming-up forecasts.
  EXPECT_EQ(warming, 300u);
  EXPECT_EQ(with_model, 1200u);
  const std::string json = slurp(dir / "a" / "report.json");
  for (const char* key :
       {"\"overall\"", "\"online\"", "\"static\"", "\"persistence\"", "\"interval_coverage\"",
        "\"retrains\"", "\"final_windows\"", "\"dm_z_vs_persistence\"", "\"trigger\": \"initial\"",
        "\"trigger\": \"scheduled\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  const std::string svg = slurp(dir / "a" / "report.svg");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("Rolling skill"));
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_THAT(err, HasSubstr("retrains"));
}

TEST_F(BacktestCli, ErrorsNameTheBadInput) {
  EXPECT_EQ(run("backtest --config '" + (dir / "tickcast.toml").string() + "' --bars '" +
                (dir / "missing.csv").string() + "' --out '" + (dir / "x").string() + "'"),
            1);
  EXPECT_THAT(err, HasSubstr("missing.csv"));
  EXPECT_EQ(run(backtest("x", "--seed abc")), 1);
  EXPECT_THAT(err, HasSubstr("--seed must be a non-negative integer, got \"abc\""));
  EXPECT_EQ(run("backtest --config '" + (dir / "tickcast.toml").string() + "' --out '" +
                (dir / "x").string() + "'"),
            1);
  EXPECT_THAT(err, HasSubstr("exactly one of --bars, --trades, --frames"));
  std::ofstream(dir / "short.csv") << "open_time,open,high,low,close,volume\n"
                                      "2023-03-01 00:00:00+00:00,1,1,1,1,1\n";
  EXPECT_EQ(run("backtest --config '" + (dir / "tickcast.toml").string() + "' --bars '" +
                (dir / "short.csv").string() + "' --out '" + (dir / "x").string() + "'"),
            1);
  EXPECT_THAT(err, HasSubstr("short.csv: 1 bars, but model.min_bars = 300"));
  std::ofstream(dir / "bad.toml") << "[model]\nmin_bars = 3000\n";
  EXPECT_EQ(run("backtest --config '" + (dir / "bad.toml").string() + "' --bars '" +
                (dir / "bars.csv").string() + "' --out '" + (dir / "x").string() + "'"),
            1);
  EXPECT_THAT(err, HasSubstr("min_bars"));
}

// Trades go through the real decoder and Resampler with the config's [bars]:
// the backtest's bars are exactly `tickcast resample`'s.
TEST_F(BacktestCli, TradesAreResampledWithTheConfigsBars) {
  const std::string trades =
      (test::shared_data_dir() /
       "trades/binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv")
          .string();
  std::ofstream(dir / "seconds.toml")
      << "[bars]\ninterval = \"1s\"\nallowed_lateness = \"500ms\"\n"
         "[model]\nhidden = 4\nepochs = 2\nseq_len = 16\nwarmup_steps = 4\nwindow_stride = 8\n"
         "window = 400\nmin_bars = 300\nvalidation_bars = 60\nretrain_every = 200\n"
         "conformal_window = 100\n";
  ASSERT_EQ(run("backtest --config '" + (dir / "seconds.toml").string() + "' --trades '" + trades +
                "' --out '" + (dir / "t").string() + "'"),
            0)
      << err;
  ASSERT_EQ(run("resample --interval 1s --allowed-lateness 500ms '" + trades + "'"), 0) << err;
  std::stringstream resampled(slurp(dir / "out"));
  std::ifstream forecasts(dir / "t" / "forecasts.csv");
  std::string a, b;
  std::getline(resampled, a);  // headers
  std::getline(forecasts, b);
  std::size_t rows = 0;
  while (std::getline(resampled, a)) {
    ASSERT_TRUE(std::getline(forecasts, b)) << "backtest has fewer bars than resample";
    std::vector<std::string> x, y;
    std::stringstream sa(a), sb(b);
    for (std::string c; std::getline(sa, c, ',');) x.push_back(c);
    for (std::string c; std::getline(sb, c, ',');) y.push_back(c);
    ASSERT_GE(x.size(), 21u);
    EXPECT_EQ(y[0], x[4]);                        // end_ns
    EXPECT_EQ(y[1], x[19]);                       // sequence
    EXPECT_EQ(std::stod(y[2]), std::stod(x[8]));  // close
    ++rows;
  }
  EXPECT_FALSE(std::getline(forecasts, b)) << "backtest has more bars than resample";
  EXPECT_EQ(rows, 651u);
}

// Recorded frames go through the Binance dialect's decoder: the same trades
// as frames give the same forecasts, byte for byte, as the trades CSV.
TEST_F(BacktestCli, FramesDecodeToTheSameForecastsAsTheirTrades) {
  const auto trades = test::shared_data_dir() /
                      "trades/binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv";
  // trade_id,price,qty,trade_time_ms,is_buyer_maker,is_best_match_M,event_time_ms,recv_time_ns
  std::ifstream in(trades);
  std::ofstream frames(dir / "frames.txt");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) c.push_back(cell);
    ASSERT_EQ(c.size(), 8u) << line;
    frames << c[7] << " {\"e\":\"trade\",\"E\":" << c[6] << ",\"s\":\"BTCUSDT\",\"t\":" << c[0]
           << ",\"p\":\"" << c[1] << "\",\"q\":\"" << c[2] << "\",\"T\":" << c[3]
           << ",\"m\":" << c[4] << ",\"M\":true}\n";
  }
  frames << "not a frame line\n";  // skipped with a message naming the line
  frames.close();
  const std::string model =
      "[bars]\ninterval = \"1s\"\nallowed_lateness = \"500ms\"\n"
      "[model]\nhidden = 4\nepochs = 2\nseq_len = 16\nwarmup_steps = 4\nwindow_stride = 8\n"
      "window = 400\nmin_bars = 300\nvalidation_bars = 60\nretrain_every = 200\n"
      "conformal_window = 100\n";
  std::ofstream(dir / "seconds.toml") << model;
  std::ofstream(dir / "frames.toml")
      << model << "[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\n";
  ASSERT_EQ(run("backtest --config '" + (dir / "seconds.toml").string() + "' --trades '" +
                trades.string() + "' --out '" + (dir / "t").string() + "'"),
            0)
      << err;
  ASSERT_EQ(run("backtest --config '" + (dir / "frames.toml").string() + "' --frames '" +
                (dir / "frames.txt").string() + "' --out '" + (dir / "f").string() + "'"),
            0)
      << err;
  EXPECT_THAT(err, HasSubstr("frames.txt: line 19905: not \"<recv_ns> <frame>\" (skipped)"));
  EXPECT_TRUE(slurp(dir / "t" / "forecasts.csv") == slurp(dir / "f" / "forecasts.csv"));
  // Without a [[feeds]] entry there is no dialect to decode with.
  EXPECT_EQ(run("backtest --config '" + (dir / "seconds.toml").string() + "' --frames '" +
                (dir / "frames.txt").string() + "' --out '" + (dir / "g").string() + "'"),
            1);
  EXPECT_THAT(err, HasSubstr("--frames needs a [[feeds]] entry"));
}

}  // namespace
}  // namespace tickcast

// `tickcast decode` end to end: the whole raw Binance spot recording (both
// days) through the real binary must give exactly the trades of
// binance_spot_BTCUSDT_trades_*.csv, as checked by an independent Python
// script (compare_decoded_trades.py) rather than by tickcast's own parsing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/paths.hpp"

namespace tickcast::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class DecodeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tickcast_decode_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(DecodeCommand, WholeSpotRecordingGivesExactlyTheReferenceTrades) {
  const fs::path trades = shared_data_dir() / "trades";
  const fs::path out = dir_ / "decoded.csv", err = dir_ / "stderr.txt";
  const std::string command =
      "gzip -dc '" + (trades / "raw/hftbacktest_binance_spot_btcusdt_20240808.gz").string() +
      "' '" + (trades / "raw/hftbacktest_binance_spot_btcusdt_20240809.gz").string() + "' | '" +
      tickcast_binary().string() + "' decode --exchange binance > '" + out.string() + "' 2> '" +
      err.string() + "'";
  ASSERT_EQ(run(command), 0) << slurp(err);

  const std::string summary = slurp(err);
  EXPECT_NE(summary.find("lines=99574 trades=19904"), std::string::npos) << summary;
  EXPECT_NE(summary.find("trade=19904"), std::string::npos) << summary;
  // The one REST snapshot line is reported, and decoding went on past it.
  EXPECT_NE(summary.find("unexpected_shape=1"), std::string::npos) << summary;
  // (`zcat ... | grep -n lastUpdateId` puts it on line 8.)
  EXPECT_NE(summary.find("line 8: invalid (unexpected_shape)"), std::string::npos) << summary;

  const fs::path report = dir_ / "compare.txt";
  const std::string compare =
      "/usr/bin/python3 '" + (source_dir() / "tests/feeds/compare_decoded_trades.py").string() +
      "' '" + out.string() + "' '" +
      (trades / "binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv").string() +
      "' > '" + report.string() + "'";
  EXPECT_EQ(run(compare), 0) << slurp(report);
  EXPECT_EQ(slurp(report), "19904 trades match\n");
}

TEST_F(DecodeCommand, BadLinesAreCountedAndNeverStopTheRead) {
  const fs::path in = dir_ / "frames.txt", out = dir_ / "out.csv", err = dir_ / "err.txt";
  std::ofstream(in)
      << "garbage\n"
         "\n"
         R"(1723161254087896568 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,)"
         R"("s":"BTCUSDT","t":5,"p":"0.00000001","q":"2","T":1723161255342,"m":true,"M":true}})"
         "\n"
         R"({"e":"trade","E":1,"s":"BTCUSDT","t":6,"p":"1")"
         "\n"
         R"(1.5 {"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"3","q":"4","T":2,"m":false})"
         "\n";
  ASSERT_EQ(run("'" + tickcast_binary().string() + "' decode --exchange binance '" + in.string() +
                "' > '" + out.string() + "' 2> '" + err.string() + "'"),
            0);
  EXPECT_EQ(slurp(out),
            "exchange,symbol,trade_id,price,qty,side,exchange_time_ns,receive_time_ns\n"
            "binance,BTCUSDT,5,1e-08,2,sell,1723161255342000000,1723161254087896568\n"
            "binance,BTCUSDT,7,3,4,buy,2000000,1500000000\n");
  const std::string summary = slurp(err);
  EXPECT_NE(summary.find("lines=5 trades=2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("not_json=2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("empty=1"), std::string::npos) << summary;
}

TEST_F(DecodeCommand, UnknownExchangeIsAnError) {
  const fs::path err = dir_ / "err.txt";
  EXPECT_EQ(run("'" + tickcast_binary().string() + "' decode --exchange ftx < /dev/null 2> '" +
                err.string() + "'"),
            2);
  EXPECT_NE(slurp(err).find("unknown exchange 'ftx'"), std::string::npos) << slurp(err);
}

}  // namespace
}  // namespace tickcast::test

// `tickcast resample` end to end: the real binary over the real Binance
// recording, checked against an independent group-by done by awk.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/paths.hpp"

namespace tickcast {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command and returns its exit code and standard output.
CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    r.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep)) fields.push_back(field);
  return fields;
}

// CSV text with a header into rows of name -> value.
std::vector<std::map<std::string, std::string>> parse_csv(const std::string& text) {
  std::stringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto header = split(line, ',');
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto fields = split(line, ',');
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

std::filesystem::path spot_trades() {
  for (const auto& entry :
       std::filesystem::directory_iterator(test::shared_data_dir() / "trades")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("binance_spot_BTCUSDT_trades_", 0) == 0) return entry.path();
  }
  return {};
}

void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::fabs(want))) << what;
}

TEST(ResampleCli, OneMinuteBarsMatchAnAwkGroupByOnRealBinanceTrades) {
  const auto trades = spot_trades();
  ASSERT_FALSE(trades.empty()) << "no binance_spot_BTCUSDT_trades_*.csv in shared data";
  const CommandResult bars = run(test::tickcast_binary().string() + " resample --interval 1m '" +
                                 trades.string() + "' 2>/dev/null");
  ASSERT_EQ(bars.exit_code, 0);

  // The independent computation: group by floor(trade_time_ms / 60000);
  // open/close are the trades with the smallest/largest (time, id);
  // is_buyer_maker=true means the seller was the aggressor.
  const std::string awk = R"(awk -F, 'NR > 1 {
      m = int($4 / 60000); t = $4 + 0; id = $1 + 0; p = $2 + 0; q = $3 + 0;
      if (!(m in n)) { n[m] = 0; hi[m] = p; lo[m] = p; ot[m] = t; oi[m] = id; op[m] = p;
                       ct[m] = t; ci[m] = id; cp[m] = p; keys[++k] = m }
      n[m]++; v[m] += q;
      if ($5 == "true") sv[m] += q; else bv[m] += q;
      if (p > hi[m]) hi[m] = p; if (p < lo[m]) lo[m] = p;
      if (t < ot[m] || (t == ot[m] && id < oi[m])) { ot[m] = t; oi[m] = id; op[m] = p }
      if (t > ct[m] || (t == ct[m] && id > ci[m])) { ct[m] = t; ci[m] = id; cp[m] = p }
    } END { for (i = 1; i <= k; i++) { m = keys[i];
      printf "%d %.17g %.17g %.17g %.17g %.17g %.17g %.17g %d\n",
             m, op[m], hi[m], lo[m], cp[m], v[m], bv[m] + 0, sv[m] + 0, n[m] } }' ')" +
                          trades.string() + "'";
  const CommandResult grouped = run(awk);
  ASSERT_EQ(grouped.exit_code, 0);

  std::map<long long, std::vector<double>> reference;
  std::stringstream lines(grouped.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::stringstream fields(line);
    long long minute = 0;
    std::vector<double> values(8);
    fields >> minute;
    for (double& value : values) fields >> value;
    reference[minute] = values;
  }
  ASSERT_EQ(reference.size(), 12u) << "23:54 .. 00:05 in the recording";

  const auto rows = parse_csv(bars.out);
  ASSERT_EQ(rows.size(), reference.size()) << "one bar per minute, no more";
  std::size_t i = 0;
  for (const auto& [minute, want] : reference) {
    const auto& row = rows[i];
    const std::string where = "minute " + std::to_string(minute);
    EXPECT_EQ(row.at("start_ns"), std::to_string(minute * 60'000'000'000LL)) << where;
    EXPECT_EQ(row.at("end_ns"), std::to_string((minute + 1) * 60'000'000'000LL)) << where;
    EXPECT_EQ(row.at("interval_ns"), "60000000000");
    EXPECT_EQ(row.at("exchange"), "binance");
    EXPECT_EQ(row.at("symbol"), "BTCUSDT");
    EXPECT_EQ(std::stod(row.at("open")), want[0]) << where;
    EXPECT_EQ(std::stod(row.at("high")), want[1]) << where;
    EXPECT_EQ(std::stod(row.at("low")), want[2]) << where;
    EXPECT_EQ(std::stod(row.at("close")), want[3]) << where;
    expect_close(std::stod(row.at("volume")), want[4], where + " volume");
    expect_close(std::stod(row.at("buy_volume")), want[5], where + " buy_volume");
    expect_close(std::stod(row.at("sell_volume")), want[6], where + " sell_volume");
    EXPECT_EQ(std::stod(row.at("trade_count")), want[7]) << where;
    EXPECT_EQ(row.at("sequence"), std::to_string(i)) << where;
    // The recording starts at 23:54:15 and stops at 00:05:05: both ends are
    // partial minutes and must say so; every minute between is complete.
    const bool partial = i == 0 || i + 1 == reference.size();
    EXPECT_EQ(row.at("status"), partial ? "gap" : "traded") << where;
    ++i;
  }
}

TEST(ResampleCli, ReadsTickcastCsvAndReportsBadLinesWithoutStopping) {
  const auto dir = std::filesystem::temp_directory_path() / "tickcast_resample_cli_test";
  std::filesystem::create_directories(dir);
  const auto input = dir / "trades.csv";
  {
    std::ofstream out(input);
    out << "exchange,symbol,pair,trade_id,price,qty,side,exchange_time_ns,receive_time_ns\n"
           "coinbase,BTC-USD,BTC-USD,1,100,1,buy,10000000000,0\n"
           "coinbase,BTC-USD,BTC-USD,2,101,2,sell,61000000000,0\n"
           "coinbase,BTC-USD,BTC-USD,3,oops,2,sell,62000000000,0\n"
           "coinbase,BTC-USD,BTC-USD,4,99,0.5,buy,119000000000,0\n"
           "coinbase,BTC-USD,BTC-USD,5,98,1,buy,250000000000,0\n";
  }
  const CommandResult r =
      run(test::tickcast_binary().string() + " resample --interval 1m --allowed-lateness 0s '" +
          input.string() + "' 2>" + (dir / "err.txt").string());
  ASSERT_EQ(r.exit_code, 0);
  std::ifstream err_file(dir / "err.txt");
  const std::string err((std::istreambuf_iterator<char>(err_file)), {});
  EXPECT_NE(err.find("line 4: bad price \"oops\""), std::string::npos) << err;

  const auto rows = parse_csv(r.out);
  ASSERT_EQ(rows.size(),
            5u);  // [0,60) gap, [60,120), [120,180) quiet, [180,240) quiet, [240,300) gap
  EXPECT_EQ(rows[0].at("status"), "gap");
  EXPECT_EQ(rows[1].at("status"), "gap") << "id 3 is missing: the bad line lost a trade";
  EXPECT_EQ(rows[1].at("open"), "101");
  EXPECT_EQ(rows[1].at("close"), "99");
  EXPECT_EQ(rows[1].at("volume"), "2.5");
  EXPECT_EQ(rows[1].at("buy_volume"), "0.5");
  EXPECT_EQ(rows[1].at("sell_volume"), "2");
  EXPECT_EQ(rows[2].at("status"), "quiet");
  EXPECT_EQ(rows[2].at("close"), "99");
  EXPECT_EQ(rows[3].at("status"), "quiet");
  EXPECT_EQ(rows[4].at("status"), "gap") << "the input ends inside this bar";
  std::filesystem::remove_all(dir);
}

TEST(ResampleCli, RejectsBadFlagsWithExitCode2) {
  EXPECT_EQ(
      run(test::tickcast_binary().string() + " resample --interval 1x - </dev/null 2>/dev/null")
          .exit_code,
      2);
  EXPECT_EQ(run(test::tickcast_binary().string() +
                " resample --interval 1m --allowed-lateness 2m - </dev/null 2>/dev/null")
                .exit_code,
            2);
  EXPECT_EQ(run(test::tickcast_binary().string() +
                " resample --input-format xml - </dev/null 2>/dev/null")
                .exit_code,
            2);
  EXPECT_EQ(run("echo 'a,b,c' | " + test::tickcast_binary().string() + " resample - 2>/dev/null")
                .exit_code,
            2);
}

}  // namespace
}  // namespace tickcast

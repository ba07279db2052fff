// The daemon's market-data path end to end, offline: the built-in replay
// exchange streams synthetic Binance trades over a real loopback websocket,
// the feed decodes them, the resampler closes bars on time, the bar log keeps
// them across a restart, and /metrics shows all of it in a form promtool
// accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The value of the first sample whose line starts with `prefix`, or -1.
double sample(const std::string& metrics, const std::string& prefix) {
  std::size_t at = metrics.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  std::size_t space = metrics.find(' ', at + 1 + prefix.size());
  return std::stod(metrics.substr(space + 1, metrics.find('\n', space) - space - 1));
}

TEST(MarketDataTest, ReplayedTradesBecomeBarsVisibleInMetrics) {
  RunningDaemon daemon(replay_config(7));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  ASSERT_TRUE(daemon.process().wait_for_output("feed binance: connected", 10s))
      << daemon.process().output();

  // Three one-second bars need a little over three seconds of stream.
  std::string metrics;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = http_get(daemon.port(), "/metrics").body;
    if (sample(metrics,
               "tickcast_bars_total{exchange=\"binance\",symbol=\"BTCUSDT\",status=\"traded\"}") >=
        3)
      break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(sample(metrics, "tickcast_feed_connected{exchange=\"binance\"}"), 1);
  EXPECT_GT(sample(metrics, "tickcast_trades_total{exchange=\"binance\",symbol=\"BTCUSDT\"}"), 0);
  EXPECT_GE(
      sample(metrics,
             "tickcast_bars_total{exchange=\"binance\",symbol=\"BTCUSDT\",status=\"traded\"}"),
      3);
  EXPECT_EQ(
      sample(metrics, "tickcast_feed_decode_errors_total{exchange=\"binance\",kind=\"not_json\"}"),
      0);
  EXPECT_GE(
      sample(metrics, "tickcast_bar_log_appends_total{exchange=\"binance\",symbol=\"BTCUSDT\"}"),
      3);
  EXPECT_THAT(metrics, HasSubstr("tickcast_bar_close_delay_seconds_bucket{exchange=\"binance\","
                                 "symbol=\"BTCUSDT\",le=\"+Inf\"}"));

  auto scraped = daemon.dir().write("scrape.txt", metrics);
  CommandResult check =
      run_command({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + scraped.string()});
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "");

  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.process().output();
}

TEST(MarketDataTest, BarSequenceContinuesFromTheBarLogAfterARestart) {
  // One config for both runs: the same replay port and seed.
  const DaemonConfig config = replay_config(7);
  TempDir state;
  // Both runs share one state dir: the second must read the first's bar log.
  auto run_once = [&](std::chrono::seconds how_long) {
    TempDir dir;
    std::string text = RunningDaemon::render(dir, config);
    text = std::regex_replace(text, std::regex("state_dir = \"[^\"]*\""),
                              "state_dir = \"" + state.path().string() + "\"");
    auto file = dir.write("t.toml", text);
    Process process({tickcast_binary().string(), "run", "--config", file.string()},
                    dir.path() / "log");
    std::this_thread::sleep_for(how_long);
    process.signal(SIGTERM);
    EXPECT_EQ(process.wait_exit(10s).value_or(-1), 0) << process.output();
    return process.output();
  };
  std::string first = run_once(3s);
  std::string second = run_once(2s);
  EXPECT_THAT(second, HasSubstr("binance:BTCUSDT:"));
  std::smatch match;
  ASSERT_TRUE(
      std::regex_search(second, match, std::regex("binance:BTCUSDT: ([0-9]+) bars restored")))
      << second;
  EXPECT_GE(std::stoi(match[1]), 2);

  CommandResult dump = run_command(
      {tickcast_binary().string(), "bars", "dump", state.path().string(), "BTCUSDT", "--latest"});
  ASSERT_EQ(dump.status, 0) << dump.output;
  // One series across both runs: sequence numbers consecutive, none repeated,
  // so the second run continued the first instead of starting over.
  std::istringstream in(dump.output);
  std::string header;
  std::getline(in, header);
  std::vector<std::string> columns;
  for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
    comma = header.find(',', start);
    columns.push_back(header.substr(start, comma - start));
  }
  auto column = std::find(columns.begin(), columns.end(), "sequence");
  ASSERT_NE(column, columns.end()) << header;
  const auto index = static_cast<std::size_t>(column - columns.begin());
  std::vector<long> sequences;
  for (std::string line; std::getline(in, line);) {
    std::size_t start = 0;
    for (std::size_t k = 0; k < index; ++k) start = line.find(',', start) + 1;
    sequences.push_back(std::stol(line.substr(start, line.find(',', start) - start)));
  }
  ASSERT_GE(sequences.size(), 4u) << dump.output;
  for (std::size_t k = 1; k < sequences.size(); ++k) {
    EXPECT_EQ(sequences[k], sequences[k - 1] + 1) << dump.output;
  }
}

}  // namespace
}  // namespace tickcast::test

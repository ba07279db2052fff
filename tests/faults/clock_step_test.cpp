// A step of the local wall clock under the real daemon (docs/reliability.md):
// libfaketime moves the daemon's CLOCK_REALTIME an hour forward and then two
// hours back while its monotonic clock runs on, and a separate replay
// exchange process, on the true clock, keeps trading. Bars must go on
// closing one a second: no burst of an hour of empty bars when the clock
// jumps ahead, no trade refused as from the future, no stall when it jumps
// back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

#include "tests/faults/fault_daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::test {
namespace {

using namespace std::chrono_literals;

double bars(const std::string& metrics) {
  return sum_samples(metrics, "tickcast_bars_total");
}

TEST(ClockStepTest, AWallClockStepNeitherBurstsNorStallsBars) {
  ASSERT_TRUE(std::filesystem::exists(TICKCAST_FAKETIME_LIBRARY))
      << "libfaketime missing: scripts/install-deps.sh installs faketime";
  TempDir dir;
  Process exchange({tickcast_binary().string(), "replay-exchange", "--dialect", "binance",
                    "--listen", "127.0.0.1:0", "--seed", "3"},
                   dir.path() / "exchange.log");
  ASSERT_TRUE(exchange.wait_for_output("listening on ws://", 10s)) << exchange.output();
  std::smatch match;
  const std::string exchange_log = exchange.output();
  ASSERT_TRUE(std::regex_search(exchange_log, match, std::regex("ws://127\\.0\\.0\\.1:([0-9]+)")));

  const auto config = dir.write(
      "tickcast.toml", "[daemon]\nstate_dir = \"" + (dir.path() / "state").string() +
                           "\"\nshutdown_timeout = \"3s\"\n\n[server]\nlisten = \"127.0.0.1:0\"\n\n"
                           "[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\nurl = "
                           "\"ws://127.0.0.1:" +
                           std::string(match[1]) +
                           "/stream\"\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = "
                           "\"200ms\"\n");
  const auto clock_file = dir.write("faketime", "+0\n");
  auto env = preload_env(TICKCAST_FAKETIME_LIBRARY);
  env["FAKETIME_TIMESTAMP_FILE"] = clock_file.string();
  env["FAKETIME_NO_CACHE"] = "1";
  env["DONT_FAKE_MONOTONIC"] = "1";
  Process daemon({tickcast_binary().string(), "run", "--config", config.string()},
                 dir.path() / "daemon.log", env);
  ASSERT_TRUE(daemon.wait_for_output("listening on 127.0.0.1:", 15s)) << daemon.output();
  const std::string log = daemon.output();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")));
  const int port = std::stoi(match[1]);
  auto metrics = [&] { return http_get(port, "/metrics").body; };
  auto wait_bars = [&](double at_least) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::string m;
    while (std::chrono::steady_clock::now() < deadline) {
      m = metrics();
      if (bars(m) >= at_least) break;
      std::this_thread::sleep_for(100ms);
    }
    return m;
  };
  const std::string warm = wait_bars(3);
  ASSERT_GE(bars(warm), 3) << daemon.output();

  // An hour forward. The resampler's clock is monotonic, so the next three
  // seconds close about three bars, not 3,600.
  dir.write("faketime", "+1h\n");
  const auto forward_at = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(3s);
  const std::string after_forward = metrics();
  const double seconds_forward =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - forward_at).count();
  EXPECT_LE(bars(after_forward) - bars(warm), seconds_forward + 2) << daemon.output();
  EXPECT_GE(bars(after_forward) - bars(warm), seconds_forward - 2) << daemon.output();

  // Two hours back: bars still close once a second.
  dir.write("faketime", "-1h\n");
  std::this_thread::sleep_for(3s);
  const std::string after_back = metrics();
  EXPECT_GE(bars(after_back) - bars(after_forward), 2) << daemon.output();
  EXPECT_LE(bars(after_back) - bars(after_forward), 5) << daemon.output();

  // No trade was refused as coming from the future along the way.
  EXPECT_EQ(sum_samples(after_back, "tickcast_future_trades_total"), 0);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);

  daemon.signal(SIGTERM);
  EXPECT_TRUE(daemon.wait_exit(10s));
  exchange.signal(SIGTERM);
  EXPECT_TRUE(exchange.wait_exit(10s));
}

}  // namespace
}  // namespace tickcast::test

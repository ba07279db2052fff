// Online forecasting end to end, offline: the built-in replay exchange plays
// recorded Binance trades fast, the daemon closes one-second bars on their
// exchange time, forecasts every bar, retrains in the background, and swaps
// models in. Checked from outside: /metrics, /readyz, the log, the files in
// the state dir, and a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/daemon/online_helpers.hpp"
#include "tests/daemon/running_daemon.hpp"
#include "tests/daemon/seed_bars.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Small, fast training so that jobs take well under a second; the gate is
// forced through real config: dm_threshold 10 never refuses for lack of
// skill against persistence, and min_improvement 0.99 means only the first
// candidate (no live model to beat) can be accepted, so every later one is
// rejected. The synthetic market streams live one-second bars on top of the
// seeded log.
DaemonConfig online_config(int replay_port) {
  DaemonConfig config;
  config.daemon_keys = "train_threads = 1\n";
  config.rest = "url = \"ws://127.0.0.1:" + std::to_string(replay_port) +
                "/stream\"\n\n[replay]\nenabled = true\nport = " + std::to_string(replay_port) +
                "\nseed = 5\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n\n"
                "[model]\nhidden = 8\nseq_len = 16\nwarmup_steps = 4\nbatch = 8\nepochs = 3\n"
                "window = 200\nmin_bars = 100\nvalidation_bars = 40\nretrain_every = 4\n"
                "min_improvement = 0.99\ndm_threshold = 10\ncheckpoint_every = 3\n"
                "train_budget = \"60s\"\n\n[scores]\nwindows = [20, 100]\n";
  return config;
}

// A daemon whose state dir already holds 300 bars.
std::unique_ptr<RunningDaemon> start_seeded(int replay_port) {
  return std::make_unique<RunningDaemon>(
      online_config(replay_port), std::map<std::string, std::string>{},
      [](const TempDir& dir) { seed_bar_log(dir.path() / "state", 300); });
}

TEST(OnlineTest, RetrainsInTheBackgroundSwapsOnceRejectsLaterAndLosesNoForecast) {
  auto seeded = start_seeded(free_port());
  RunningDaemon& daemon = *seeded;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();

  // Before a model exists the daemon is alive but not ready, and it already
  // publishes (persistence, warming_up).
  EXPECT_EQ(http_get(daemon.port(), "/readyz").status, 503);

  const std::string metrics = wait_for_metrics(
      daemon,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_retrains_total", {"result=\"accepted\""}) >= 1 &&
               sum_samples(m, "tickcast_retrains_total", {"result=\"rejected\""}) >= 1;
      },
      40s);
  const std::string log = daemon.process().output();
  ASSERT_GE(sum_samples(metrics, "tickcast_retrains_total", {"result=\"accepted\""}), 1) << log;
  ASSERT_GE(sum_samples(metrics, "tickcast_retrains_total", {"result=\"rejected\""}), 1) << log;
  EXPECT_EQ(sum_samples(metrics, "tickcast_retrains_total", {"result=\"failed\""}), 0) << log;
  EXPECT_EQ(sum_samples(metrics, "tickcast_model_version"), 1);
  EXPECT_GT(sum_samples(metrics, "tickcast_forecasts_total", {"status=\"warming_up\""}), 0);
  EXPECT_GT(sum_samples(metrics, "tickcast_forecasts_total", {"status=\"ok\""}) +
                sum_samples(metrics, "tickcast_forecasts_total", {"status=\"no_skill\""}),
            0);
  EXPECT_GT(sum_samples(metrics, "tickcast_forecast_predicted_close"), 50'000);
  EXPECT_GE(sum_samples(metrics, "tickcast_model_age_seconds"), 0);
  EXPECT_EQ(http_get(daemon.port(), "/readyz").status, 200);

  // The log says what happened and why.
  EXPECT_THAT(log, HasSubstr("model v1 is live"));
  EXPECT_THAT(log, HasSubstr("candidate rejected"));

  // Accepted models are on disk, as is the live one once checkpointed.
  const auto models = daemon.dir().path() / "state/models/binance/BTCUSDT";
  EXPECT_TRUE(std::filesystem::exists(models / "v000001.model"));
  EXPECT_FALSE(std::filesystem::exists(models / "v000002.model"));

  // No forecast lost: once the stream is over and the last bar closed, every
  // closed bar (not revisions) has exactly one forecast.
  const std::string settled = wait_for_metrics(
      daemon,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_bars_total") == sum_samples(m, "tickcast_forecasts_total");
      },
      30s);
  EXPECT_EQ(sum_samples(settled, "tickcast_bars_total"),
            sum_samples(settled, "tickcast_forecasts_total"));

  daemon.process().signal(SIGTERM);
  ASSERT_TRUE(daemon.process().wait_exit(20s)) << daemon.process().output();
  EXPECT_TRUE(std::filesystem::exists(models / "live.model"));
}

TEST(OnlineTest, RestartRestoresTheModelAndStateWithoutWarmingUp) {
  const int port = free_port();
  auto seeded = start_seeded(port);
  RunningDaemon& first = *seeded;
  ASSERT_TRUE(first.started()) << first.process().output();
  const std::string metrics = wait_for_metrics(
      first,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_retrains_total", {"result=\"accepted\""}) >= 1;
      },
      40s);
  ASSERT_GE(sum_samples(metrics, "tickcast_retrains_total", {"result=\"accepted\""}), 1)
      << first.process().output();
  first.process().signal(SIGTERM);
  ASSERT_TRUE(first.process().wait_exit(20s));
  const auto models = first.dir().path() / "state/models/binance/BTCUSDT";
  ASSERT_TRUE(std::filesystem::exists(models / "live.model")) << first.process().output();

  // Same config, same state dir: the model comes back from live.model, is
  // ready at once and forecasts with version 1 without a new warm-up.
  Process second({tickcast_binary().string(), "run", "--config", first.config_path().string()},
                 first.dir().path() / "second.log");
  ASSERT_TRUE(second.wait_for_output("listening on 127.0.0.1:", 10s)) << second.output();
  std::smatch match;
  const std::string log = second.output();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")));
  const int http_port = std::stoi(match[1]);
  EXPECT_THAT(second.output(), HasSubstr("model v1 restored from live.model"));
  EXPECT_EQ(http_get(http_port, "/readyz").status, 200) << second.output();
  const std::string after = http_get(http_port, "/metrics").body;
  EXPECT_EQ(sum_samples(after, "tickcast_model_version"), 1);
  EXPECT_EQ(sum_samples(after, "tickcast_retrain_running"), 0);
  second.signal(SIGTERM);
  EXPECT_TRUE(second.wait_exit(20s));
}

TEST(OnlineTest, ACorruptLiveCheckpointIsMovedAsideAndTheAcceptedVersionIsUsed) {
  const int port = free_port();
  auto seeded = start_seeded(port);
  RunningDaemon& first = *seeded;
  ASSERT_TRUE(first.started()) << first.process().output();
  wait_for_metrics(
      first,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_retrains_total", {"result=\"accepted\""}) >= 1;
      },
      40s);
  first.process().signal(SIGTERM);
  ASSERT_TRUE(first.process().wait_exit(20s));
  const auto models = first.dir().path() / "state/models/binance/BTCUSDT";
  ASSERT_TRUE(std::filesystem::exists(models / "v000001.model")) << first.process().output();

  // Flip one byte in the middle of live.model.
  {
    std::fstream file(models / "live.model", std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(file.tellg());
    file.seekp(size / 2);
    file.put('\x5a');
  }
  Process second({tickcast_binary().string(), "run", "--config", first.config_path().string()},
                 first.dir().path() / "second.log");
  ASSERT_TRUE(second.wait_for_output("listening on 127.0.0.1:", 10s)) << second.output();
  EXPECT_THAT(second.output(), HasSubstr("checksum mismatch"));
  EXPECT_THAT(second.output(), HasSubstr("moved aside"));
  EXPECT_THAT(second.output(), HasSubstr("model v1 restored from v000001.model"));
  bool moved = false;
  for (const auto& entry : std::filesystem::directory_iterator(models)) {
    moved = moved || entry.path().filename().string().rfind("live.model.corrupt-", 0) == 0;
  }
  EXPECT_TRUE(moved);
  second.signal(SIGTERM);
  EXPECT_TRUE(second.wait_exit(20s));
}

}  // namespace
}  // namespace tickcast::test

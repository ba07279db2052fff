// Live vs backtest on the same bars, with the real binary.
//
// The daemon runs on a seeded bar log plus the replay exchange's live bars;
// its first retrain job starts at its first live bar N and trains on the
// newest model.window bars of the log up to N. The test then dumps the bar
// log (`tickcast bars dump --latest`), keeps bars N - window + 1 .. s_end
// (the daemon's last bar), and runs `tickcast backtest --bars` on them with
// the same config. With model.min_bars = model.window the backtest's first
// job is due at the same bar N, over the very same window, so:
//
//   1. the accepted model v1 is the same: every weight, the scaler, the
//      residual scale and the training metadata bit for bit (daemon's
//      v000001.model vs the backtest's --models-dir v000001.model); not the
//      creation time (the daemon's clock vs the bar's end) nor the free-text
//      source;
//   2. the forecaster after the last bar is the same where it can be: the
//      live model's (h, c) and the forecast published at s_end (predicted
//      return and close, from the model) — the daemon's live.model at
//      SIGTERM vs the backtest's live.model. The swap lands at different
//      bars (live: after the job, a few bars later; backtest: right after
//      N), and install() replays the bars in between onto the job's state,
//      so from the swap on the model state cannot differ.
//
// Not comparable, and not compared: the interval and the rolling scores.
// They depend on the history before the window (the daemon warmed its
// conformal history on the newest logged bars at start; the backtest starts
// at the window), and on which bars were forecast by persistence before the
// swap, which is where live and backtest differ by design.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "model/checkpoint.hpp"
#include "tests/daemon/checkpoint_compare.hpp"
#include "tests/daemon/online_helpers.hpp"
#include "tests/daemon/running_daemon.hpp"
#include "tests/daemon/seed_bars.hpp"

namespace tickcast::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kWindow = 200;

DaemonConfig parity_config(int replay_port) {
  DaemonConfig config;
  config.daemon_keys = "train_threads = 1\n";
  config.rest = "url = \"ws://127.0.0.1:" + std::to_string(replay_port) +
                "/stream\"\n\n[replay]\nenabled = true\nport = " + std::to_string(replay_port) +
                "\nseed = 5\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n\n"
                "[model]\nhidden = 8\nseq_len = 16\nwarmup_steps = 4\nbatch = 8\nepochs = 3\n"
                "window = " +
                std::to_string(kWindow) + "\nmin_bars = " + std::to_string(kWindow) +
                "\nvalidation_bars = 40\nretrain_every = 4\nmin_improvement = 0.99\n"
                "dm_threshold = 10\ncheckpoint_every = 1\ntrain_budget = \"60s\"\n\n"
                "[scores]\nwindows = [20, 100]\n";
  return config;
}

// The CSV rows of `csv` whose sequence is in [first, last], with the header.
std::string rows_between(const std::string& csv, std::uint64_t first, std::uint64_t last,
                         std::size_t& kept) {
  std::istringstream in(csv);
  std::string header;
  std::getline(in, header);
  std::size_t column = 0;
  {
    std::istringstream names(header);
    std::string name;
    while (std::getline(names, name, ',') && name != "sequence") ++column;
  }
  std::string out = header + "\n";
  kept = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t i = 0; i <= column; ++i) std::getline(cells, cell, ',');
    const std::uint64_t sequence = std::stoull(cell);
    if (sequence < first || sequence > last) continue;
    out += line + "\n";
    ++kept;
  }
  return out;
}

TEST(OnlineParityTest, LiveAndBacktestTrainTheSameFirstModelAndForecastTheSameAfterTheSwap) {
  RunningDaemon daemon(parity_config(free_port()), {},
                       [](const TempDir& dir) { seed_bar_log(dir.path() / "state", 300); });
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  const std::string metrics = wait_for_metrics(
      daemon,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_model_version") == 1 &&
               sum_samples(m, "tickcast_forecasts_total", {"status=\"ok\""}) +
                       sum_samples(m, "tickcast_forecasts_total", {"status=\"no_skill\""}) >=
                   5;
      },
      60s);
  ASSERT_EQ(sum_samples(metrics, "tickcast_model_version"), 1) << daemon.process().output();
  daemon.process().signal(SIGTERM);
  ASSERT_TRUE(daemon.process().wait_exit(20s).has_value()) << daemon.process().output();
  const std::string log = daemon.process().output();

  std::smatch match;
  ASSERT_TRUE(std::regex_search(log, match,
                                std::regex("retrain started \\(initial\\) on bars up to ([0-9]+)")))
      << log;
  const std::uint64_t first_job_at = std::stoull(match[1]);
  const fs::path models = daemon.dir().path() / "state/models/binance/BTCUSDT";
  const model::Checkpoint live_v1 = load_checkpoint_or_fail(models / "v000001.model");
  const model::Checkpoint live_final = load_checkpoint_or_fail(models / "live.model");
  ASSERT_EQ(live_final.model_version, 1u) << "a second accepted model would end the comparison";

  // The daemon's bars, as the backtest's input.
  const fs::path dump = daemon.dir().path() / "dump.csv";
  const CommandResult dumped = run_command(
      {"/bin/sh", "-c",
       "'" + tickcast_binary().string() + "' bars dump --latest '" +
           (daemon.dir().path() / "state").string() + "' BTCUSDT > '" + dump.string() + "'"});
  ASSERT_EQ(dumped.status, 0) << dumped.output;
  std::size_t kept = 0;
  const std::string window =
      rows_between(read_file(dump), first_job_at + 1 - kWindow, live_final.last_bar_sequence, kept);
  ASSERT_EQ(kept, live_final.last_bar_sequence - (first_job_at + 1 - kWindow) + 1)
      << "the bar log has a hole";
  const fs::path bars = daemon.dir().write("bars.csv", window);

  const fs::path out = daemon.dir().path() / "backtest";
  const CommandResult backtest = run_command(
      {tickcast_binary().string(), "backtest", "--config", daemon.config_path().string(), "--bars",
       bars.string(), "--out", out.string(), "--models-dir", (out / "models").string()},
      120s);
  ASSERT_EQ(backtest.status, 0) << backtest.output;
  const model::Checkpoint backtest_v1 = load_checkpoint_or_fail(out / "models/v000001.model");
  const model::Checkpoint backtest_final = load_checkpoint_or_fail(out / "models/live.model");

  // 1. The same first model, trained on the same window.
  EXPECT_EQ(backtest_v1.meta.data_start_ns, live_v1.meta.data_start_ns);
  expect_same_trained_model(live_v1, backtest_v1);
  // The backtest installs at the bar the job was due; live, later.
  EXPECT_EQ(backtest_v1.last_bar_sequence, first_job_at);
  EXPECT_GE(live_v1.last_bar_sequence, first_job_at);

  // 2. The same model state and forecast after the daemon's last bar.
  ASSERT_EQ(backtest_final.model_version, 1u) << backtest.output;
  EXPECT_EQ(backtest_final.last_bar_sequence, live_final.last_bar_sequence);
  EXPECT_EQ(backtest_final.h, live_final.h);
  EXPECT_EQ(backtest_final.c, live_final.c);
  ASSERT_TRUE(live_final.online.pending.valid);
  EXPECT_TRUE(live_final.online.pending.from_model);
  EXPECT_EQ(backtest_final.online.pending.from_model, live_final.online.pending.from_model);
  EXPECT_EQ(backtest_final.online.pending.predicted_return,
            live_final.online.pending.predicted_return);
  EXPECT_EQ(backtest_final.online.pending.predicted_close,
            live_final.online.pending.predicted_close);
}

}  // namespace
}  // namespace tickcast::test

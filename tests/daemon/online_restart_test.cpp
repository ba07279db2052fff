// Restart vs an uninterrupted run, with the real binary.
//
// The live bars of a daemon come from its clock and the replay exchange, so
// two runs never see the same bars. What is deterministic is the bar log and
// the checkpoints: a daemon restarted on a state dir restores live.model and
// catches up on the bars logged after it, and at SIGTERM it writes live.model
// with everything its forecaster holds (checkpoint format v3: model, (h, c),
// the pending forecast, conformal history, rolling scores, drift detector,
// gap counters, replay ring). So the comparison is:
//
//   run A (uninterrupted) is copied mid-stream (live.model is rewritten after
//   every bar, checkpoint_every = 1) and stopped with SIGTERM at bar s_end;
//   run B restarts from the mid-stream copy with no market (its feed points
//   at a closed port, so no new bar closes), catches up on A's logged bars
//   and is stopped with SIGTERM.
//
// B's final checkpoint must equal A's byte for byte, except the retrain
// trigger fields (bars_since_submit and the due flags): A started retrain
// jobs during those bars and a catch-up starts none, which is a real
// difference of history, not of state. Equal forecasting state means every
// later forecast, interval and score is bit-identical: that last step is
// tests/model/forecaster_restore_test.cpp.
//
// The kill -9 variant: A' continues A's state dir with the live market and
// is killed with SIGKILL between two checkpoints; C restarts on what it left
// (its last live.model and the bar log); D restarts the same bar log from
// A's SIGTERM checkpoint instead. Both must reach the same state at the last
// logged bar, byte for byte (triggers aside), i.e. a checkpoint written
// mid-stream and killed is as good as one written at shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <regex>

#include "model/checkpoint.hpp"
#include "tests/daemon/online_helpers.hpp"
#include "tests/daemon/running_daemon.hpp"
#include "tests/daemon/seed_bars.hpp"

namespace tickcast::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// As online_test.cpp's config (a small model, only the first candidate can
// be accepted: min_improvement 0.99), with a checkpoint after every bar.
std::string model_sections() {
  return "[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n\n"
         "[model]\nhidden = 8\nseq_len = 16\nwarmup_steps = 4\nbatch = 8\nepochs = 3\n"
         "window = 200\nmin_bars = 100\nvalidation_bars = 40\nretrain_every = 4\n"
         "min_improvement = 0.99\ndm_threshold = 10\ncheckpoint_every = 1\n"
         "train_budget = \"60s\"\n\n[scores]\nwindows = [20, 100]\n";
}

DaemonConfig live_config(int replay_port) {
  DaemonConfig config;
  config.daemon_keys = "train_threads = 1\n";
  config.rest = "url = \"ws://127.0.0.1:" + std::to_string(replay_port) +
                "/stream\"\n\n[replay]\nenabled = true\nport = " + std::to_string(replay_port) +
                "\nseed = 5\n\n" + model_sections();
  return config;
}

// No market: the feed dials a port nobody listens on, so no trade arrives
// and no bar closes (the resampler's clock starts with the first trade).
DaemonConfig no_market_config() {
  DaemonConfig config;
  config.daemon_keys = "train_threads = 1\n";
  config.rest =
      "url = \"ws://127.0.0.1:" + std::to_string(free_port()) + "/stream\"\n\n" + model_sections();
  return config;
}

fs::path models_dir(const TempDir& dir) {
  return dir.path() / "state/models/binance/BTCUSDT";
}

model::Checkpoint load(const fs::path& file) {
  model::Checkpoint ck;
  const model::CheckpointStatus status = model::load_checkpoint(file, ck);
  EXPECT_TRUE(status.ok()) << status.message;
  return ck;
}

// The bytes of a checkpoint with the retrain-trigger fields set to fixed
// values (see the file comment).
std::string without_triggers(model::Checkpoint ck) {
  ck.online.bars_since_submit = 0;
  ck.online.requested = ck.online.drift_due = ck.online.no_skill_due = false;
  ck.online.submitted_once = false;
  return model::encode_checkpoint(ck);
}

void expect_same_forecasting_state(const model::Checkpoint& restarted,
                                   const model::Checkpoint& reference) {
  ASSERT_TRUE(restarted.has_online_state);
  ASSERT_TRUE(reference.has_online_state);
  // The readable parts first, for a useful failure message.
  EXPECT_EQ(restarted.model_version, reference.model_version);
  EXPECT_EQ(restarted.last_bar_sequence, reference.last_bar_sequence);
  EXPECT_EQ(restarted.h, reference.h);
  EXPECT_EQ(restarted.c, reference.c);
  EXPECT_TRUE(restarted.online.pending == reference.online.pending);
  EXPECT_TRUE(restarted.online.conformal == reference.online.conformal);
  EXPECT_TRUE(restarted.online.scores == reference.online.scores);
  EXPECT_TRUE(restarted.online.model_scores == reference.online.model_scores);
  EXPECT_TRUE(restarted.online.drift == reference.online.drift);
  EXPECT_TRUE(restarted.online.ring == reference.online.ring);
  EXPECT_EQ(restarted.online.bars_seen, reference.online.bars_seen);
  EXPECT_EQ(restarted.online.drift_alarms, reference.online.drift_alarms);
  // Then everything, byte for byte.
  EXPECT_EQ(without_triggers(restarted), without_triggers(reference));
}

// Starts `tickcast run` with `config` on `dir`'s state dir, waits for the
// restore line, and stops it with SIGTERM; returns its log.
std::string restart_without_market(const TempDir& dir, const std::string& name) {
  const fs::path config = dir.write(name + ".toml", RunningDaemon::render(dir, no_market_config()));
  Process daemon({tickcast_binary().string(), "run", "--config", config.string()},
                 dir.path() / (name + ".log"));
  EXPECT_TRUE(daemon.wait_for_output("restored from live.model", 20s)) << daemon.output();
  EXPECT_TRUE(daemon.wait_for_output("listening on 127.0.0.1:", 20s)) << daemon.output();
  daemon.signal(SIGTERM);
  EXPECT_TRUE(daemon.wait_exit(20s).has_value()) << daemon.output();
  return daemon.output();
}

// "caught up on N logged bars" from a restore line.
long caught_up(const std::string& log) {
  std::smatch match;
  if (!std::regex_search(log, match, std::regex("caught up on ([0-9]+) logged bars"))) return -1;
  return std::stol(match[1]);
}

double bars_total(int port) {
  return sum_samples(http_get(port, "/metrics").body, "tickcast_bars_total");
}

TEST(OnlineRestartTest, RestartedFromAMidStreamCheckpointReachesTheUninterruptedState) {
  RunningDaemon a(live_config(free_port()), {},
                  [](const TempDir& dir) { seed_bar_log(dir.path() / "state", 300); });
  ASSERT_TRUE(a.started()) << a.process().output();
  const fs::path models = models_dir(a.dir());

  // Mid-stream: v1 is live and has forecast a few bars.
  const std::string metrics = wait_for_metrics(
      a,
      [](const std::string& m) {
        return sum_samples(m, "tickcast_model_version") == 1 &&
               sum_samples(m, "tickcast_forecasts_total", {"status=\"ok\""}) +
                       sum_samples(m, "tickcast_forecasts_total", {"status=\"no_skill\""}) >=
                   3;
      },
      60s);
  ASSERT_EQ(sum_samples(metrics, "tickcast_model_version"), 1) << a.process().output();
  std::this_thread::sleep_for(300ms);  // the writer thread has written the newest bar's file
  const fs::path mid = a.dir().path() / "mid.model";
  fs::copy_file(models / "live.model", mid);  // replaced by rename: a whole file either way
  const model::Checkpoint mid_ck = load(mid);
  ASSERT_TRUE(mid_ck.has_online_state);
  ASSERT_EQ(mid_ck.model_version, 1u);

  // Some more bars, then SIGTERM: A's last word is live.model after its last bar.
  const double bars_at_mid = bars_total(a.port());
  wait_for_metrics(
      a,
      [&](const std::string& m) {
        return sum_samples(m, "tickcast_bars_total") >= bars_at_mid + 8;
      },
      30s);
  a.process().signal(SIGTERM);
  ASSERT_TRUE(a.process().wait_exit(20s).has_value()) << a.process().output();
  const fs::path a_final_file = a.dir().path() / "a-final.model";
  fs::copy_file(models / "live.model", a_final_file);
  const model::Checkpoint a_final = load(a_final_file);
  ASSERT_EQ(a_final.model_version, 1u) << "a swap after the copy would make A incomparable";
  ASSERT_EQ(a_final.meta, mid_ck.meta);
  const std::uint64_t behind = a_final.last_bar_sequence - mid_ck.last_bar_sequence;
  ASSERT_GE(behind, 5u);

  // B: A's bar log, the mid-stream checkpoint, no market.
  fs::copy_file(mid, models / "live.model", fs::copy_options::overwrite_existing);
  const std::string b_log = restart_without_market(a.dir(), "b");
  EXPECT_THAT(b_log, HasSubstr("model v1 restored from live.model (state after bar " +
                               std::to_string(mid_ck.last_bar_sequence) + ")"));
  EXPECT_EQ(caught_up(b_log), static_cast<long>(behind)) << b_log;
  expect_same_forecasting_state(load(models / "live.model"), a_final);
}

TEST(OnlineRestartTest, KilledBetweenCheckpointsRestartsToTheSameStateAsFromAnEarlierOne) {
  const int replay_port = free_port();
  RunningDaemon a(live_config(replay_port), {},
                  [](const TempDir& dir) { seed_bar_log(dir.path() / "state", 300); });
  ASSERT_TRUE(a.started()) << a.process().output();
  const fs::path models = models_dir(a.dir());
  const std::string metrics = wait_for_metrics(
      a, [](const std::string& m) { return sum_samples(m, "tickcast_model_version") == 1; }, 60s);
  ASSERT_EQ(sum_samples(metrics, "tickcast_model_version"), 1) << a.process().output();
  a.process().signal(SIGTERM);
  ASSERT_TRUE(a.process().wait_exit(20s).has_value()) << a.process().output();
  const fs::path earlier = a.dir().path() / "earlier.model";
  fs::copy_file(models / "live.model", earlier);
  const model::Checkpoint earlier_ck = load(earlier);

  // A': the same state dir with the market, killed mid-stream.
  const fs::path config =
      a.dir().write("a2.toml", RunningDaemon::render(a.dir(), live_config(replay_port)));
  Process a2({tickcast_binary().string(), "run", "--config", config.string()},
             a.dir().path() / "a2.log");
  ASSERT_TRUE(a2.wait_for_output("listening on 127.0.0.1:", 20s)) << a2.output();
  std::smatch match;
  const std::string a2_log = a2.output();
  ASSERT_TRUE(
      std::regex_search(a2_log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")));
  const int a2_port = std::stoi(match[1]);
  wait_for_metrics(
      a2_port, [](const std::string& m) { return sum_samples(m, "tickcast_bars_total") >= 10; },
      30s);
  a2.signal(SIGKILL);
  ASSERT_TRUE(a2.wait_exit(10s).has_value());
  const model::Checkpoint killed_ck = load(models / "live.model");
  ASSERT_EQ(killed_ck.model_version, 1u);
  ASSERT_GT(killed_ck.last_bar_sequence, earlier_ck.last_bar_sequence) << a2.output();

  // D: a copy of the state dir, restarted from A's SIGTERM checkpoint.
  TempDir d;
  fs::copy(a.dir().path() / "state", d.path() / "state", fs::copy_options::recursive);
  fs::copy_file(earlier, models_dir(d) / "live.model", fs::copy_options::overwrite_existing);
  // C: A's own state dir, restarted from what the kill left.
  const std::string c_log = restart_without_market(a.dir(), "c");
  const std::string d_log = restart_without_market(d, "d");
  const model::Checkpoint c_final = load(models / "live.model");
  const model::Checkpoint d_final = load(models_dir(d) / "live.model");
  EXPECT_EQ(static_cast<std::uint64_t>(caught_up(c_log)),
            c_final.last_bar_sequence - killed_ck.last_bar_sequence);
  EXPECT_EQ(static_cast<std::uint64_t>(caught_up(d_log)),
            d_final.last_bar_sequence - earlier_ck.last_bar_sequence);
  EXPECT_GT(d_final.last_bar_sequence, earlier_ck.last_bar_sequence + 5);
  expect_same_forecasting_state(c_final, d_final);
}

}  // namespace
}  // namespace tickcast::test

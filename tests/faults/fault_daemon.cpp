#include "tests/faults/fault_daemon.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/daemon/seed_bars.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::test {

int count_occurrences(const std::string& haystack, const std::string& text) {
  int count = 0;
  for (auto at = haystack.find(text); at != std::string::npos; at = haystack.find(text, at + 1)) {
    ++count;
  }
  return count;
}

std::filesystem::path fault_fs_library() {
  return TICKCAST_FAULT_FS_PATH;
}

FaultDaemon::FaultDaemon(const TempDir& dir, FaultDaemonOptions options)
    : dir_(dir), options_(std::move(options)) {
  const int replay_port = free_port();
  // Small, fast training as in tests/daemon/online_test.cpp: with a seeded
  // bar log the first retrain starts at once and its candidate is accepted
  // (dm_threshold 10 never refuses; there is no live model to beat).
  const std::string config =
      "[daemon]\nstate_dir = \"" + state_dir().string() +
      "\"\nshutdown_timeout = \"5s\"\ntrain_threads = 1\n\n[server]\nlisten = "
      "\"127.0.0.1:0\"\n\n[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\nurl = "
      "\"ws://127.0.0.1:" +
      std::to_string(replay_port) + "/stream\"\nrecord_dir = \"" +
      (state_dir() / "frames").string() +
      "\"\n\n[replay]\nenabled = true\nport = " + std::to_string(replay_port) +
      "\nseed = 5\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n"
      "fsync_interval = \"0s\"\n\n"
      "[model]\nhidden = 8\nseq_len = 16\nwarmup_steps = 4\nbatch = 8\nepochs = 3\n"
      "window = 200\nmin_bars = 100\nvalidation_bars = 40\nretrain_every = 0\n"
      "min_improvement = 0.99\ndm_threshold = 10\ncheckpoint_every = " +
      std::to_string(options_.checkpoint_every) +
      "\ntrain_budget = \"60s\"\n\n[scores]\nwindows = [20, 100]\n" + options_.extra_sections;
  config_path_ = dir_.write("tickcast.toml", config);
  control_path_ = dir_.path() / "fault";
  start();
}

void FaultDaemon::start() {
  std::map<std::string, std::string> env;
  if (options_.preload_fault_fs) {
    env = preload_env(fault_fs_library().string());
    env["TICKCAST_FAULT_PATH"] = state_dir().string();
    env["TICKCAST_FAULT_CONTROL"] = control_path_.string();
  }
  port_ = 0;
  // A log of its own per start: a daemon started again on the same
  // directory must not find the previous one's "listening on" line.
  static int starts = 0;
  const std::filesystem::path log_file =
      dir_.path() / ("daemon-" + std::to_string(++starts) + ".log");
  process_ = std::make_unique<Process>(std::vector<std::string>{tickcast_binary().string(), "run",
                                                                "--config", config_path_.string()},
                                       log_file, std::move(env));
  if (!process_->wait_for_output("listening on 127.0.0.1:", std::chrono::seconds(15))) return;
  std::smatch match;
  const std::string log = process_->output();
  if (std::regex_search(log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)"))) {
    port_ = std::stoi(match[1]);
  }
}

void FaultDaemon::restart() {
  start();
}

void FaultDaemon::inject(const std::string& spec) const {
  dir_.write("fault", spec);
}

void FaultDaemon::clear() const {
  std::filesystem::remove(control_path_);
}

std::string FaultDaemon::metrics() const {
  return http_get(port_, "/metrics").body;
}

std::string FaultDaemon::wait_for_metrics(const std::function<bool(const std::string&)>& done,
                                          std::chrono::milliseconds timeout) const {
  std::string scraped;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    scraped = metrics();
    if (done(scraped)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return scraped;
}

std::unique_ptr<FaultDaemon> start_with_a_model(const TempDir& dir, bool preload) {
  seed_bar_log(dir.path() / "state", 300);
  auto daemon = std::make_unique<FaultDaemon>(dir, with_fault_fs(preload));
  EXPECT_TRUE(daemon->started()) << daemon->output();
  if (!daemon->started()) return daemon;
  const std::string metrics = daemon->wait_for_metrics(
      [&](const std::string& m) {
        return sum_samples(m, "tickcast_model_version") >= 1 &&
               std::filesystem::exists(daemon->models_dir() / "live.model");
      },
      std::chrono::seconds(45));
  EXPECT_GE(sum_samples(metrics, "tickcast_model_version"), 1) << daemon->output();
  EXPECT_EQ(sum_samples(metrics, "tickcast_persist_ok", {"what=\"bar_log\""}), 1);
  EXPECT_EQ(sum_samples(metrics, "tickcast_persist_ok", {"what=\"checkpoint\""}), 1);
  return daemon;
}

}  // namespace tickcast::test

// The real daemon under injected faults: a `tickcast run` child on a state
// dir the test owns, fed by the built-in replay exchange (a synthetic market
// streaming live one-second bars), recording its raw frames under the state
// dir (feeds.record_dir = <state>/frames), optionally with the fault_fs LD_PRELOAD
// shim (tests/support/fault_fs_shim.cpp) so the test can make the state dir
// full, fail its fsyncs or turn it read-only, and clear the fault again.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/metrics_text.hpp"
#include "tests/support/process.hpp"

namespace tickcast::test {

// How many times `text` occurs in `haystack`.
int count_occurrences(const std::string& haystack, const std::string& text);

struct FaultDaemonOptions {
  bool preload_fault_fs = false;  // run under the shim, fault path = the state dir
  int checkpoint_every = 1;       // [model] checkpoint_every
  std::string extra_sections;     // appended to the config
};

inline FaultDaemonOptions with_fault_fs(bool preload) {
  FaultDaemonOptions options;
  options.preload_fault_fs = preload;
  return options;
}

class FaultDaemon {
 public:
  // Writes the config into `dir` (state dir: dir/state) and starts the daemon.
  FaultDaemon(const TempDir& dir, FaultDaemonOptions options);

  // A second daemon on the same directory and config, e.g. after a kill.
  void restart();

  [[nodiscard]] bool started() const { return port_ > 0; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] Process& process() { return *process_; }
  [[nodiscard]] std::string output() const { return process_->output(); }
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_.path() / "state"; }
  [[nodiscard]] std::filesystem::path models_dir() const {
    return state_dir() / "models/binance/BTCUSDT";
  }
  [[nodiscard]] std::filesystem::path bar_log_dir() const {
    return state_dir() / "bars/binance/BTCUSDT";
  }

  // Turns the shim's fault on ("ENOSPC write fsync", ...) or off.
  void inject(const std::string& spec) const;
  void clear() const;

  // GET /metrics.
  [[nodiscard]] std::string metrics() const;
  // Scrapes until `done` or `timeout`; returns the last scrape.
  std::string wait_for_metrics(const std::function<bool(const std::string&)>& done,
                               std::chrono::milliseconds timeout) const;

 private:
  void start();

  const TempDir& dir_;
  FaultDaemonOptions options_;
  std::filesystem::path config_path_;
  std::filesystem::path control_path_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// A daemon (FaultDaemon with `preload`) on `dir` whose bar log was seeded
// with 300 bars and whose first model has been accepted and checkpointed
// (live.model exists), every state write healthy. Fails the test if not.
std::unique_ptr<FaultDaemon> start_with_a_model(const TempDir& dir, bool preload);

// The fault_fs shim built beside the tests.
std::filesystem::path fault_fs_library();

}  // namespace tickcast::test

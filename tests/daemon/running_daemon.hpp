// A `tickcast run` child process on a free loopback port, for integration
// tests that talk to the real binary over real sockets.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::test {

struct DaemonConfig {
  std::string daemon_keys;  // extra lines for [daemon]
  std::string server_keys;  // extra lines for [server]
  std::string rest;         // further sections ([[feeds]], [bars], ...)
};

inline DaemonConfig with_server_keys(std::string keys) {
  DaemonConfig config;
  config.server_keys = std::move(keys);
  return config;
}

// The feed on the daemon's built-in replay exchange (`seed`, on a free port)
// and one-second bars that close 200 ms after their end: bars, forecasts and
// stream messages every second, offline.
DaemonConfig replay_config(int seed, std::string server_keys = "");

class RunningDaemon {
 public:
  // `before_start` (optional) runs after the config is written and before
  // the process starts, e.g. to seed the state directory.
  explicit RunningDaemon(const DaemonConfig& config = {},
                         std::map<std::string, std::string> env = {},
                         const std::function<void(const TempDir&)>& before_start = {});

  // True once the daemon logged its listening port; `port()` is valid then.
  [[nodiscard]] bool started() const { return port_ > 0; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] Process& process() { return *process_; }
  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] const std::filesystem::path& config_path() const { return config_path_; }

  // The config text the daemon started with, for tests that edit and reload it.
  static std::string render(const TempDir& dir, const DaemonConfig& config);

 private:
  TempDir dir_;
  std::filesystem::path config_path_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

}  // namespace tickcast::test

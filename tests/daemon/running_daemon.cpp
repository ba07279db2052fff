#include "tests/daemon/running_daemon.hpp"

#include <regex>

namespace tickcast::test {

DaemonConfig replay_config(int seed, std::string server_keys) {
  const int replay_port = free_port();
  DaemonConfig config;
  config.server_keys = std::move(server_keys);
  config.rest = "url = \"ws://127.0.0.1:" + std::to_string(replay_port) +
                "/stream\"\n\n[replay]\nenabled = true\nport = " + std::to_string(replay_port) +
                "\nseed = " + std::to_string(seed) +
                "\n\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n";
  return config;
}

std::string RunningDaemon::render(const TempDir& dir, const DaemonConfig& config) {
  return "[daemon]\nstate_dir = \"" + (dir.path() / "state").string() +
         "\"\nshutdown_timeout = " + "\"3s\"\n" + config.daemon_keys +
         "\n[server]\nlisten = \"127.0.0.1:0\"\n" + config.server_keys +
         "\n[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\n" + config.rest;
}

RunningDaemon::RunningDaemon(const DaemonConfig& config, std::map<std::string, std::string> env,
                             const std::function<void(const TempDir&)>& before_start) {
  config_path_ = dir_.write("tickcast.toml", render(dir_, config));
  if (before_start) before_start(dir_);
  process_ = std::make_unique<Process>(std::vector<std::string>{tickcast_binary().string(), "run",
                                                                "--config", config_path_.string()},
                                       dir_.path() / "daemon.log", std::move(env));
  if (!process_->wait_for_output("listening on 127.0.0.1:", std::chrono::seconds(10))) return;
  std::smatch match;
  const std::string log = process_->output();
  if (std::regex_search(log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)"))) {
    port_ = std::stoi(match[1]);
  }
}

}  // namespace tickcast::test

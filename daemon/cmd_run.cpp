// `tickcast run --config FILE`: the daemon.
#include <spdlog/spdlog.h>

#include "config/config.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/build_info.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"
#include "daemon/subcommands.hpp"

namespace tickcast::daemon {

int run_main(std::span<const std::string_view> args) {
  ArgParser parser("run", "Runs the daemon: exchange feeds, bars, forecasts and the HTTP server.");
  parser.option("config", "FILE", "the TOML config file", "/etc/tickcast/tickcast.toml");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;

  setup_logging();
  // Validate everything before touching anything (no port, no state dir).
  const std::string path = parser.get("config");
  config::LoadResult loaded = config::load_config_file(path);
  if (!loaded.config) {
    for (const auto& error : loaded.errors) spdlog::critical("{}: {}", path, error.to_string());
    spdlog::critical("refusing to start: {} has {} error(s)", path, loaded.errors.size());
    return 2;
  }
  set_log_level(loaded.config->daemon.log_level);
  spdlog::info("tickcast {} ({}) starting with {}", build_version(), build_commit(), path);

  Daemon daemon(std::move(*loaded.config), path);
  return daemon.run();
}

}  // namespace tickcast::daemon

// `tickcast check-config FILE`: validate a config and print what it means.
#include <iostream>

#include "config/config.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"

namespace tickcast::daemon {

int check_config_main(std::span<const std::string_view> args) {
  ArgParser parser("check-config",
                   "Validates a config file. Prints the effective config (every key, defaults\n"
                   "filled in) on success, or one line per error, with key and line, on failure.");
  parser.positional("FILE", "the TOML config file");
  parser.flag("quiet", "print nothing on success");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  const std::string path = parser.get("FILE");
  config::LoadResult loaded = config::load_config_file(path);
  if (!loaded.config) {
    for (const auto& error : loaded.errors) std::cerr << path << ": " << error.to_string() << '\n';
    return 1;
  }
  if (!parser.has("quiet")) {
    std::cout << "# " << path << " is valid. Effective configuration:\n\n"
              << config::render_effective(*loaded.config);
  }
  return 0;
}

}  // namespace tickcast::daemon

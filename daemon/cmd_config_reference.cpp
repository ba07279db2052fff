// `tickcast config-reference`: every config key as Markdown, from the schema
// itself, so docs/configuration.md cannot drift from the code.
#include <iostream>

#include "config/config.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"

namespace tickcast::daemon {

int config_reference_main(std::span<const std::string_view> args) {
  ArgParser parser("config-reference",
                   "Prints every config key, its type, range, default and whether SIGHUP\n"
                   "applies it, as Markdown tables.");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  std::cout << config::render_reference();
  return 0;
}

}  // namespace tickcast::daemon

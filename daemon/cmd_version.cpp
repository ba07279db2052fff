// `tickcast version`.
#include <iostream>

#include "daemon/arg_parser.hpp"
#include "daemon/build_info.hpp"
#include "daemon/subcommands.hpp"

namespace tickcast::daemon {

int version_main(std::span<const std::string_view> args) {
  ArgParser parser("version", "Prints the version and the git commit tickcast was built from.");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  std::cout << "tickcast " << build_version() << " (commit " << build_commit() << ")\n";
  return 0;
}

}  // namespace tickcast::daemon

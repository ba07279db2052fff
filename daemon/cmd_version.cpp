// `tickcast version`.
#include <iostream>

#include "daemon/arg_parser.hpp"
#include "daemon/build_info.hpp"
#include "daemon/subcommands.hpp"

namespace tickcast::daemon {

int version_main(std::span<const std::string_view> args) {
  ArgParser parser("version", "Prints the version and the git commit tickcast was built from.");
  switch (parser.parse(args)) {
    case ArgParser::Outcome::kHelpShown:
      return 0;
    case ArgParser::Outcome::kError:
      return 2;
    case ArgParser::Outcome::kOk:
      break;
  }
  std::cout << "tickcast " << build_version() << " (commit " << build_commit() << ")\n";
  return 0;
}

}  // namespace tickcast::daemon

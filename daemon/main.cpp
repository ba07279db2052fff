// tickcast: one binary, one subcommand per job (see daemon/subcommands.cpp).
#include <iostream>
#include <string_view>
#include <vector>

#include "daemon/subcommands.hpp"

namespace {

void print_usage(std::ostream& out) {
  out << "usage: tickcast <subcommand> [options]\n\nsubcommands:\n";
  for (const auto& sub : tickcast::daemon::subcommands()) {
    out << "  " << sub.name << std::string(20 - sub.name.size(), ' ') << sub.summary << '\n';
  }
  out << "\nRun 'tickcast <subcommand> --help' for its options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (name == "--version") name = "version";
  std::vector<std::string_view> args(argv + 2, argv + argc);
  for (const auto& sub : tickcast::daemon::subcommands()) {
    if (sub.name == name) return sub.main(args);
  }
  std::cerr << "tickcast: unknown subcommand '" << name << "'\n";
  print_usage(std::cerr);
  return 2;
}

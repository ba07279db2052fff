// The table of `tickcast` subcommands. Each subcommand lives in its own
// daemon/cmd_<name>.cpp and is listed once in subcommands.cpp.
#pragma once

#include <span>
#include <string_view>

namespace tickcast::daemon {

// Receives the arguments after the subcommand name; returns the exit code.
using SubcommandMain = int (*)(std::span<const std::string_view> args);

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  SubcommandMain main;
};

std::span<const Subcommand> subcommands();

// One entry point per subcommand, defined in cmd_<name>.cpp.
int run_main(std::span<const std::string_view> args);
int check_config_main(std::span<const std::string_view> args);
int config_reference_main(std::span<const std::string_view> args);
int version_main(std::span<const std::string_view> args);
int train_main(std::span<const std::string_view> args);
int infer_main(std::span<const std::string_view> args);
int model_main(std::span<const std::string_view> args);
int decode_main(std::span<const std::string_view> args);
int replay_exchange_main(std::span<const std::string_view> args);
int resample_main(std::span<const std::string_view> args);
int bars_main(std::span<const std::string_view> args);
int backtest_main(std::span<const std::string_view> args);

}  // namespace tickcast::daemon

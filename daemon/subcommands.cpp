#include "daemon/subcommands.hpp"

#include <array>

namespace tickcast::daemon {

std::span<const Subcommand> subcommands() {
  static constexpr std::array kTable{
      Subcommand{"run", "run the daemon: feeds, bars, forecasts, HTTP server", run_main},
      Subcommand{"check-config", "validate a config file and print the effective config",
                 check_config_main},
      Subcommand{"config-reference", "print every config key with its default as Markdown",
                 config_reference_main},
      Subcommand{"resample", "turn a trades CSV into bars CSV, offline", resample_main},
      Subcommand{"bars", "print a symbol's bar log as CSV (bars dump STATE_DIR SYMBOL)", bars_main},
      Subcommand{"backtest", "replay the online loop over a file: forecasts, scores, retrains",
                 backtest_main},
      Subcommand{"replay-exchange",
                 "serve an exchange's protocol from recorded or synthetic trades",
                 replay_exchange_main},
      Subcommand{"decode", "decode recorded exchange frames into trades as CSV", decode_main},
      Subcommand{"train", "train a model offline on a bar file and score it against persistence",
                 train_main},
      Subcommand{"infer", "run a model (weights JSON or checkpoint) over input rows on stdin",
                 infer_main},
      Subcommand{"model", "inspect a checkpoint or export its weights as JSON", model_main},
      Subcommand{"version", "print the version and the commit it was built from", version_main},
  };
  return kTable;
}

}  // namespace tickcast::daemon

// `tickcast model inspect MODEL`: what a checkpoint holds, in plain text;
// `tickcast model export-weights MODEL OUT.json`: its weights as PyTorch
// state_dict JSON.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "model/atomic_file.hpp"
#include "model/checkpoint.hpp"
#include "model/weights_json.hpp"

namespace tickcast::daemon {
namespace {

std::string utc(std::int64_t ns) {
  if (ns == 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void inspect(const std::string& path, const model::Checkpoint& ck, std::size_t bytes) {
  const auto& s = ck.weights.shape;
  const auto& m = ck.meta;
  std::cout << "checkpoint  " << path << " (" << bytes << " bytes, format version "
            << model::kCheckpointVersion << ", checksum ok)\n"
            << "network     " << s.layers << " LSTM layer(s) x hidden " << s.hidden << ", input "
            << s.input_size << ", output " << s.output_size << " (" << ck.weights.parameter_count()
            << " parameters)\n"
            << "target      " << ck.target << " (scaler mean " << g(ck.scaler.target_mean)
            << ", scale " << g(ck.scaler.target_scale) << ")\n"
            << "features\n";
  for (std::size_t k = 0; k < ck.feature_names.size(); ++k) {
    std::printf("  %-12s mean %-12s scale %s\n", ck.feature_names[k].c_str(),
                g(ck.scaler.mean[k]).c_str(), g(ck.scaler.scale[k]).c_str());
  }
  std::cout << "state       ";
  if (ck.has_state) {
    std::cout << "after bar sequence " << ck.last_bar_sequence << " (ended "
              << utc(ck.last_bar_end_ns) << ", close " << g(ck.last_close) << "); |h| of top layer "
              << g(ck.h.back().norm()) << "\n";
  } else {
    std::cout << "none (starts from zeros)\n";
  }
  std::cout << "trained     " << utc(m.created_unix_ns) << " on " << m.source << "\n"
            << "data        " << utc(m.data_start_ns) << " .. " << utc(m.data_end_ns) << ", "
            << m.train_rows << " training rows, " << m.validation_rows << " validation rows\n"
            << "epochs      " << m.epochs_run << " run, best " << m.best_epoch << " (train loss "
            << g(m.train_loss) << ", validation MSE " << g(m.validation_loss) << ", scaled units)\n"
            << "settings    seed " << m.seed << ", seq_len " << m.seq_len << ", batch " << m.batch
            << ", learning_rate " << g(m.learning_rate) << "\n";
}

}  // namespace

int model_main(std::span<const std::string_view> args) {
  ArgParser parser("model",
                   "Work with checkpoints. Actions: inspect MODEL (print what it holds), "
                   "export-weights MODEL OUT.json (its weights with PyTorch state_dict names).");
  parser.positional("action", "inspect or export-weights")
      .positional("model", "the checkpoint file")
      .positional("out", "output file (export-weights)", false);
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  const std::string action = parser.get("action");
  if (action != "inspect" && action != "export-weights") {
    std::cerr << "tickcast model: unknown action '" << action << "' (inspect or export-weights)\n";
    return 2;
  }
  const std::string path = parser.get("model");
  model::Checkpoint ck;
  if (auto status = model::load_checkpoint(path, ck); !status.ok()) {
    std::cerr << "tickcast model: " << status.message << " [" << model::to_string(status.code)
              << "]\n";
    return 1;
  }
  if (action == "inspect") {
    inspect(path, ck, std::filesystem::file_size(path));
    return 0;
  }
  if (!parser.has("out")) {
    std::cerr << "tickcast model: export-weights needs an output file\n";
    return 2;
  }
  if (std::string error =
          model::write_file_atomically(parser.get("out"), model::write_weights_json(ck.weights));
      !error.empty()) {
    std::cerr << "tickcast model: " << error << '\n';
    return 1;
  }
  return 0;
}

}  // namespace tickcast::daemon

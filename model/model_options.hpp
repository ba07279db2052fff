// Options of the model and its training: the `[model]` config section.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tickcast::model {

struct ModelOptions {
  // Stacked LSTM layers. Default: 1. Range: 1 to 8.
  int layers = 1;

  // Hidden (and cell) state size of every layer. Default: 32. Range: 1 to 1024.
  int hidden = 32;

  // Features computed from each bar, by name (docs/model.md lists them).
  // Default: the full default set.
  std::vector<std::string> features = {"log_return", "log_range",  "log_body", "log_volume",
                                       "trade_count", "imbalance", "vwap_gap", "mask"};

  // What the head predicts: "log_return" of the next bar, or its "close"
  // price (the original notebook's setup, kept for comparison).
  // Default: "log_return".
  std::string target = "log_return";

  // Truncated-BPTT sequence length in bars. Default: 64. Range: 2 to 4096.
  int seq_len = 64;

  // Sequences per mini-batch. Default: 32. Range: 1 to 4096.
  int batch = 32;

  // Adam step size. Default: 1e-3. Range: (0, 1].
  double learning_rate = 1e-3;

  // Maximum training epochs per job; early stopping usually ends sooner.
  // Default: 30. Range: 1 to 10000.
  int epochs = 30;

  // Seed of every random choice in initialisation and training: the same
  // seed and data give bit-identical models on the same machine. Default: 42.
  std::uint64_t seed = 42;

  // Nominal coverage of the published prediction interval.
  // Default: 0.9. Range: 0.5 to 0.999.
  double interval_coverage = 0.9;
};

}  // namespace tickcast::model

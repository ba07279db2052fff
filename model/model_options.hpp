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

  // Features computed from each bar, by name, in input order (model/features.hpp
  // and docs/model-format.md list them). Unknown or repeated names are errors.
  // Default: the full default set.
  std::vector<std::string> features = {"log_return",  "log_range", "log_body", "log_volume",
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

  // Training loss: "mse" (mean squared error) or "huber" (quadratic within
  // 1 scaled unit of the target, linear beyond; less swayed by outlier bars).
  // Default: "mse".
  std::string loss = "mse";

  // Steps at the start of every training window that only warm (h, c) up and
  // are left out of the loss, since the live model is never scored from a
  // cold state. Default: 16. Range: 0 to seq_len - 1.
  int warmup_steps = 16;

  // Distance in bars between the starts of consecutive training windows
  // (windows overlap when it is below seq_len). Default: 16. Range: 1 to 4096.
  int window_stride = 16;

  // Global L2 norm the gradient is clipped to before each Adam step; 0
  // disables clipping. Default: 1.0. Range: 0 to 1e6.
  double grad_clip = 1.0;

  // Decoupled (AdamW) weight decay per step, as a fraction of learning_rate
  // times the weight; 0 disables. Default: 0. Range: 0 to 1 (exclusive).
  double weight_decay = 0.0;

  // Fraction of the training window, at its end, held out chronologically
  // for validation and early stopping. Validation is stateful: the model
  // warms up on everything before the tail and then steps through it, as the
  // daemon does. Default: 0.1. Range: 0.01 to 0.5.
  double validation_fraction = 0.1;

  // Epochs without a better validation loss before training stops (the best
  // epoch's weights are kept). Default: 5. Range: 1 to 1000.
  int patience = 5;

  // Nominal coverage of the published prediction interval.
  // Default: 0.9. Range: 0.5 to 0.999.
  double interval_coverage = 0.9;
};

}  // namespace tickcast::model

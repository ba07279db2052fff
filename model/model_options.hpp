// Options of the model and its training: the `[model]` config section.
#pragma once

#include <chrono>
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

  // ---- Online operation: retraining, the challenger gate, drift, state ----

  // Newest bars a retrain job copies from the bar log; it trains on all but
  // the last validation_bars and validates on those. Default: 2880.
  // Range: 100 to 1000000.
  int window = 2880;

  // Fewest bars a retrain job needs; until the log holds this many, the
  // symbol publishes persistence forecasts marked "warming_up".
  // Default: 500. Range: 50 to 1000000 (and at most window).
  int min_bars = 500;

  // Newest bars of the window on which the candidate, the live model and
  // persistence are compared walk-forward, statefully. Default: 240.
  // Range: 10 to 100000 (and less than min_bars).
  int validation_bars = 240;

  // Closed bars between scheduled retrains; 0 leaves only drift, no-skill and
  // on-request retrains. Default: 720. Range: 0 to 10000000.
  int retrain_every = 720;

  // A candidate replaces the live model only if its validation MSE is below
  // (1 - min_improvement) times the live model's. Default: 0. Range: 0 to 0.99.
  double min_improvement = 0.0;

  // Drift detector on the live model's absolute residuals: "page_hinkley",
  // "adwin" or "none". A detection triggers a retrain. Default: "page_hinkley".
  std::string drift = "page_hinkley";

  // Page-Hinkley: tolerated increase of the mean absolute residual, in units
  // of the residual scale measured at validation. Default: 0.05. Range: 0 to 10.
  double drift_delta = 0.05;

  // Page-Hinkley: alarm threshold on the cumulative excess, same units.
  // Default: 50. Range: 1 to 1e6.
  double drift_lambda = 50.0;

  // ADWIN: confidence parameter (smaller = fewer false alarms).
  // Default: 0.002. Range: 1e-9 to 0.5.
  double adwin_confidence = 0.002;

  // |z| of the Diebold-Mariano statistic on squared errors beyond which a
  // difference counts as significant: the gate refuses a candidate that is
  // significantly worse than persistence on validation, and a live model
  // whose rolling errors are significantly worse is flagged "no_skill".
  // Default: 1.96 (two-sided 5%). Range: 0 to 10.
  double dm_threshold = 1.96;

  // Consecutive gap bars after which the state is re-warmed from the bar
  // log instead of carried through the gap. Default: 30. Range: 1 to 100000.
  int max_gap_bars = 30;

  // Accepted model versions kept as checkpoints per symbol. Default: 5.
  // Range: 1 to 1000.
  int keep_versions = 5;

  // Closed bars between checkpoints of the live model and its state (also
  // written at shutdown). Default: 60. Range: 1 to 1000000.
  int checkpoint_every = 60;

  // Wall-time budget of one retrain job; a job past it stops and counts as a
  // timeout. Default: 5 min. Range: 1 s to 24 h.
  std::chrono::nanoseconds train_budget = std::chrono::minutes(5);

  // Learning rate of adaptive conformal inference: how fast the interval's
  // quantile level reacts to misses. Default: 0.005. Range: 0 to 0.5.
  double aci_gamma = 0.005;

  // Past residuals the conformal interval is computed from. Default: 500.
  // Range: 20 to 100000.
  int conformal_window = 500;
};

// The `[scores]` config section: rolling windows for scores and metrics.
struct ScoreOptions {
  // Window lengths in bars; every forecast carries scores over each.
  // Default: [60, 1440]. Each from 2 to 1000000, at most 8 windows.
  std::vector<int> windows = {60, 1440};
};

}  // namespace tickcast::model

// The retrain job: a pure function a training thread runs on a copy of the
// newest bars. It trains a candidate, validates it walk-forward against the
// live model and persistence, applies the challenger gate, and on accept
// returns the new model with its warm state, ready for Forecaster::install.
//
//   window bars:  [ train part ........................ | validation_bars ]
//
// 1. The candidate trains (trainer.hpp, with its own early-stopping tail
//    inside the train part) on the train part; the scaler is fitted on the
//    train part only.
// 2. Walk-forward, statefully: the candidate, the live model (if any) and
//    persistence each run one stream from a zero state over the whole window
//    (gap rules of gap_tracker.hpp), and the forecasts made for the
//    validation bars are scored. The loss is the MSE of the predicted CLOSE
//    (price units), the quantity `skill` is defined on, so log-return and
//    close models compare on one scale. Forecasts for gap bars are not
//    scored.
// 3. The gate accepts iff
//      (no live model, or candidate MSE < live MSE * (1 - min_improvement),
//       or, when control.live_no_skill, candidate MSE < live MSE)
//      and NOT (Diebold-Mariano z of candidate vs persistence squared errors
//               > dm_threshold), i.e. the candidate is not significantly
//               worse than persistence (lags = 0: plain variance, h = 1).
// 4. On accept: the bundle (version next_version, residual_scale = the
//    candidate's mean |log-return residual| on validation) and its state
//    after the last window bar, from the same stream.
//
// Deterministic: the same bars, options and control.created_unix_ns give a
// bit-identical bundle and state (training is; nothing here reads a clock
// except for the deadline).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/market.hpp"
#include "model/lstm.hpp"
#include "model/model_bundle.hpp"
#include "model/model_options.hpp"

namespace tickcast::model {

enum class RetrainResult : std::uint8_t { kAccepted, kRejected, kFailed, kTimeout };
std::string_view to_string(RetrainResult result);  // "accepted", "rejected", ...

// Overrides the gate's decision (not the training): for tests that need one
// accepted and one rejected candidate on demand. kNone in production.
enum class GateOverride : std::uint8_t { kNone, kForceAccept, kForceReject };

struct RetrainControl {
  // Set from another thread to stop the job (checked between epochs and
  // between phases); the job then ends as kTimeout.
  const std::atomic<bool>* cancel = nullptr;
  // The job stops (kTimeout) once this passes, checked likewise. Typically
  // now + model.train_budget.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  GateOverride gate_override = GateOverride::kNone;
  // Stamped into the model's metadata (the caller's clock; the backtest
  // passes the last bar's end so that its outputs are reproducible).
  std::int64_t created_unix_ns = 0;
  std::string source;  // free text for the metadata
  // The live model is no_skill: its own recent forecasts are significantly
  // worse than persistence's. Then model.min_improvement is waived: any
  // candidate better than it on validation (and, as always, not
  // significantly worse than persistence) replaces it: the margin is there
  // to protect a model that has skill from churn. (It must still beat the
  // live model on validation; with min_improvement 0 nothing changes.)
  bool live_no_skill = false;
};

struct RetrainOutcome {
  RetrainResult result = RetrainResult::kFailed;
  std::string reason;  // one line: why accepted / rejected / failed

  // Validation losses: MSE of the predicted close over the validation bars
  // (NaN where not measured, e.g. live_mse without a live model).
  double candidate_mse = std::numeric_limits<double>::quiet_NaN();
  double live_mse = std::numeric_limits<double>::quiet_NaN();
  double persistence_mse = std::numeric_limits<double>::quiet_NaN();
  double dm_z = 0;  // candidate vs persistence, > 0: candidate worse
  std::size_t validation_forecasts = 0;
  int epochs_run = 0;
  double seconds = 0;  // wall time (not part of determinism)

  // The candidate, whether accepted or not, when training succeeded (so a
  // caller can inspect a rejected one); install only on kAccepted.
  std::shared_ptr<const ModelBundle> bundle;
  // Its state after the last window bar, that bar's sequence, close and end.
  LstmState<float> state;
  std::uint64_t state_after_sequence = 0;
  double last_close = 0;
  std::int64_t last_bar_end_ns = 0;
};

// Runs one job on `window_bars` (oldest first, consecutive; typically the
// last model.window bars of the log). Needs at least model.min_bars bars.
// `live` may be null. Never throws for bad input: it fails with a reason.
[[nodiscard]] RetrainOutcome run_retrain(const std::vector<Bar>& window_bars,
                                         const std::shared_ptr<const ModelBundle>& live,
                                         const ModelOptions& options, std::uint64_t next_version,
                                         const RetrainControl& control = {});

}  // namespace tickcast::model

// The backtest: the daemon's online loop replayed over a run of bars,
// synchronously. The same Forecaster and run_retrain as the daemon; a
// retrain runs at the bar whose close made it due, to completion, and an
// accepted model is installed before the next bar (live, the swap lands a
// few bars later, after the job: that is the only difference).
//
// Beside the online model it runs a static one: the first initial job's
// candidate (accepted or not), installed once and never retrained, and
// naive persistence. Deterministic: the same bars and options give the same
// result (model creation times are the bar end times, not the clock).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "feeds/market.hpp"
#include "model/forecast.hpp"
#include "model/forecaster.hpp"
#include "model/model_options.hpp"
#include "model/retrain.hpp"
#include "model/scoring.hpp"

namespace tickcast::daemon {

struct BacktestRow {
  model::Forecast online;  // scores left empty (they are in the report)
  double static_predicted_close = 0, static_lower = 0, static_upper = 0;
  model::ForecastStatus static_status = model::ForecastStatus::kWarmingUp;
  double online_skill = 0;  // rolling skill over the longest score window
  double static_skill = 0;
};

struct BacktestRetrain {
  std::uint64_t bar_sequence = 0;  // the bar at which it was due
  std::int64_t bar_end_ns = 0;
  model::RetrainTrigger trigger = model::RetrainTrigger::kNone;
  model::RetrainResult result = model::RetrainResult::kFailed;
  std::uint64_t version = 0;  // the version the candidate got (installed if accepted)
  double candidate_mse = 0, live_mse = 0, persistence_mse = 0, dm_z = 0;
  int epochs_run = 0;
  std::string reason;
};

// Overall scores of one forecaster over the evaluation bars.
struct BacktestScores {
  model::ForecastScores scores;
  double skill = 0;     // 1 - RMSE / persistence RMSE, on price
  double coverage = 0;  // share of actual closes inside the interval
  double mean_width = 0;
  double dm_z = 0;  // Diebold-Mariano vs persistence, squared price errors (> 0: worse)
};

struct BacktestResult {
  std::vector<BacktestRow> rows;  // one per bar
  std::vector<BacktestRetrain> retrains;
  // Evaluation: every forecast made from the first bar at which the static
  // model exists to the second-last bar, scored against the next bar (gap
  // bars excluded), for the three side by side.
  std::uint64_t evaluation_first_sequence = 0;
  BacktestScores online, static_model, persistence;
  std::vector<model::WindowScores> online_final_windows, static_final_windows;
  std::size_t status_ok = 0, status_no_skill = 0, status_warming_up = 0;  // online
  double train_seconds = 0;  // wall time in run_retrain (not deterministic)
  // With keep_models: each accepted model as it went live, in order
  // (Forecaster::snapshot right after the install, as the daemon writes its
  // vNNNNNN.model files).
  std::vector<model::Checkpoint> accepted_models;
  // With keep_models: the online forecaster after the last bar (as the
  // daemon's live.model at shutdown), if it has a model.
  std::optional<model::Checkpoint> final_model;
};

// Sees every bar, in order, with the forecast the online forecaster made at
// it (rolling scores included), before a retrain due at that bar runs: what
// the daemon publishes on /v1/stream for that bar.
using BacktestObserver = std::function<void(const Bar& bar, const model::Forecast& online)>;

[[nodiscard]] BacktestResult run_backtest(const std::vector<Bar>& bars,
                                          const model::ModelOptions& options,
                                          const model::ScoreOptions& scores,
                                          const std::string& source, bool keep_models = false,
                                          const BacktestObserver& observe = {});

}  // namespace tickcast::daemon

// The per-symbol online forecaster: scores the forecast made for each bar,
// steps the live model, forecasts the next bar with a conformal interval,
// and says when a retrain is due. The daemon owns one per symbol and calls
// it only on that symbol's strand; nothing here locks, blocks or trains.
//
// On each closed bar (on_bar):
//   1. the pending forecast (made at the previous bar) is scored against the
//      bar, the model's and persistence's side by side, and the interval's
//      hit feeds adaptive conformal inference (conformal.hpp); gap bars are
//      not scored (their close is not a real price);
//   2. the live model steps with the bar's features (gap rules in
//      gap_tracker.hpp: after more than max_gap_bars gap bars in a row the
//      state is reset and the forecaster re-warms on the next warmup_steps
//      real bars);
//   3. the next bar is forecast.
//
// Before any model is installed, or while re-warming, the forecast is
// persistence (predicted close = close) with status warming_up and
// model_version 0; its interval comes from persistence's own residuals, so
// it is still honest. The conformal residual history is one stream across
// models: the residuals of what was published.
//
// Revisions (Bar::revision > 0) change nothing: the model saw each bar once,
// as it first closed, and is never stepped twice for one sequence; the next
// retrain reads the revised bar from the bar log. Bars whose sequence is not
// above the last one seen are ignored too. on_bar then returns the previous
// forecast unchanged.
//
// Steady state allocates nothing per bar: rings and buffers are sized at
// construction (the Forecast's strings are set once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/market.hpp"
#include "model/checkpoint.hpp"
#include "model/conformal.hpp"
#include "model/drift.hpp"
#include "model/features.hpp"
#include "model/forecast.hpp"
#include "model/gap_tracker.hpp"
#include "model/model_bundle.hpp"
#include "model/model_options.hpp"
#include "model/rolling_scores.hpp"

namespace tickcast::model {

// Why a retrain is due, most urgent first.
enum class RetrainTrigger : std::uint8_t {
  kNone,
  kRequested,  // request_retrain() (the admin call)
  kInitial,    // no model yet (the caller also checks the bar log holds min_bars)
  kNoSkill,    // the live model just turned significantly worse than persistence
  kDrift,      // the drift detector fired on the live model's residuals
  kScheduled,  // retrain_every bars since the last submission
};

std::string_view to_string(RetrainTrigger trigger);

// Fewest scored forecasts in the longest score window before a model can be
// flagged no_skill.
inline constexpr std::size_t kMinForecastsForNoSkill = 30;

class Forecaster {
 public:
  // REQUIRES: check_options(options) is empty; score windows >= 1.
  Forecaster(const ModelOptions& options, const ScoreOptions& scores, std::string exchange,
             std::string symbol, std::int64_t interval_ns);

  // Steps on a closed bar of this symbol and returns the forecast for the
  // next bar (valid until the next call).
  const Forecast& on_bar(const Bar& bar);

  // The last forecast returned by on_bar (status warming_up and all zeros
  // before the first bar).
  [[nodiscard]] const Forecast& last_forecast() const { return forecast_; }

  // ---- Retrain triggers: queryable state ----

  // The most urgent due trigger, kNone if none. Stays due until
  // retrain_submitted().
  [[nodiscard]] RetrainTrigger retrain_trigger() const;
  void request_retrain() { requested_ = true; }
  // The caller started a job: clears every due trigger and restarts the
  // retrain_every count (kInitial re-arms retrain_every bars later, or
  // validation_bars later when retrain_every is 0, if the job brought no
  // model).
  void retrain_submitted();

  // ---- The warm swap ----

  // Installs `bundle` with `state`, the candidate's state right after the bar
  // with sequence `state_after_sequence` (whose close was `last_close`):
  // replays onto `state` every bar seen since, from the replay ring, then
  // makes the candidate live, all before the next bar, so no forecast is
  // ever computed with a state that belongs to other weights. Returns false
  // and changes nothing if the ring does not reach back to
  // state_after_sequence + 1, or the bundle's feature names differ from
  // model.features. If this forecaster has not yet seen
  // state_after_sequence, the state is taken as current and bars up to it
  // are ignored from now on. The pending forecast (made by the old model)
  // is still scored at the next bar. Resets the drift detector and the
  // no-skill test.
  bool install(std::shared_ptr<const ModelBundle> bundle, LstmState<float> state,
               std::uint64_t state_after_sequence, double last_close);

  // Bars kept for replay: enough for a job that runs for twice
  // model.train_budget at this interval, plus 64; at least 256, at most
  // 100,000.
  [[nodiscard]] std::size_t replay_capacity() const { return ring_capacity_; }

  // ---- Checkpoints ----

  // The live model with its state and last bar, and the online state
  // (online_state.hpp): scores, conformal history, drift detector, gap
  // counters, the pending forecast, retrain triggers and the replay ring.
  // REQUIRES: model().
  [[nodiscard]] Checkpoint snapshot() const;
  // Makes the checkpoint's model live with its state (or a zero state, then
  // re-warming, if it has none) as of its last bar; bars logged after it
  // are then accepted by on_bar to catch up. With an online state (format
  // version 3), the forecaster continues exactly as the one that took the
  // snapshot would have: every later forecast, interval, score, drift alarm
  // and trigger is bit for bit the same (forecaster_restore_test.cpp). A
  // component saved under another configuration (scores.windows, the
  // conformal parameters, model.drift) starts cold instead; restored_cold()
  // names them. Without an online state (versions 1 and 2) everything but
  // the model starts cold, and the first interval is unbounded. Returns ""
  // or why the checkpoint cannot be used.
  [[nodiscard]] std::string restore(const Checkpoint& checkpoint);
  // After restore(): the online-state components that started cold, comma
  // separated ("" if none, "all" without an online state).
  [[nodiscard]] const std::string& restored_cold() const { return restored_cold_; }

  // ---- Inspection ----
  [[nodiscard]] const std::shared_ptr<const ModelBundle>& model() const { return model_; }
  [[nodiscard]] std::uint64_t bars_seen() const { return bars_seen_; }
  [[nodiscard]] bool has_last_bar() const { return has_last_; }
  [[nodiscard]] std::uint64_t last_sequence() const { return last_sequence_; }
  [[nodiscard]] const AdaptiveConformal& conformal() const { return conformal_; }
  // Diebold-Mariano z of the live model vs persistence since it was
  // installed, over the longest score window (> 0: the model is worse).
  [[nodiscard]] double no_skill_z() const { return model_scores_.dm_z(0); }
  [[nodiscard]] std::uint64_t drift_alarms() const { return drift_alarms_; }

 private:
  struct RingEntry {
    std::uint64_t sequence = 0;
    bool reset = false;  // the gap tracker reset the state at this bar
  };
  struct Pending {
    bool valid = false;
    bool from_model = false;
    std::uint64_t sequence = 0;
    double close = 0, predicted_return = 0, predicted_close = 0, lower = 0, upper = 0;
  };
  void score_pending(const Bar& bar);
  // Steps the live model (if any) on the newest ring entry; returns its
  // head output, or NaN if there is no model or the state was reset.
  float step_model(std::size_t slot);
  void forecast_next(const Bar& bar, float y);
  std::span<const double> ring_features(std::size_t slot) const;
  [[nodiscard]] OnlineState save_online() const;
  void load_online(const OnlineState& state);

  ModelOptions options_;
  FeatureSet features_;
  std::size_t longest_window_;

  std::shared_ptr<const ModelBundle> model_;
  LstmState<float> state_;
  std::vector<float> scaled_;  // scaled input of one step

  // The replay ring: raw features of the last ring_capacity_ bars.
  std::size_t ring_capacity_;
  std::vector<double> ring_values_;  // ring_capacity_ x F
  std::vector<RingEntry> ring_;
  std::size_t ring_head_ = 0;  // next slot
  std::size_t ring_size_ = 0;

  GapTracker gaps_;
  AdaptiveConformal conformal_;
  RollingScores scores_;        // of what was published, per score window
  RollingScores model_scores_;  // the live model's, since install (no-skill test)
  std::unique_ptr<DriftDetector> drift_;

  bool has_last_ = false;
  std::uint64_t last_sequence_ = 0;
  double last_close_ = 0;
  std::int64_t last_bar_end_ns_ = 0;
  std::uint64_t bars_seen_ = 0;
  Pending pending_;
  Forecast forecast_;

  bool requested_ = false, drift_due_ = false, no_skill_due_ = false, submitted_once_ = false;
  bool was_no_skill_ = false;
  std::uint64_t bars_since_submit_ = 0;
  std::uint64_t drift_alarms_ = 0;
  std::string restored_cold_;
};

}  // namespace tickcast::model

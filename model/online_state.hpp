// The forecaster's online state beside its model: everything
// Forecaster::on_bar reads apart from the weights, the scaler and (h, c).
// Saved in a checkpoint (format version 3, docs/model-format.md) so that a
// restored forecaster continues bit for bit where the saved one stopped:
// the same forecasts, intervals, scores, drift alarms and retrain triggers
// as a forecaster that never stopped.
//
// Plain values. Each component comes from, and goes back into, its owner
// (AdaptiveConformal, RollingScores, DriftDetector, GapTracker, Forecaster),
// which checks that it fits its configuration; a component that does not
// fit (say scores.windows changed) starts cold, the rest is still restored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tickcast::model {

// RollingScores: per window its running sums, and the ring of per-forecast
// records, oldest first. Sums are stored, not recomputed, because a
// recomputation rounds differently from the running sums it replaces.
inline constexpr std::size_t kScoreTerms = 12;
using ScoreTermValues = std::array<double, kScoreTerms>;
struct RollingScoresState {
  struct Window {
    std::uint64_t length = 0;
    std::uint64_t n = 0;
    std::uint64_t since_recompute = 0;
    ScoreTermValues sums{};
    friend bool operator==(const Window&, const Window&) = default;
  };
  std::vector<Window> windows;
  std::vector<ScoreTermValues> records;  // oldest first; at most the longest window
  friend bool operator==(const RollingScoresState&, const RollingScoresState&) = default;
};

// AdaptiveConformal: its parameters (to check they still apply), alpha_t,
// the counters and the scores in arrival order, oldest first.
struct ConformalState {
  double coverage = 0;
  double gamma = 0;
  std::uint64_t window = 0;
  double alpha_t = 0;
  std::uint64_t updates = 0;
  std::uint64_t covered = 0;
  std::vector<double> scores;
  friend bool operator==(const ConformalState&, const ConformalState&) = default;
};

// A drift detector: its kind ("page_hinkley", "adwin", "none") and its
// numbers, in an order the detector defines (drift.hpp).
struct DriftState {
  std::string kind = "none";
  std::vector<std::uint64_t> counters;
  std::vector<double> values;
  friend bool operator==(const DriftState&, const DriftState&) = default;
};

// The forecast published at the last bar, waiting to be scored by the next.
struct PendingForecast {
  bool valid = false;
  bool from_model = false;  // the live model's (else persistence's)
  std::uint64_t sequence = 0;
  double close = 0;
  double predicted_return = 0;
  double predicted_close = 0;
  double lower = 0;
  double upper = 0;
  friend bool operator==(const PendingForecast&, const PendingForecast&) = default;
};

// The warm swap's replay ring, oldest first: per bar its sequence, whether
// the gap rules reset the state there, and its raw features (row-major,
// sequences.size() x feature count).
struct ReplayRingState {
  std::vector<std::uint64_t> sequences;
  std::vector<std::uint8_t> resets;
  std::vector<double> features;
  friend bool operator==(const ReplayRingState&, const ReplayRingState&) = default;
};

struct OnlineState {
  // Forecaster counters and retrain triggers.
  std::uint64_t bars_seen = 0;
  std::uint64_t bars_since_submit = 0;
  std::uint64_t drift_alarms = 0;
  bool requested = false;
  bool drift_due = false;
  bool no_skill_due = false;
  bool submitted_once = false;
  bool was_no_skill = false;
  // GapTracker.
  std::int32_t gap_run = 0;
  std::int32_t real_since_reset = 0;

  PendingForecast pending;
  ConformalState conformal;
  RollingScoresState scores;        // of what was published
  RollingScoresState model_scores;  // the live model's since install
  DriftState drift;
  ReplayRingState ring;
  friend bool operator==(const OnlineState&, const OnlineState&) = default;
};

}  // namespace tickcast::model

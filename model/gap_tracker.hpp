// What a stream does with each bar's status, as a function of the bar stream
// alone (never of the model), so that the live forecaster, a retrain job's
// warm-up run and the replay of a warm swap all treat gaps the same way:
//
//   - a traded or quiet bar is stepped (its `mask` feature says quiet);
//   - a gap bar is stepped too (mask 1: the state carries through a short
//     outage) until more than max_gap_bars gap bars in a row: from then on
//     every further gap bar resets the state to zero instead;
//   - buckets missing between two bars (a series break after a long
//     downtime: the resampler's max_gap_fill_bars) count as gap bars in the
//     run, so a break longer than max_gap_bars resets the state at its bar
//     (whatever that bar's status) just as that many gap bars would have;
//   - after such a reset the stream is "warming" until warmup_steps real
//     (non-gap) bars have been stepped; forecasts are then persistence.
#pragma once

#include <cstdint>

#include "feeds/market.hpp"

namespace tickcast::model {

// Buckets with no bar between a bar that ended at `previous_end_ns` and
// `bar`: 0 when they touch, or when the interval is unknown.
inline std::int64_t missing_buckets(std::int64_t previous_end_ns, const Bar& bar) {
  if (bar.interval_ns <= 0 || bar.start_ns <= previous_end_ns) return 0;
  return (bar.start_ns - previous_end_ns) / bar.interval_ns;
}

class GapTracker {
 public:
  GapTracker(int max_gap_bars, int warmup_steps)
      : max_gap_bars_(max_gap_bars), warmup_steps_(warmup_steps), real_since_reset_(warmup_steps) {}

  // True if the bar resets the state (instead of stepping it).
  // `missing_before`: buckets with no bar between the previous bar and this.
  bool on_bar(BarStatus status, std::int64_t missing_before = 0) {
    const bool gap = status == BarStatus::kGap;
    if (gap || missing_before > 0) {
      // Missing buckets are gap bars nobody emitted.
      const std::int64_t run = gap_run_ + (missing_before > 0 ? missing_before : 0) + (gap ? 1 : 0);
      if (run > max_gap_bars_) {
        real_since_reset_ = 0;
        gap_run_ = gap ? max_gap_bars_ + 1 : 0;  // saturated: more is no different
        return true;
      }
      if (gap) {
        gap_run_ = static_cast<int>(run);
        return false;
      }
    }
    gap_run_ = 0;
    if (real_since_reset_ < warmup_steps_) ++real_since_reset_;
    return false;
  }

  // The state was reset and has not yet seen warmup_steps real bars.
  [[nodiscard]] bool warming() const { return real_since_reset_ < warmup_steps_; }
  // Starts warming, e.g. after restoring a checkpoint without a state.
  void start_warming() { real_since_reset_ = 0; }

  // For a checkpoint: the gap bars in a row so far, and the real bars
  // stepped since the last reset (capped at warmup_steps).
  [[nodiscard]] int gap_run() const { return gap_run_; }
  [[nodiscard]] int real_since_reset() const { return real_since_reset_; }
  void load(int gap_run, int real_since_reset) {
    gap_run_ = gap_run;
    real_since_reset_ = real_since_reset < warmup_steps_ ? real_since_reset : warmup_steps_;
  }

 private:
  int max_gap_bars_;
  int warmup_steps_;
  int gap_run_ = 0;
  int real_since_reset_;
};

}  // namespace tickcast::model

// What a stream does with each bar's status, as a function of the bar stream
// alone (never of the model), so that the live forecaster, a retrain job's
// warm-up run and the replay of a warm swap all treat gaps the same way:
//
//   - a traded or quiet bar is stepped (its `mask` feature says quiet);
//   - a gap bar is stepped too (mask 1: the state carries through a short
//     outage) until more than max_gap_bars gap bars in a row: from then on
//     every further gap bar resets the state to zero instead;
//   - after such a reset the stream is "warming" until warmup_steps real
//     (non-gap) bars have been stepped; forecasts are then persistence.
#pragma once

#include <cstdint>

#include "feeds/market.hpp"

namespace tickcast::model {

class GapTracker {
 public:
  GapTracker(int max_gap_bars, int warmup_steps)
      : max_gap_bars_(max_gap_bars), warmup_steps_(warmup_steps), real_since_reset_(warmup_steps) {}

  // True if the bar resets the state (instead of stepping it).
  bool on_bar(BarStatus status) {
    if (status == BarStatus::kGap) {
      if (++gap_run_ > max_gap_bars_) {
        real_since_reset_ = 0;
        return true;
      }
      return false;
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

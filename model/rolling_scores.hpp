// Rolling scores of scored forecasts over several trailing windows (in
// forecasts), O(1) per forecast and no allocation after construction.
//
// One ring of per-forecast records, as long as the longest window, feeds a
// running sum per window: a record enters every window's sums and leaves a
// window's sums `window` records later. Plain running sums of doubles drift
// as values are added and subtracted, so every window recomputes its sums
// from the ring once per `window` records (amortised O(1)); the error is
// then bounded by one window's worth of rounding.
//
// Also keeps, per window, the Diebold-Mariano sums of the price squared-error
// differential model - persistence (diebold_mariano.hpp, lags = 0), so the
// forecaster can tell when the live model is significantly worse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/forecast.hpp"
#include "model/online_state.hpp"

namespace tickcast::model {

// One forecast made at a bar with close `close`, scored against the next
// bar's close `actual`.
struct ScoredForecast {
  double close = 0;
  double actual = 0;
  double predicted = 0;  // the model's (or the published) predicted close
  double lower = 0;      // the published interval
  double upper = 0;
};

class RollingScores {
 public:
  // REQUIRES: every window >= 1.
  explicit RollingScores(const std::vector<int>& windows);

  void add(const ScoredForecast& f);

  // Scores over each window, in the constructor's order. Writes into `out`
  // (resized once to the number of windows).
  void fill(std::vector<WindowScores>& out) const;

  // Diebold-Mariano z of model vs persistence squared price errors over
  // window k (> 0: the model is worse); 0 with fewer than 2 forecasts.
  [[nodiscard]] double dm_z(std::size_t k) const;
  [[nodiscard]] std::size_t count(std::size_t k) const;
  [[nodiscard]] std::size_t windows() const { return windows_.size(); }

  void reset();

  // Everything above, for a checkpoint. load() takes it back exactly (the
  // running sums as they are, not recomputed) and returns true, or returns
  // false and changes nothing if the state has other window lengths.
  [[nodiscard]] RollingScoresState save() const;
  [[nodiscard]] bool load(const RollingScoresState& state);

 private:
  // Everything a window sums, for one forecast.
  struct Terms {
    double abs_ret = 0, sq_ret = 0, abs_price = 0, sq_price = 0;
    double p_abs_price = 0, p_sq_price = 0;
    double dir_n = 0, dir_hit = 0, covered = 0, width = 0;
    double d = 0, d2 = 0;  // DM differential and its square
    void add(const Terms& t, double sign);
    [[nodiscard]] ScoreTermValues values() const;
    static Terms from(const ScoreTermValues& v);
  };
  struct Window {
    std::size_t length = 0;
    std::size_t n = 0;
    std::size_t since_recompute = 0;
    Terms sums;
  };
  static Terms terms_of(const ScoredForecast& f);
  [[nodiscard]] const Terms& back(std::size_t age) const;  // age 0: newest
  void recompute(Window& w) const;

  std::vector<Window> windows_;
  std::vector<Terms> ring_;
  std::size_t head_ = 0;  // where the next record goes
  std::size_t size_ = 0;
};

}  // namespace tickcast::model

// Adaptive conformal inference (Gibbs & Candes, "Adaptive Conformal Inference
// Under Distribution Shift", NeurIPS 2021) on absolute residuals.
//
// The interval for the next outcome is prediction +- q, where q is the
// conformal quantile of the last `window` scores (|actual - predicted|) at
// level 1 - alpha_t. After each outcome alpha_t moves by
//
//     alpha_{t+1} = alpha_t + gamma * (alpha - err_t),   err_t = 1 if missed
//
// so a run of misses widens the interval and a run of hits narrows it: the
// long-run miss rate tends to alpha whatever the residuals do (the paper's
// Proposition 4.1), which plain split conformal only promises when the
// residuals are exchangeable.
//
// The quantile is the ceil((n + 1)(1 - alpha_t))-th smallest of the n scores.
// When that rank exceeds n the paper's interval is unbounded; we publish
// twice the largest score in the window instead (a finite interval a person
// can read) and score hits against that published interval, so the feedback
// loop stays honest. With no scores at all the half-width is +infinity.
//
// O(window) per update (one insert and one erase in a sorted copy), no heap
// allocation after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/online_state.hpp"

namespace tickcast::model {

class AdaptiveConformal {
 public:
  // coverage in (0, 1); gamma >= 0 (0: plain rolling split conformal);
  // window >= 1 scores kept.
  AdaptiveConformal(double coverage, double gamma, int window);

  // Half-width of the interval for the next outcome, in score units.
  [[nodiscard]] double half_width() const;

  // Records the outcome of the interval just scored: its score
  // |actual - predicted| and whether the published interval covered it.
  void update(double score, bool covered);

  [[nodiscard]] double alpha_t() const { return alpha_t_; }
  [[nodiscard]] double target_alpha() const { return alpha_; }
  [[nodiscard]] std::size_t size() const { return sorted_.size(); }
  // Share of updates that were covered, over all updates; NaN before any.
  [[nodiscard]] double empirical_coverage() const;
  [[nodiscard]] std::uint64_t updates() const { return updates_; }

  // Forgets every score and returns alpha_t to alpha.
  void reset();

  // Everything above, for a checkpoint. load() takes it back exactly and
  // returns true, or returns false and changes nothing if the state was
  // saved with another coverage, gamma or window.
  [[nodiscard]] ConformalState save() const;
  [[nodiscard]] bool load(const ConformalState& state);

 private:
  double alpha_;
  double gamma_;
  double alpha_t_;
  std::size_t window_;
  std::vector<double> ring_;    // scores in arrival order (circular)
  std::size_t head_ = 0;        // next slot to overwrite once full
  std::vector<double> sorted_;  // the same scores, ascending
  std::uint64_t updates_ = 0;
  std::uint64_t covered_ = 0;
};

}  // namespace tickcast::model

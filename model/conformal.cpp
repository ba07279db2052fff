#include "model/conformal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tickcast::model {

AdaptiveConformal::AdaptiveConformal(double coverage, double gamma, int window)
    : alpha_(1.0 - coverage),
      gamma_(gamma),
      alpha_t_(1.0 - coverage),
      window_(static_cast<std::size_t>(std::max(window, 1))) {
  ring_.reserve(window_);
  sorted_.reserve(window_);
}

double AdaptiveConformal::half_width() const {
  const std::size_t n = sorted_.size();
  if (n == 0) return std::numeric_limits<double>::infinity();
  const double level = 1.0 - alpha_t_;
  const double rank = std::ceil(static_cast<double>(n + 1) * level);
  if (rank <= 0) return 0.0;  // alpha_t >= 1: the empty interval
  if (rank > static_cast<double>(n)) return 2.0 * sorted_.back();
  return sorted_[static_cast<std::size_t>(rank) - 1];
}

void AdaptiveConformal::update(double score, bool covered) {
  if (!std::isfinite(score)) return;
  if (ring_.size() < window_) {
    ring_.push_back(score);
  } else {
    const double old = ring_[head_];
    sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), old));
    ring_[head_] = score;
    head_ = (head_ + 1) % window_;
  }
  sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), score), score);
  ++updates_;
  if (covered) ++covered_;
  alpha_t_ += gamma_ * (alpha_ - (covered ? 0.0 : 1.0));
}

double AdaptiveConformal::empirical_coverage() const {
  if (updates_ == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(covered_) / static_cast<double>(updates_);
}

ConformalState AdaptiveConformal::save() const {
  ConformalState s;
  s.coverage = 1.0 - alpha_;
  s.gamma = gamma_;
  s.window = window_;
  s.alpha_t = alpha_t_;
  s.updates = updates_;
  s.covered = covered_;
  // Oldest first: once the ring is full, the oldest score is at head_.
  s.scores.reserve(ring_.size());
  for (std::size_t i = 0; i < ring_.size(); ++i)
    s.scores.push_back(ring_[(head_ + i) % ring_.size()]);
  return s;
}

bool AdaptiveConformal::load(const ConformalState& s) {
  if (s.coverage != 1.0 - alpha_ || s.gamma != gamma_ || s.window != window_ ||
      s.scores.size() > window_) {
    return false;
  }
  ring_.assign(s.scores.begin(), s.scores.end());
  head_ = 0;  // the oldest score is now first
  sorted_.assign(s.scores.begin(), s.scores.end());
  std::sort(sorted_.begin(), sorted_.end());
  alpha_t_ = s.alpha_t;
  updates_ = s.updates;
  covered_ = s.covered;
  return true;
}

void AdaptiveConformal::reset() {
  ring_.clear();
  sorted_.clear();
  head_ = 0;
  updates_ = covered_ = 0;
  alpha_t_ = alpha_;
}

}  // namespace tickcast::model

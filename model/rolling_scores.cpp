#include "model/rolling_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/diebold_mariano.hpp"

namespace tickcast::model {
namespace {

double log_ratio(double a, double b) {
  return (a > 0 && b > 0) ? std::log(a / b) : 0.0;
}

}  // namespace

void RollingScores::Terms::add(const Terms& t, double sign) {
  abs_ret += sign * t.abs_ret;
  sq_ret += sign * t.sq_ret;
  abs_price += sign * t.abs_price;
  sq_price += sign * t.sq_price;
  p_abs_price += sign * t.p_abs_price;
  p_sq_price += sign * t.p_sq_price;
  dir_n += sign * t.dir_n;
  dir_hit += sign * t.dir_hit;
  covered += sign * t.covered;
  width += sign * t.width;
  d += sign * t.d;
  d2 += sign * t.d2;
}

ScoreTermValues RollingScores::Terms::values() const {
  return {abs_ret, sq_ret,  abs_price, sq_price, p_abs_price, p_sq_price,
          dir_n,   dir_hit, covered,   width,    d,           d2};
}

RollingScores::Terms RollingScores::Terms::from(const ScoreTermValues& v) {
  Terms t;
  t.abs_ret = v[0];
  t.sq_ret = v[1];
  t.abs_price = v[2];
  t.sq_price = v[3];
  t.p_abs_price = v[4];
  t.p_sq_price = v[5];
  t.dir_n = v[6];
  t.dir_hit = v[7];
  t.covered = v[8];
  t.width = v[9];
  t.d = v[10];
  t.d2 = v[11];
  return t;
}

RollingScores::RollingScores(const std::vector<int>& windows) {
  std::size_t longest = 1;
  for (int w : windows) {
    Window win;
    win.length = static_cast<std::size_t>(std::max(w, 1));
    longest = std::max(longest, win.length);
    windows_.push_back(win);
  }
  ring_.resize(longest);
}

RollingScores::Terms RollingScores::terms_of(const ScoredForecast& f) {
  Terms t;
  const double actual_ret = log_ratio(f.actual, f.close);
  const double pred_ret = log_ratio(f.predicted, f.close);
  const double er = pred_ret - actual_ret;
  const double ep = f.predicted - f.actual;
  const double pp = f.close - f.actual;
  t.abs_ret = std::abs(er);
  t.sq_ret = er * er;
  t.abs_price = std::abs(ep);
  t.sq_price = ep * ep;
  t.p_abs_price = std::abs(pp);
  t.p_sq_price = pp * pp;
  // As ScoreAccumulator: direction only where both moves are non-zero.
  if (actual_ret != 0 && pred_ret != 0) {
    t.dir_n = 1;
    t.dir_hit = (actual_ret > 0) == (pred_ret > 0) ? 1 : 0;
  }
  t.covered = (f.actual >= f.lower && f.actual <= f.upper) ? 1 : 0;
  // Only the first forecast of a symbol (no residuals yet) has an unbounded
  // interval; it counts as covered and adds nothing to the mean width.
  t.width = std::isfinite(f.upper - f.lower) ? f.upper - f.lower : 0.0;
  t.d = t.sq_price - t.p_sq_price;
  t.d2 = t.d * t.d;
  return t;
}

const RollingScores::Terms& RollingScores::back(std::size_t age) const {
  return ring_[(head_ + ring_.size() - 1 - age) % ring_.size()];
}

void RollingScores::recompute(Window& w) const {
  w.sums = Terms{};
  for (std::size_t age = 0; age < w.n; ++age) w.sums.add(back(age), 1.0);
  w.since_recompute = 0;
}

void RollingScores::add(const ScoredForecast& f) {
  const Terms t = terms_of(f);
  // The records leaving each window must be read before the ring overwrites
  // the oldest slot.
  for (auto& w : windows_) {
    if (w.n == w.length) {
      w.sums.add(back(w.length - 1), -1.0);
      --w.n;
    }
  }
  ring_[head_] = t;
  head_ = (head_ + 1) % ring_.size();
  size_ = std::min(size_ + 1, ring_.size());
  for (auto& w : windows_) {
    w.sums.add(t, 1.0);
    ++w.n;
    if (++w.since_recompute >= w.length) recompute(w);
  }
}

void RollingScores::fill(std::vector<WindowScores>& out) const {
  out.resize(windows_.size());
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < windows_.size(); ++k) {
    const Window& w = windows_[k];
    WindowScores& s = out[k];
    s = WindowScores{};
    s.window = static_cast<int>(w.length);
    s.n = w.n;
    if (w.n == 0) continue;
    const double n = static_cast<double>(w.n);
    const Terms& t = w.sums;
    // Sums of non-negative terms can go a hair below 0 by rounding.
    auto root_mean = [n](double sum) { return std::sqrt(std::max(sum, 0.0) / n); };
    s.mae_return = std::max(t.abs_ret, 0.0) / n;
    s.rmse_return = root_mean(t.sq_ret);
    s.mae_price = std::max(t.abs_price, 0.0) / n;
    s.rmse_price = root_mean(t.sq_price);
    s.persistence_mae_price = std::max(t.p_abs_price, 0.0) / n;
    s.persistence_rmse_price = root_mean(t.p_sq_price);
    const double dir_n = std::round(t.dir_n);
    s.direction_accuracy = dir_n > 0 ? std::round(t.dir_hit) / dir_n : nan;
    s.skill = s.persistence_rmse_price > 0 ? 1.0 - s.rmse_price / s.persistence_rmse_price : nan;
    s.interval_coverage = std::round(t.covered) / n;
    s.interval_mean_width = t.width / n;
  }
}

double RollingScores::dm_z(std::size_t k) const {
  const Window& w = windows_[k];
  return dm_z_from_sums(w.n, w.sums.d, w.sums.d2);
}

std::size_t RollingScores::count(std::size_t k) const {
  return windows_[k].n;
}

void RollingScores::reset() {
  for (auto& w : windows_) w = Window{w.length, 0, 0, Terms{}};
  head_ = size_ = 0;
}

RollingScoresState RollingScores::save() const {
  RollingScoresState s;
  for (const Window& w : windows_) {
    s.windows.push_back({w.length, w.n, w.since_recompute, w.sums.values()});
  }
  s.records.reserve(size_);
  for (std::size_t age = size_; age-- > 0;) s.records.push_back(back(age).values());
  return s;
}

bool RollingScores::load(const RollingScoresState& s) {
  if (s.windows.size() != windows_.size() || s.records.size() > ring_.size()) return false;
  for (std::size_t k = 0; k < windows_.size(); ++k) {
    if (s.windows[k].length != windows_[k].length || s.windows[k].n > s.records.size()) {
      return false;
    }
  }
  for (std::size_t k = 0; k < windows_.size(); ++k) {
    const auto& w = s.windows[k];
    windows_[k] = Window{windows_[k].length, static_cast<std::size_t>(w.n),
                         static_cast<std::size_t>(w.since_recompute), Terms::from(w.sums)};
  }
  std::fill(ring_.begin(), ring_.end(), Terms{});
  for (std::size_t i = 0; i < s.records.size(); ++i) ring_[i] = Terms::from(s.records[i]);
  size_ = s.records.size();
  head_ = size_ % ring_.size();
  return true;
}

}  // namespace tickcast::model

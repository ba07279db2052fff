#include "model/drift.hpp"

#include <algorithm>
#include <cmath>

namespace tickcast::model {

bool PageHinkley::add(double x) {
  ++n_;
  mean_ += (x - mean_) / static_cast<double>(n_);
  cumulative_ += x - mean_ - delta_;
  minimum_ = std::min(minimum_, cumulative_);
  if (cumulative_ - minimum_ > lambda_) {
    reset();
    return true;
  }
  return false;
}

void PageHinkley::reset() {
  n_ = 0;
  mean_ = cumulative_ = minimum_ = 0;
}

DriftState PageHinkley::save() const {
  return {"page_hinkley", {n_}, {mean_, cumulative_, minimum_}};
}

bool PageHinkley::load(const DriftState& s) {
  if (s.kind != "page_hinkley" || s.counters.size() != 1 || s.values.size() != 3) return false;
  n_ = s.counters[0];
  mean_ = s.values[0];
  cumulative_ = s.values[1];
  minimum_ = s.values[2];
  return true;
}

Adwin::Adwin(double confidence, std::size_t max_window, std::size_t clock, std::size_t min_side)
    : confidence_(confidence),
      clock_(std::max<std::size_t>(clock, 1)),
      min_side_(std::max<std::size_t>(min_side, 1)),
      ring_(std::max<std::size_t>(max_window, 2 * min_side_)) {}

bool Adwin::add(double x) {
  if (size_ == ring_.size()) {  // full: the oldest value leaves
    head_ = (head_ + 1) % ring_.size();
    --size_;
  }
  ring_[(head_ + size_) % ring_.size()] = x;
  ++size_;
  if (++since_check_ < clock_ || size_ < 2 * min_side_) return false;
  since_check_ = 0;

  // Whole-window mean and variance (two-pass), then each split with W0 the
  // oldest n0 values.
  double total = 0;
  for (std::size_t i = 0; i < size_; ++i) total += at(i);
  const double n = static_cast<double>(size_);
  const double mean = total / n;
  double sq = 0;
  for (std::size_t i = 0; i < size_; ++i) sq += (at(i) - mean) * (at(i) - mean);
  const double var = sq / n;
  const double log_term = std::log(2.0 / (confidence_ / n));
  double sum0 = 0;
  for (std::size_t n0 = 1; n0 + min_side_ <= size_; ++n0) {
    sum0 += at(n0 - 1);
    if (n0 < min_side_) continue;
    const double c0 = static_cast<double>(n0), c1 = n - c0;
    const double m = 1.0 / (1.0 / c0 + 1.0 / c1);
    const double eps = std::sqrt(2.0 / m * var * log_term) + 2.0 / (3.0 * m) * log_term;
    if (std::abs(sum0 / c0 - (total - sum0) / c1) > eps) {
      // Drop W0: the window now starts after the change.
      head_ = (head_ + n0) % ring_.size();
      size_ -= n0;
      return true;
    }
  }
  return false;
}

DriftState Adwin::save() const {
  DriftState s{"adwin", {since_check_}, {}};
  s.values.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i) s.values.push_back(at(i));
  return s;
}

bool Adwin::load(const DriftState& s) {
  if (s.kind != "adwin" || s.counters.size() != 1 || s.values.size() > ring_.size()) return false;
  since_check_ = static_cast<std::size_t>(s.counters[0]);
  head_ = 0;
  size_ = s.values.size();
  std::copy(s.values.begin(), s.values.end(), ring_.begin());
  return true;
}

void Adwin::reset() {
  head_ = size_ = since_check_ = 0;
}

std::unique_ptr<DriftDetector> make_drift_detector(std::string_view kind, double delta,
                                                   double lambda, double adwin_confidence) {
  if (kind == "page_hinkley") return std::make_unique<PageHinkley>(delta, lambda);
  if (kind == "adwin") return std::make_unique<Adwin>(adwin_confidence);
  return nullptr;
}

}  // namespace tickcast::model

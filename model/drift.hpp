// Drift detectors on a stream of non-negative values: the live model's
// absolute return residuals divided by the residual scale measured when it
// was validated (so thresholds mean the same for every symbol and model).
// A detection triggers a retrain; the detector then starts over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "model/online_state.hpp"

namespace tickcast::model {

class DriftDetector {
 public:
  virtual ~DriftDetector() = default;
  // Adds one value; true if drift is detected at it (the detector has then
  // already reset itself).
  virtual bool add(double x) = 0;
  virtual void reset() = 0;
  // Everything the detector has seen, for a checkpoint. load() takes it back
  // exactly and returns true, or returns false and changes nothing if the
  // state belongs to another kind of detector or does not fit this one.
  [[nodiscard]] virtual DriftState save() const = 0;
  [[nodiscard]] virtual bool load(const DriftState& state) = 0;
};

// Page-Hinkley test for an increase of the mean (Page 1954; Hinkley 1971):
//
//   m_T = sum_{t<=T} (x_t - mean_T - delta),  M_T = min_{t<=T} m_t,
//   alarm when m_T - M_T > lambda,
//
// with mean_T the running mean of x_1..x_T (as in Gama et al. 2013).
class PageHinkley final : public DriftDetector {
 public:
  PageHinkley(double delta, double lambda) : delta_(delta), lambda_(lambda) {}
  bool add(double x) override;
  void reset() override;
  // kind "page_hinkley", counters {n}, values {mean, cumulative, minimum}.
  [[nodiscard]] DriftState save() const override;
  [[nodiscard]] bool load(const DriftState& state) override;
  [[nodiscard]] double statistic() const { return cumulative_ - minimum_; }

 private:
  double delta_, lambda_;
  std::uint64_t n_ = 0;
  double mean_ = 0, cumulative_ = 0, minimum_ = 0;
};

// ADWIN (Bifet & Gavalda 2007, the variance-based bound of section 3):
// keeps a window of the last values (at most max_window) and, every `clock`
// values, checks each split W = W0 . W1 (both at least min_side long); if
//
//   |mean(W0) - mean(W1)| > sqrt(2 / m * var(W) * ln(2 / d')) + 2 / (3 m) * ln(2 / d'),
//   m = 1 / (1 / n0 + 1 / n1),  d' = confidence / n,
//
// it reports drift and drops W0 (the older part). This is the plain O(W)
// version with a bounded window rather than ADWIN2's exponential histogram:
// amortised O(max_window / clock) per value, no allocation after
// construction.
class Adwin final : public DriftDetector {
 public:
  explicit Adwin(double confidence, std::size_t max_window = 2048, std::size_t clock = 32,
                 std::size_t min_side = 16);
  bool add(double x) override;
  void reset() override;
  // kind "adwin", counters {values since the last check}, values the
  // window, oldest first.
  [[nodiscard]] DriftState save() const override;
  [[nodiscard]] bool load(const DriftState& state) override;
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  [[nodiscard]] double at(std::size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  double confidence_;
  std::size_t clock_, min_side_;
  std::vector<double> ring_;
  std::size_t head_ = 0, size_ = 0, since_check_ = 0;
};

// "page_hinkley", "adwin" or "none" (nullptr) with the options' parameters.
std::unique_ptr<DriftDetector> make_drift_detector(std::string_view kind, double delta,
                                                   double lambda, double adwin_confidence);

}  // namespace tickcast::model

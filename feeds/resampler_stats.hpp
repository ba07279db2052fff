// Counters of one symbol's resampler, read by the daemon at scrape time.
//
// The resampler is the only writer (it runs on its symbol's strand); a scrape
// reads from another thread. Every field is therefore a std::atomic written
// with a relaxed load + store (no locked instruction on the hot path: there is
// one writer) and read with a relaxed load. Values only grow.
//
// Metric mapping (the daemon owns the names):
//   tickcast_bars_total{status="traded"|"quiet"|"gap"}  <- bars_traded/quiet/gap
//   tickcast_bar_revisions_total                         <- bar_revisions
//   tickcast_late_trades_total{action="dropped"|"revised"} <- late_dropped/late_revised
//   tickcast_future_trades_total                          <- future_trades
//   tickcast_bar_duplicate_trades_total                   <- duplicate_trades
//   tickcast_price_outlier_trades_total                   <- price_outliers
//   tickcast_price_band_reanchors_total                   <- price_reanchors
//   tickcast_bar_series_breaks_total                      <- series_breaks
//   tickcast_bars_skipped_total                           <- bars_skipped
//   tickcast_bar_close_delay_seconds (histogram)          <- close_delay
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tickcast::feeds {

// Adds `n` to a counter that has exactly one writer thread.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// A cumulative histogram of bar close delays (close time minus bar end), in
// the shape Prometheus wants: upper bounds in seconds, counts per bucket (not
// cumulative; the exporter sums them), a running sum and a count.
//
// The bounds sit around the configured lateness, where close delays live: a
// bar closes when the watermark (newest time minus lateness) passes its end.
class CloseDelayHistogram {
 public:
  static constexpr std::size_t kBuckets = 14;  // finite upper bounds; +Inf is implicit

  // Bounds are allowed_lateness + {-1s, -0.5s, 0, 10ms, 25ms, 50ms, 100ms,
  // 250ms, 500ms, 1s, 2s, 5s, 10s, 30s}, with non-positive ones clamped so the
  // list stays strictly increasing.
  explicit CloseDelayHistogram(std::int64_t allowed_lateness_ns);

  // Single writer.
  void observe(std::int64_t delay_ns);

  // Upper bounds in seconds, strictly increasing.
  [[nodiscard]] const std::array<double, kBuckets>& bounds_seconds() const { return bounds_; }
  // Observations in bucket i (bounds[i-1], bounds[i]]; index kBuckets is +Inf.
  [[nodiscard]] std::uint64_t bucket_count(std::size_t i) const {
    return counts_[i].load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Sum of observations in nanoseconds (may be negative only if clocks jump).
  [[nodiscard]] std::int64_t sum_ns() const { return sum_ns_.load(std::memory_order_relaxed); }

 private:
  std::array<double, kBuckets> bounds_{};
  std::array<std::int64_t, kBuckets> bounds_ns_{};
  std::array<std::atomic<std::uint64_t>, kBuckets + 1> counts_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> sum_ns_{0};
};

struct ResamplerStats {
  explicit ResamplerStats(std::int64_t allowed_lateness_ns) : close_delay(allowed_lateness_ns) {}

  std::atomic<std::uint64_t> trades_accepted{0};      // counted in an open bar
  std::atomic<std::uint64_t> trades_out_of_order{0};  // accepted, older than an earlier one
  std::atomic<std::uint64_t> duplicate_trades{0};     // id already counted in its bar; ignored
  std::atomic<std::uint64_t> late_dropped{0};         // bar already closed; discarded
  std::atomic<std::uint64_t> late_revised{0};         // bar already closed; applied as a revision
  std::atomic<std::uint64_t> future_trades{0};        // stamped > max_future_ns ahead; dropped
  std::atomic<std::uint64_t> bars_traded{0};
  std::atomic<std::uint64_t> bars_quiet{0};
  std::atomic<std::uint64_t> bars_gap{0};
  std::atomic<std::uint64_t> bar_revisions{0};
  std::atomic<std::uint64_t> price_outliers{0};   // out of the price band; refused
  std::atomic<std::uint64_t> price_reanchors{0};  // the band moved to confirmed outliers
  std::atomic<std::uint64_t> series_breaks{0};    // more than max_gap_fill_bars at once
  std::atomic<std::uint64_t> bars_skipped{0};     // empty buckets those breaks left out
  CloseDelayHistogram close_delay;

  [[nodiscard]] std::uint64_t late_trades() const {
    return late_dropped.load(std::memory_order_relaxed) +
           late_revised.load(std::memory_order_relaxed);
  }
};

}  // namespace tickcast::feeds

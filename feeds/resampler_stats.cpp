#include "feeds/resampler_stats.hpp"

#include <algorithm>

namespace tickcast::feeds {

namespace {
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000'000'000;
constexpr std::array<std::int64_t, CloseDelayHistogram::kBuckets> kOffsetsNs{
    -kS,       -kS / 2,   0,  10 * kMs, 25 * kMs, 50 * kMs, 100 * kMs,
    250 * kMs, 500 * kMs, kS, 2 * kS,   5 * kS,   10 * kS,  30 * kS};
}  // namespace

CloseDelayHistogram::CloseDelayHistogram(std::int64_t allowed_lateness_ns) {
  // Clamp the low bounds to small positive steps so the list stays increasing
  // when the lateness is under a second.
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    std::int64_t bound = allowed_lateness_ns + kOffsetsNs[i];
    bound = std::max(bound, previous + kMs);
    bounds_ns_[i] = bound;
    bounds_[i] = static_cast<double>(bound) / 1e9;
    previous = bound;
  }
}

void CloseDelayHistogram::observe(std::int64_t delay_ns) {
  const auto it = std::lower_bound(bounds_ns_.begin(), bounds_ns_.end(), delay_ns);
  const auto index = static_cast<std::size_t>(it - bounds_ns_.begin());
  bump(counts_[index]);
  bump(count_);
  sum_ns_.store(sum_ns_.load(std::memory_order_relaxed) + delay_ns, std::memory_order_relaxed);
}

}  // namespace tickcast::feeds

#include "feeds/backoff.hpp"

#include <algorithm>

namespace tickcast::feeds {

Backoff::Backoff(Duration initial, Duration max, std::uint64_t seed)
    : initial_(initial), max_(std::max(initial, max)), rng_(seed) {}

Backoff::Duration Backoff::current_cap() const {
  if (attempt_ == 0) return Duration::zero();
  Duration cap = initial_;
  for (std::uint32_t i = 1; i < attempt_ && cap < max_; ++i) cap *= 2;
  return std::min(cap, max_);
}

Backoff::Duration Backoff::next() {
  const Duration cap = current_cap();
  if (attempt_ < 64) ++attempt_;
  if (cap <= Duration::zero()) return Duration::zero();
  std::uniform_int_distribution<std::int64_t> pick(0, cap.count());
  return Duration(pick(rng_));
}

}  // namespace tickcast::feeds

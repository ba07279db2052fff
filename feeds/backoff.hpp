// Reconnect delays: capped exponential backoff with full jitter.
//
// Attempt 0 (the first retry after a drop) is immediate. Attempt n >= 1 waits
// a uniformly random time in [0, min(max, initial * 2^(n-1))] ("full jitter",
// as in the AWS architecture blog's comparison), so a fleet that lost the
// same exchange does not reconnect in lockstep. reset() after the link has
// been healthy for a while starts over from attempt 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace tickcast::feeds {

class Backoff {
 public:
  using Duration = std::chrono::nanoseconds;

  // REQUIRES: 0 < initial <= max.
  Backoff(Duration initial, Duration max, std::uint64_t seed = std::random_device{}());

  // The delay before the next attempt, and counts the attempt.
  Duration next();

  // The upper bound of the delay next() would draw now.
  Duration current_cap() const;

  void reset() { attempt_ = 0; }
  std::uint32_t attempt() const { return attempt_; }

 private:
  Duration initial_, max_;
  std::uint32_t attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace tickcast::feeds

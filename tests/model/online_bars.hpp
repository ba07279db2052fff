// Synthetic 1-minute bars for the online tests: a deterministic random walk
// whose returns have a little negative autocorrelation (something a model can
// learn), with full OHLCV so that every feature moves.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::test {

inline std::vector<Bar> synthetic_bars(std::size_t n, std::uint64_t seed = 1,
                                       std::uint64_t first_sequence = 1) {
  std::vector<Bar> bars;
  bars.reserve(n);
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
  auto uniform = [&s] {  // splitmix64 -> [0, 1)
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  double close = 20000, previous_return = 0;
  constexpr std::int64_t kMinute = 60'000'000'000;
  for (std::size_t t = 0; t < n; ++t) {
    Bar b;
    b.exchange = "test";
    b.symbol = "BTCUSDT";
    b.interval_ns = kMinute;
    b.start_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(t) * kMinute;
    b.end_ns = b.start_ns + kMinute;
    const double noise = (uniform() + uniform() + uniform() - 1.5) * 2e-3;
    const double r = -0.3 * previous_return + noise;
    previous_return = r;
    b.open = close;
    close *= std::exp(r);
    b.close = close;
    b.high = std::max(b.open, b.close) * (1 + uniform() * 5e-4);
    b.low = std::min(b.open, b.close) * (1 - uniform() * 5e-4);
    b.volume = 1 + 10 * uniform();
    b.buy_volume = b.volume * uniform();
    b.sell_volume = b.volume - b.buy_volume;
    b.quote_volume = b.volume * (b.open + b.close) / 2;
    b.vwap = b.quote_volume / b.volume;
    b.trade_count = 1 + static_cast<std::uint64_t>(uniform() * 50);
    b.sequence = first_sequence + t;
    b.status = BarStatus::kTraded;
    bars.push_back(b);
  }
  return bars;
}

}  // namespace tickcast::test

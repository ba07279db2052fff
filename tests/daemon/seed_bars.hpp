// Synthetic one-second bars for daemon tests that need history: in memory,
// or written into a state directory's bar log as a daemon that had been
// running would have left them.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_writer.hpp"
#include "feeds/market.hpp"

namespace tickcast::test {

// `count` consecutive traded binance:BTCUSDT bars of one second, the first
// starting at `first_start_ns` with sequence `first_sequence`; closes follow
// a seeded random walk near 60,000.
inline std::vector<Bar> synthetic_bars(int count, std::int64_t first_start_ns,
                                       std::uint64_t first_sequence = 0, unsigned seed = 11) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  std::mt19937_64 random(seed);
  std::normal_distribution<double> step(0.0, 8.0);
  std::vector<Bar> bars;
  double close = 60'000;
  for (int i = 0; i < count; ++i) {
    Bar bar;
    bar.exchange = "binance";
    bar.symbol = "BTCUSDT";
    bar.interval_ns = kSecond;
    bar.start_ns = first_start_ns + i * kSecond;
    bar.end_ns = bar.start_ns + kSecond;
    bar.open = close;
    close += step(random);
    bar.close = close;
    bar.high = std::max(bar.open, bar.close) + 1;
    bar.low = std::min(bar.open, bar.close) - 1;
    bar.volume = 1 + static_cast<double>(i % 7);
    bar.buy_volume = bar.volume * 0.6;
    bar.sell_volume = bar.volume - bar.buy_volume;
    bar.quote_volume = bar.volume * (bar.open + bar.close) / 2;
    bar.vwap = bar.quote_volume / bar.volume;
    bar.trade_count = 10 + static_cast<std::uint64_t>(i % 13);
    bar.first_trade_time_ns = bar.start_ns;
    bar.last_trade_time_ns = bar.end_ns - 1;
    bar.sequence = first_sequence + static_cast<std::uint64_t>(i);
    bar.status = BarStatus::kTraded;
    bars.push_back(bar);
  }
  return bars;
}

inline std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Writes `bars` into the bar log under `state_dir`.
inline void write_bar_log(const std::filesystem::path& state_dir, const std::vector<Bar>& bars) {
  const std::int64_t now = wall_clock_ns();
  std::unique_ptr<feeds::BarLogWriter> writer;
  ASSERT_TRUE(feeds::BarLogWriter::open(feeds::bar_log_dir(state_dir, "binance", "BTCUSDT"),
                                        "binance", "BTCUSDT", feeds::BarLogOptions{}, now, writer)
                  .is_ok());
  for (const Bar& bar : bars) ASSERT_TRUE(writer->append(bar, now).is_ok());
  ASSERT_TRUE(writer->sync(now).is_ok());
}

// `count` bars ending at the current second, written to the bar log, so a
// daemon started now continues the series without a gap.
inline void seed_bar_log(const std::filesystem::path& state_dir, int count) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  write_bar_log(state_dir, synthetic_bars(count, (wall_clock_ns() / kSecond - count) * kSecond));
}

}  // namespace tickcast::test

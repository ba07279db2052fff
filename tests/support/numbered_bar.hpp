// A bar that is a pure function of its sequence number, for tests that
// write bars, break something, and check that every bar read back is intact.
#pragma once

#include <cstdint>

#include "feeds/market.hpp"

namespace tickcast::test {

// Binance BTCUSDT, one-second bars from 2023-11-14; every field depends on
// `sequence`, so a bar read back in the wrong place or damaged compares
// unequal to numbered_bar(its sequence).
inline Bar numbered_bar(std::uint64_t sequence) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  Bar b;
  b.exchange = "binance";
  b.symbol = "BTCUSDT";
  b.interval_ns = kSecond;
  b.start_ns = 1'700'000'000 * kSecond + static_cast<std::int64_t>(sequence) * kSecond;
  b.end_ns = b.start_ns + kSecond;
  b.open = 100.0 + static_cast<double>(sequence % 1000) / 7.0;
  b.high = b.open + 1;
  b.low = b.open - 1;
  b.close = b.open + 0.5;
  b.volume = static_cast<double>(sequence) * 0.001;
  b.quote_volume = b.volume * b.close;
  b.buy_volume = b.volume / 3;
  b.sell_volume = b.volume - b.buy_volume;
  b.trade_count = sequence * 3;
  b.vwap = b.close;
  b.first_trade_time_ns = b.start_ns + 1;
  b.last_trade_time_ns = b.end_ns - 1;
  b.first_trade_id = sequence * 10;
  b.last_trade_id = sequence * 10 + 9;
  b.sequence = sequence;
  b.status = BarStatus::kTraded;
  return b;
}

}  // namespace tickcast::test

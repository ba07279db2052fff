// Plain value types shared by feeds/ and model/: a normalized trade and a bar.
//
// This header has no dependencies beyond the standard library on purpose:
// model/ may include it and nothing else of feeds/ (see docs/architecture in
// DESIGN.md), so it must never grow an include of Boost or simdjson.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tickcast {

// Which side took liquidity. Exchanges report this differently (Binance's `m`
// says whether the buyer was the maker, Coinbase's `side` is the maker's side);
// every dialect translates to the aggressor's side.
enum class Side : std::uint8_t { kBuy, kSell };

constexpr std::string_view to_string(Side side) {
  return side == Side::kBuy ? "buy" : "sell";
}

// One trade as an exchange reported it, normalized.
//
// Prices and quantities are doubles parsed from the exchange's decimal strings
// with correct rounding (no locale involved): a double keeps 15-17 significant
// decimal digits, which covers every price and size the supported exchanges
// publish (at most 8 decimals on values far below 1e7).
struct Trade {
  std::string exchange;  // "binance", "coinbase", ...
  std::string symbol;    // the exchange's own spelling, e.g. "BTCUSDT", "XBT/USD"
  std::string pair;      // normalized BASE-QUOTE, e.g. "BTC-USDT"
  std::uint64_t trade_id = 0;
  // An aggregated trade (Binance aggTrade) stands for the exchange's trades
  // first_trade_id..trade_id; a single trade has first_trade_id == trade_id.
  // 0 means "same as trade_id", so code that builds a Trade may ignore it.
  std::uint64_t first_trade_id = 0;
  double price = 0;
  double qty = 0;
  Side side = Side::kBuy;             // the aggressor's side
  std::int64_t exchange_time_ns = 0;  // when the exchange says the trade happened
  std::int64_t receive_time_ns = 0;   // local wall clock when the frame arrived
};

// Why a bar has the values it has.
enum class BarStatus : std::uint8_t {
  kTraded,  // at least one trade fell in the interval
  kQuiet,   // the feed was healthy and nobody traded: OHLC = previous close, zero volume
  kGap,     // the feed was down or trade ids are missing for part of the interval
};

constexpr std::string_view to_string(BarStatus status) {
  switch (status) {
    case BarStatus::kTraded:
      return "traded";
    case BarStatus::kQuiet:
      return "quiet";
    case BarStatus::kGap:
      return "gap";
  }
  return "unknown";
}

// One fixed interval [start_ns, end_ns) of one symbol, aligned to the Unix
// epoch and assigned by exchange time.
struct Bar {
  std::string exchange;
  std::string symbol;
  std::int64_t interval_ns = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;        // base currency
  double quote_volume = 0;  // sum of price * qty
  double buy_volume = 0;    // aggressor buys, base currency
  double sell_volume = 0;   // aggressor sells, base currency
  std::uint64_t trade_count = 0;
  double vwap = 0;  // quote_volume / volume; the close when volume is zero
  std::int64_t first_trade_time_ns = 0;
  std::int64_t last_trade_time_ns = 0;
  std::uint64_t first_trade_id = 0;
  std::uint64_t last_trade_id = 0;
  std::uint64_t sequence = 0;  // per symbol, consecutive across bars
  BarStatus status = BarStatus::kTraded;
  // 0 when the bar first closes; n for its n-th revision by late trades
  // (bars.late_policy = "revise"). A revision keeps the bar's sequence.
  std::uint32_t revision = 0;

  // Every field equal (prices bit for bit): a bar read back is the bar written.
  friend bool operator==(const Bar&, const Bar&) = default;
};

}  // namespace tickcast

// Reads trades from CSV files, one trade per line, for `tickcast resample`.
//
// Two layouts are understood, recognised by their header line:
//   tickcast            what `tickcast decode` writes: named columns
//                       exchange, symbol, trade_id, price, qty, side,
//                       exchange_time_ns, and optionally pair,
//                       receive_time_ns, first_trade_id, in any order;
//                       side is "buy" or "sell" (the aggressor).
//   binance-trades-csv  Binance trade messages flattened: trade_id, price,
//                       qty, trade_time_ms, is_buyer_maker, and optionally
//                       recv_time_ns (../shared/data/trades/*.csv). The
//                       aggressor sold when the buyer was the maker.
// A bad line is reported with its line number and skipped; it never ends the
// read.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::feeds {

enum class TradeCsvFormat : std::uint8_t { kAuto, kTickcast, kBinanceTrades };

// "auto", "tickcast" or "binance-trades-csv".
[[nodiscard]] std::optional<TradeCsvFormat> parse_trade_csv_format(std::string_view text);

class TradeCsvReader {
 public:
  enum class Result : std::uint8_t { kTrade, kBadLine, kEnd };

  // `exchange` and `symbol` fill trades of layouts that do not name them
  // (binance-trades-csv). The stream must outlive the reader.
  TradeCsvReader(std::istream& in, TradeCsvFormat format, std::string exchange, std::string symbol);

  // Reads and checks the header. Returns an error message, or nullopt.
  [[nodiscard]] std::optional<std::string> read_header();

  // The next trade, a bad line (with `error` naming the line and the
  // problem), or the end of the input.
  [[nodiscard]] Result next(Trade& out, std::string& error);

  // The layout in use after read_header().
  [[nodiscard]] TradeCsvFormat format() const { return format_; }

 private:
  struct Columns {
    int exchange = -1, symbol = -1, pair = -1, trade_id = -1, first_trade_id = -1, price = -1,
        qty = -1, side = -1, time = -1, receive_time = -1, buyer_maker = -1;
  };

  std::optional<std::string> parse_line(const std::vector<std::string_view>& fields,
                                        Trade& out) const;

  std::istream& in_;
  TradeCsvFormat format_;
  std::string exchange_;
  std::string symbol_;
  Columns columns_;
  std::size_t min_fields_ = 0;
  std::uint64_t line_number_ = 0;
  std::string line_;
  std::vector<std::string_view> fields_;
};

}  // namespace tickcast::feeds

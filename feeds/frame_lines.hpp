// Decoding a file of recorded frames, one per line, as `tickcast decode` and
// the replay exchange read them.
//
// A line is `[<receive time> ]<frame>`: an optional receive-time prefix --
// integer nanoseconds since the epoch, or decimal seconds -- then one space,
// then the frame exactly as received (the format of ../shared/data/trades/raw
// and of hftbacktest's collector). Without a prefix the receive time is 0.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "feeds/dialect.hpp"
#include "feeds/frame_decoder.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

// Splits a line into its receive time (0 when absent) and its frame. A
// first word that is not a number is part of the frame (e.g. OKX's "pong").
struct FrameLine {
  std::int64_t receive_time_ns = 0;
  std::string_view frame;
};
FrameLine split_frame_line(std::string_view line);

// Counts of what a stream of frames contained, by FrameKind and DecodeError.
struct FrameTally {
  std::uint64_t lines = 0;
  std::uint64_t trades = 0;
  std::array<std::uint64_t, kFrameKindCount> kinds{};
  std::array<std::uint64_t, kDecodeErrorCount> errors{};

  // "lines=.. trades=.. trade=.. other=.. ... errors: not_json=..", zero
  // counts left out.
  std::string summary() const;
};

// The CSV columns `tickcast decode` writes, and one trade in that layout.
// Prices and quantities are written as the shortest decimal that parses back
// to the same double, so "61837.63000000" becomes 61837.63 and "0.00000001"
// becomes 1e-08; both read back exactly.
inline constexpr std::string_view kTradeCsvHeader =
    "exchange,symbol,trade_id,price,qty,side,exchange_time_ns,receive_time_ns";
std::string format_trade_csv(const Trade& t);

// Decodes every line of `in` with `decoder`, writes one CSV row per trade to
// `csv`, and calls `on_error(line_number, result)` for each invalid or
// rejected frame. Never stops on a bad line.
FrameTally decode_frame_lines(
    std::istream& in, FrameDecoder& decoder, std::ostream& csv,
    const std::function<void(std::uint64_t, const DecodeResult&)>& on_error = {});

}  // namespace tickcast::feeds

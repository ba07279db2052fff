// Reading bar files for offline training (`tickcast train --bars FILE`).
//
// Four formats, detected from the first line with --format auto:
//   tickcast        the CSV `tickcast resample` and `tickcast bars dump` write
//                   (header "exchange,symbol,interval_ns,..."); the last
//                   revision of each bar wins
//   binanceus       "open_time,open,high,low,close,volume" with ISO times
//                   ("2023-03-01 00:00:00+00:00"); no trade counts or sides
//   kraken-ohlcvt   Kraken's headerless OHLCVT dumps:
//                   unix_seconds,open,high,low,close,volume,trade_count
//   coinmarketcap   the notebook's daily file: newest first, quoted dates
//                   ("Jul 31, 2017"), quoted numbers with thousands
//                   separators, "-" for unknown volume
//
// Bars come out oldest first with consecutive sequence numbers. Intervals a
// source leaves out (Kraken omits minutes without trades) are filled with
// quiet bars (OHLC = previous close, zero volume), which is what the live
// resampler produces for a healthy feed with no trades. Zero-volume rows
// are marked quiet. A row that does not parse is skipped and reported by
// line number; the file fails only if no bar is left, or rows go backwards.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::daemon {

enum class BarFileFormat { kAuto, kTickcast, kBinanceUs, kKrakenOhlcvt, kCoinMarketCap };

// "auto", "tickcast", "binanceus", "kraken-ohlcvt", "coinmarketcap".
[[nodiscard]] bool parse_bar_file_format(std::string_view name, BarFileFormat& out);
std::string_view to_string(BarFileFormat format);

struct BarFile {
  std::vector<Bar> bars;
  BarFileFormat format = BarFileFormat::kAuto;  // the format actually read
  std::size_t rows = 0;                         // data rows in the file
  std::size_t filled = 0;                       // quiet bars inserted for missing intervals
  std::vector<std::string> skipped;             // "line 17: bad close \"x\"", in order
};

// Returns "" on success; else why the file cannot be used at all.
[[nodiscard]] std::string read_bar_file(const std::filesystem::path& path, BarFileFormat format,
                                        BarFile& out);

// Same, from text (for tests); `name` is used in messages.
[[nodiscard]] std::string read_bar_text(std::string_view text, BarFileFormat format, BarFile& out);

}  // namespace tickcast::daemon

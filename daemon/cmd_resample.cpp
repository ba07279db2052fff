// `tickcast resample`: trades from a CSV file to bars as CSV, offline.
//
// The same Resampler as the daemon, driven only by the trades' exchange
// times (no clock), so a file gives the same bars however fast it is read.
// At the end of the input the bar containing the last trade is closed as a
// gap: the input stopped inside it.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <utility>

#include "config/value_parsers.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "feeds/bar_csv.hpp"
#include "feeds/dialect.hpp"
#include "feeds/resampler.hpp"
#include "feeds/trade_csv.hpp"

namespace tickcast::daemon {

namespace {

constexpr int kMaxErrorsShown = 10;

// How the exchange numbers its trades, from its dialect (as the daemon does):
// consecutive ids make a missing id a missed trade; no usable ids turn off
// duplicate detection. An exchange without a dialect is taken to have unique
// but not consecutive ids.
feeds::IdContinuity id_continuity_of(const std::string& exchange, const std::string& symbol) {
  feeds::FeedOptions feed;
  feed.exchange = exchange;
  feed.symbols = {symbol};
  std::string error;
  const auto dialect = feeds::make_dialect(feed, error);
  return dialect ? dialect->id_continuity() : feeds::IdContinuity::kIncreasing;
}

// "binance_spot_BTCUSDT_trades_2024....csv" -> "BTCUSDT".
std::string symbol_from_file_name(const std::string& path) {
  static const std::regex pattern(R"(_([A-Za-z0-9-]+)_trades_)");
  std::smatch match;
  if (std::regex_search(path, match, pattern)) return match[1].str();
  return {};
}

struct SymbolBars {
  std::unique_ptr<feeds::Resampler> resampler;
};

}  // namespace

int resample_main(std::span<const std::string_view> args) {
  ArgParser parser("resample",
                   "Reads trades from FILE ('-' for stdin) and writes bars as CSV to stdout.\n"
                   "Bars are bucketed by exchange time, exactly as the daemon does, with quiet\n"
                   "and gap bars; the first and last bar of a file are gaps (partial).");
  parser.option("interval", "DURATION", "bar length, e.g. 1s, 15s, 1m, 1h", "1m");
  parser.option("allowed-lateness", "DURATION", "how late a trade may arrive (<= interval)", "2s");
  parser.option("late-policy", "POLICY", "drop or revise", "drop");
  parser.option("input-format", "FORMAT", "auto, tickcast or binance-trades-csv", "auto");
  parser.option("exchange", "NAME", "exchange for formats without one", "binance");
  parser.option("symbol", "SYMBOL", "symbol for formats without one (default: from the file name)");
  parser.positional("FILE", "trades CSV, or - for standard input");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;

  auto fail = [](const std::string& message) {
    std::cerr << "tickcast resample: " << message << '\n';
    return 2;
  };
  const auto interval = config::parse_duration(parser.get("interval"));
  if (!interval) return fail("--interval: " + interval.error);
  const auto lateness = config::parse_duration(parser.get("allowed-lateness"));
  if (!lateness) return fail("--allowed-lateness: " + lateness.error);
  const auto format = feeds::parse_trade_csv_format(parser.get("input-format"));
  if (!format) return fail("--input-format must be auto, tickcast or binance-trades-csv");

  feeds::BarOptions bar_options;
  bar_options.interval = *interval.value;
  bar_options.allowed_lateness = *lateness.value;
  bar_options.late_policy = parser.get("late-policy");
  // Validate once, before reading anything.
  feeds::ResamplerOptions probe;
  if (auto error = feeds::make_resampler_options(bar_options, "", "", true, probe)) {
    return fail(*error);
  }

  const std::string path = parser.get("FILE");
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return fail("cannot open " + path);
    in = &file;
  }
  std::string symbol = parser.get("symbol");
  if (symbol.empty()) symbol = symbol_from_file_name(path);

  feeds::TradeCsvReader reader(*in, *format, parser.get("exchange"), symbol);
  if (auto error = reader.read_header()) return fail(path + ": " + *error);
  if (reader.format() == feeds::TradeCsvFormat::kBinanceTrades && symbol.empty()) {
    return fail("--symbol is required: it cannot be read from the file name " + path);
  }

  std::string out(feeds::bar_csv_header());
  out += '\n';
  auto sink = [&out](const feeds::BarEvent& event) { feeds::append_bar_csv(event.bar, out); };
  std::map<std::pair<std::string, std::string>, SymbolBars> symbols;

  std::uint64_t trades = 0, bad_lines = 0;
  Trade trade;
  std::string error;
  while (true) {
    const auto result = reader.next(trade, error);
    if (result == feeds::TradeCsvReader::Result::kEnd) break;
    if (result == feeds::TradeCsvReader::Result::kBadLine) {
      if (++bad_lines <= kMaxErrorsShown) std::cerr << path << ": " << error << " (skipped)\n";
      continue;
    }
    ++trades;
    SymbolBars& bars = symbols[{trade.exchange, trade.symbol}];
    if (!bars.resampler) {
      feeds::ResamplerOptions options;
      const auto ids = id_continuity_of(trade.exchange, trade.symbol);
      (void)feeds::make_resampler_options(bar_options, trade.exchange, trade.symbol,
                                          ids == feeds::IdContinuity::kConsecutive, options,
                                          ids != feeds::IdContinuity::kNone);
      bars.resampler = std::make_unique<feeds::Resampler>(std::move(options), sink);
    }
    bars.resampler->on_trade(trade);
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  for (auto& [key, bars] : symbols) bars.resampler->finish();
  std::cout << out << std::flush;

  std::cerr << "tickcast resample: " << trades << " trades";
  if (bad_lines > 0) std::cerr << ", " << bad_lines << " bad lines skipped";
  for (const auto& [key, bars] : symbols) {
    const feeds::ResamplerStats& s = bars.resampler->stats();
    std::cerr << "; " << key.first << " " << key.second << ": " << s.bars_traded.load()
              << " traded, " << s.bars_quiet.load() << " quiet, " << s.bars_gap.load()
              << " gap bars, " << s.duplicate_trades.load() << " duplicates, " << s.late_trades()
              << " late";
    if (s.price_outliers.load() > 0) {
      std::cerr << ", " << s.price_outliers.load() << " refused as price outliers ("
                << s.price_reanchors.load() << " re-anchors)";
    }
    if (s.series_breaks.load() > 0) {
      std::cerr << ", " << s.series_breaks.load() << " series breaks (" << s.bars_skipped.load()
                << " empty bars skipped)";
    }
  }
  std::cerr << '\n';
  return std::cout ? 0 : 1;
}

}  // namespace tickcast::daemon

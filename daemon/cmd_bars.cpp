// `tickcast bars dump STATE_DIR SYMBOL`: a symbol's bar log as CSV.
//
// Prints every record in the order it was written (closes and revisions), in
// the same CSV as `tickcast resample`, so the two can be diffed. Corruption is
// reported on stderr with the segment, offset and bytes dropped, and the dump
// carries on.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "feeds/bar_csv.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"

namespace tickcast::daemon {

namespace {

namespace fs = std::filesystem;

int fail(const std::string& message) {
  std::cerr << "tickcast bars: " << message << '\n';
  return 2;
}

// The log directory of `symbol`, searching every exchange unless one is named.
int find_log_dir(const fs::path& state_dir, const std::string& exchange, const std::string& symbol,
                 fs::path& out) {
  const fs::path bars = state_dir / "bars";
  if (!exchange.empty()) {
    out = feeds::bar_log_dir(state_dir, exchange, symbol);
    if (fs::is_directory(out)) return 0;
    return fail("no bar log at " + out.string());
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(bars, ec)) {
    const fs::path candidate = entry.path() / feeds::escape_path_component(symbol);
    if (fs::is_directory(candidate)) found.push_back(candidate);
  }
  if (found.empty()) return fail("no bar log for " + symbol + " under " + bars.string());
  if (found.size() > 1) {
    std::string names;
    for (const auto& dir : found) names += " " + dir.parent_path().filename().string();
    return fail(symbol + " is logged for several exchanges (" + names.substr(1) +
                "); choose one with --exchange");
  }
  out = found.front();
  return 0;
}

}  // namespace

int bars_main(std::span<const std::string_view> args) {
  ArgParser parser("bars",
                   "Reads a symbol's bar log under STATE_DIR/bars/<exchange>/<symbol>/ and prints\n"
                   "it as CSV (the same columns as `tickcast resample`). ACTION is `dump`.");
  parser.positional("ACTION", "dump");
  parser.positional("STATE_DIR", "the daemon's state directory (daemon.state_dir)");
  parser.positional("SYMBOL", "the symbol as the exchange spells it, e.g. BTCUSDT");
  parser.option("exchange", "NAME", "which exchange's log, when several have SYMBOL");
  parser.flag("latest", "print only the newest revision of each bar, in sequence order");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  if (parser.get("ACTION") != "dump") {
    return fail("unknown action '" + parser.get("ACTION") + "' (expected dump)");
  }
  fs::path dir;
  if (const int rc =
          find_log_dir(parser.get("STATE_DIR"), parser.get("exchange"), parser.get("SYMBOL"), dir);
      rc != 0) {
    return rc;
  }

  std::vector<Bar> records;
  feeds::BarLogReadStats stats;
  const feeds::IoStatus status = feeds::read_bar_log(
      dir,
      [](const fs::path& segment, std::uint64_t offset, std::uint64_t dropped,
         std::string_view why) {
        std::cerr << "tickcast bars: " << segment.string() << ": corruption at byte " << offset
                  << ", " << dropped << " bytes skipped: " << why << '\n';
      },
      records, stats);
  if (!status.is_ok()) {
    std::cerr << "tickcast bars: " << status.message() << '\n';
    return 1;
  }
  if (parser.has("latest")) records = feeds::latest_revisions(records);

  std::string out(feeds::bar_csv_header());
  out += '\n';
  for (const Bar& bar : records) {
    feeds::append_bar_csv(bar, out);
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out << std::flush;
  std::cerr << "tickcast bars: " << stats.segments << " segments, " << stats.bars << " records";
  if (stats.torn_tail_bytes > 0) std::cerr << ", " << stats.torn_tail_bytes << " torn-tail bytes";
  if (stats.corrupt_bytes > 0) {
    std::cerr << ", " << stats.corrupt_bytes << " corrupt bytes in " << stats.corrupt_records
              << " places";
  }
  std::cerr << '\n';
  return std::cout ? 0 : 1;
}

}  // namespace tickcast::daemon

// What the daemon reads back from a symbol's bar log at start: the bars to
// retrain on, and where the resampler's series continues.
//
//   feeds::BarHistory history;
//   auto status = feeds::load_bar_history(state_dir, "binance", "BTCUSDT",
//                                         interval_ns, reporter, history);
//   if (history.resume_from) resampler.resume_after(*history.resume_from);
//   else resampler.start_sequence_at(history.next_sequence);
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "feeds/bar_log_reader.hpp"
#include "feeds/io_status.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

struct BarHistory {
  // The newest revision of every logged bar of the requested interval, in
  // sequence order (bars of another interval, from before a config change,
  // are left out).
  std::vector<Bar> bars;
  // The newest bar in the log, if it has the requested interval: the series
  // continues from it (Resampler::resume_after).
  std::optional<Bar> resume_from;
  // One past the highest sequence in the log (0 for an empty log), so a new
  // series after an interval change never reuses a sequence number.
  std::uint64_t next_sequence = 0;
  BarLogReadStats stats;
};

// Reads <state_dir>/bars/<exchange>/<symbol>/. A missing log is an empty
// history; corruption goes to `reporter` and is skipped; only I/O errors fail.
IoStatus load_bar_history(const std::filesystem::path& state_dir, std::string_view exchange,
                          std::string_view symbol, std::int64_t interval_ns,
                          const BarLogReporter& reporter, BarHistory& out);

// The newest `count` bars of `interval_ns` with a sequence at most
// `up_to_sequence` (the newest revision of each, in sequence order), or all
// of them if there are fewer. Reads the segments newest first and stops once
// it has them, so the cost follows `count`, not the age of the log: a retrain
// job's window, read while the log goes back months. Corruption goes to
// `reporter`; only I/O errors fail.
IoStatus load_recent_bars(const std::filesystem::path& state_dir, std::string_view exchange,
                          std::string_view symbol, std::int64_t interval_ns,
                          std::uint64_t up_to_sequence, std::size_t count,
                          const BarLogReporter& reporter, std::vector<Bar>& out,
                          BarLogReadStats& stats);

}  // namespace tickcast::feeds

// Opens the bar logs of many symbols side by side.
//
// Why: opening a bar log starts a new segment, which syncs the segment's
// header and its directory (several milliseconds on an ordinary disk). A
// thousand symbols opened one after another kept a restart from being ready
// for 8-12 s (bench/e2e, docs/performance.md). Opened from several threads,
// the file system folds the concurrent syncs into a few journal commits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "feeds/bar_log_writer.hpp"

namespace tickcast::daemon {

struct BarLogToOpen {
  std::string exchange;
  std::string symbol;
};

// Opens one writer per entry of `logs` (out[i] for logs[i]) under
// `state_dir`, on up to `threads` threads; `now_unix_ns` as for
// BarLogWriter::open. Returns false when any failed,
// with `error` naming the first that did (in the order of `logs`); `out` is
// then empty.
bool open_bar_logs(const std::filesystem::path& state_dir, const std::vector<BarLogToOpen>& logs,
                   const feeds::BarLogOptions& options, std::int64_t now_unix_ns,
                   std::size_t threads, std::vector<std::unique_ptr<feeds::BarLogWriter>>& out,
                   std::string& error);

}  // namespace tickcast::daemon

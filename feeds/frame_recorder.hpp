// Records every raw frame a feed receives, with its receive time, so a day
// can be replayed later (replay exchange, `tickcast decode`, `tickcast
// backtest --frames`) byte for byte.
//
// Files: <dir>/<exchange>/<YYYY-MM-DD>.frames.gz, one per UTC day of the
// receive time. Each line is `<receive_ns> <frame>\n`, the format
// frame_lines.hpp reads (and the format of ../shared/data/trades/raw).
//
// Durability: the gzip stream is sync-flushed at least every flush_interval
// (default 1 s) and when the file rotates or closes, so a crash loses at
// most that much and leaves a file that decompresses up to the last flush
// (`zcat` warns about the missing trailer). A restart on the same day
// appends a new gzip member to the day's file; gzip readers read
// concatenated members as one stream.
//
// A frame holding a line break cannot be one line; it is counted
// (skipped_frames) rather than written in a form no reader can split.
// Write errors are counted and logged at a bounded rate, and the recorder
// retries with a fresh file at the next flush; recording never stops the feed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "feeds/log_sink.hpp"

namespace tickcast::feeds {

struct FrameRecorderStats {
  std::atomic<std::uint64_t> frames{0};          // written
  std::atomic<std::uint64_t> bytes{0};           // uncompressed bytes written
  std::atomic<std::uint64_t> skipped_frames{0};  // held a line break
  std::atomic<std::uint64_t> errors{0};          // failed opens, writes, flushes
  std::atomic<std::uint64_t> files_opened{0};
};

class FrameRecorder {
 public:
  // Creates <dir>/<exchange>/ and checks that it is writable. Returns
  // nullptr and sets `error` (naming the path) when it is not.
  static std::unique_ptr<FrameRecorder> open(const std::filesystem::path& dir, std::string exchange,
                                             LogSink log, std::string& error);

  ~FrameRecorder();
  FrameRecorder(const FrameRecorder&) = delete;
  FrameRecorder& operator=(const FrameRecorder&) = delete;

  // Appends one frame. Thread-safe (a mutex that only the feed's strand
  // and close() take); never throws.
  void record(std::int64_t receive_ns, std::string_view frame) noexcept;

  // Flushes and closes the current file (also done by the destructor).
  void close() noexcept;

  [[nodiscard]] const FrameRecorderStats& stats() const { return stats_; }
  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }

  // The file that frames received at `receive_ns` go to.
  [[nodiscard]] std::filesystem::path file_for(std::int64_t receive_ns) const;

  // For tests: how often the stream is sync-flushed.
  void set_flush_interval(std::chrono::nanoseconds interval) {
    flush_interval_ns_ = interval.count();
  }

 private:
  FrameRecorder(std::filesystem::path directory, LogSink log);

  bool ensure_open(std::int64_t day, std::int64_t receive_ns);  // REQUIRES: mu_ held
  void flush_locked(std::int64_t now_ns);                       // REQUIRES: mu_ held
  void close_locked();                                          // REQUIRES: mu_ held
  void fail(const std::string& what, std::int64_t now_ns);      // REQUIRES: mu_ held

  const std::filesystem::path directory_;
  RateLimitedLog log_;
  FrameRecorderStats stats_;

  std::mutex mu_;
  void* file_ = nullptr;        // gzFile, opaque here to keep zlib out of the header
  std::int64_t open_day_ = -1;  // UTC day number of the open file
  std::int64_t last_flush_ns_ = 0;
  std::int64_t retry_after_ns_ = 0;  // after an error, no reopen before this
  std::int64_t flush_interval_ns_ = 1'000'000'000;
  bool dirty_ = false;
};

// "2024-08-08" for a UTC day number (days since 1970-01-01).
std::string utc_date(std::int64_t day);

}  // namespace tickcast::feeds

// Appends closed bars to a symbol's bar log (format: bar_log_format.hpp).
//
// Durability: every append is one write(2) of one whole record, so a
// process crash (kill -9) loses nothing that append() returned for. The
// data reaches the disk (fdatasync) at the latest on the first append() or
// sync_if_due() call at least fsync_interval after the previous sync, so a
// machine crash loses at most the bars appended in the last fsync_interval,
// provided the caller calls sync_if_due() from a timer (the daemon does, on
// its bar timer). fsync_interval 0 syncs every append.
// With a FileSyncer in the options, interval syncs run on the syncer's
// thread instead of the caller's: sync_if_due() and append() only submit
// one (at most one in flight per writer) and collect its outcome on a later
// call, so the window above grows by the syncer's queue delay. A failed
// background sync is handled as a failed sync is (below), at the next call
// that sees it. sync(), rotation and the destructor still sync in place.
// A segment is created under a temporary name, its header synced, then
// renamed into place and the directory synced: a segment file either has a
// valid header or does not exist. Each open() starts a new segment, so a torn
// tail left by a crash is never appended to.
// Rotation: a segment that would grow past segment_bytes is synced and
// closed, and a new one begins.
// Failures (disk full, EIO, read-only file system): a failed write is cut
// back off the segment (ftruncate), and the segment is closed after any
// failed write or sync: after a failed fdatasync the kernel may already have
// dropped the unsynced pages, so data written before it is suspect and
// nothing more is appended there. The next append() starts a new segment,
// so the writer recovers by itself once the disk does; bars appended while it
// cannot are lost (the returned status says so) and the log has a hole in
// its sequence numbers. stats().ok tells whether the last write or sync
// succeeded. Retention: closed segments whose last write
// (mtime) is older than `retention` are deleted at open() and each rotation.
//
// Not thread-safe: one writer per symbol, driven from the symbol's strand.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "feeds/bar_options.hpp"
#include "feeds/file_syncer.hpp"
#include "feeds/io_status.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

struct BarLogOptions {
  std::int64_t fsync_interval_ns = 1'000'000'000;
  std::int64_t segment_bytes = 64 << 20;  // REQUIRES: > 16 + 7 + 255 + 7 + 149
  std::int64_t retention_ns = 30LL * 24 * 3600 * 1'000'000'000;
  // Runs interval syncs off the caller's thread when set; must outlive the
  // writer. Not part of BarOptions: the daemon shares one.
  FileSyncer* syncer = nullptr;

  static BarLogOptions from(const BarOptions& bars);
};

// Read from other threads at scrape time; one writer.
struct BarLogStats {
  std::atomic<std::uint64_t> bars_appended{0};
  std::atomic<std::uint64_t> bytes_appended{0};
  std::atomic<std::uint64_t> fsyncs{0};
  std::atomic<std::uint64_t> segments_created{0};
  std::atomic<std::uint64_t> segments_deleted{0};
  std::atomic<std::uint64_t> errors{0};
  // False from a failed write, sync or segment start until the next
  // successful append or sync.
  std::atomic<bool> ok{true};
};

class BarLogWriter {
 public:
  // Creates `dir` if needed, deletes expired segments, and starts a new
  // segment numbered after the newest existing one. `now_unix_ns` is wall
  // time (it is compared with file mtimes).
  static IoStatus open(const std::filesystem::path& dir, std::string exchange, std::string symbol,
                       const BarLogOptions& options, std::int64_t now_unix_ns,
                       std::unique_ptr<BarLogWriter>& out);

  BarLogWriter(const BarLogWriter&) = delete;
  BarLogWriter& operator=(const BarLogWriter&) = delete;
  ~BarLogWriter();  // syncs and closes; errors are counted, not thrown

  // Writes one bar (a close or a revision) as one record; starts a new
  // segment first if the last one was closed by a failure, or rotates if the
  // segment would outgrow segment_bytes; syncs if the interval is due.
  IoStatus append(const Bar& bar, std::int64_t now_unix_ns);

  // Syncs when unsynced data is at least fsync_interval old.
  IoStatus sync_if_due(std::int64_t now_unix_ns);

  // Syncs now if anything is unsynced.
  IoStatus sync(std::int64_t now_unix_ns);

  [[nodiscard]] const BarLogStats& stats() const { return stats_; }
  [[nodiscard]] std::uint64_t segment_number() const { return segment_number_; }
  [[nodiscard]] const std::filesystem::path& segment_path() const { return segment_path_; }
  // Bytes of the current segment known to be on disk.
  [[nodiscard]] std::int64_t synced_bytes() const { return synced_bytes_; }
  [[nodiscard]] std::int64_t segment_bytes() const { return segment_size_; }

 private:
  BarLogWriter(std::filesystem::path dir, std::string exchange, std::string symbol,
               const BarLogOptions& options);

  IoStatus start_segment(std::uint64_t number, std::int64_t now_unix_ns);
  IoStatus close_segment(std::int64_t now_unix_ns);
  // After a failed write or sync: cuts a partial record off, closes the
  // segment, and counts the error.
  void abandon_segment();
  IoStatus delete_expired(std::int64_t now_unix_ns);
  IoStatus write_all(const std::string& bytes);
  // Starts an interval sync on options_.syncer.
  void submit_sync(std::int64_t now_unix_ns);
  // Takes the outcome of a finished background sync, if any.
  IoStatus collect_sync();
  IoStatus sync_dir();
  [[nodiscard]] int fd() const { return file_->get(); }

  std::filesystem::path dir_;
  std::string exchange_;
  std::string symbol_;
  BarLogOptions options_;
  BarLogStats stats_;

  // The open segment, shared with a background sync in flight; empty when
  // no segment is open (after a failed write or sync).
  std::shared_ptr<const SharedFd> file_;
  std::uint64_t segment_number_ = 0;
  std::filesystem::path segment_path_;
  std::int64_t segment_size_ = 0;
  std::int64_t segment_head_bytes_ = 0;  // file header + segment info
  std::int64_t synced_bytes_ = 0;
  std::int64_t last_sync_ns_ = 0;
  bool dirty_ = false;

  // The background sync in flight, and what it covers.
  std::shared_ptr<const SyncTicket> pending_sync_;
  std::uint64_t pending_segment_ = 0;
  std::int64_t pending_bytes_ = 0;
};

}  // namespace tickcast::feeds

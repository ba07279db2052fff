#include "feeds/bar_log_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "feeds/bar_log_format.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/resampler_stats.hpp"  // bump()

namespace tickcast::feeds {

BarLogOptions BarLogOptions::from(const BarOptions& bars) {
  BarLogOptions o;
  o.fsync_interval_ns = bars.fsync_interval.count();
  o.segment_bytes = bars.segment_bytes;
  o.retention_ns = bars.retention.count();
  return o;
}

namespace {

// Opens a directory and fsyncs it, so that a create, rename or unlink in it
// survives a machine crash.
IoStatus fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoStatus::from_errno("open", dir.string(), errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoStatus::from_errno("fsync", dir.string(), err);
  return IoStatus::ok();
}

IoStatus write_fd(int fd, const std::string& bytes, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoStatus::from_errno("write", path.string(), errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return IoStatus::ok();
}

}  // namespace

BarLogWriter::BarLogWriter(std::filesystem::path dir, std::string exchange, std::string symbol,
                           const BarLogOptions& options)
    : dir_(std::move(dir)),
      exchange_(std::move(exchange)),
      symbol_(std::move(symbol)),
      options_(options) {}

BarLogWriter::~BarLogWriter() {
  if (file_ && dirty_ && ::fdatasync(fd()) != 0) bump(stats_.errors);
}

IoStatus BarLogWriter::open(const std::filesystem::path& dir, std::string exchange,
                            std::string symbol, const BarLogOptions& options,
                            std::int64_t now_unix_ns, std::unique_ptr<BarLogWriter>& out) {
  if (exchange.size() > 255 || symbol.size() > 255) {
    return IoStatus::error("bar log: exchange and symbol must be at most 255 bytes");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoStatus::error("create_directories " + dir.string() + ": " + ec.message());

  std::unique_ptr<BarLogWriter> writer(
      new BarLogWriter(dir, std::move(exchange), std::move(symbol), options));
  IoStatus status = writer->delete_expired(now_unix_ns);
  if (!status.is_ok()) return status;
  std::uint64_t next = 1;
  const auto segments = list_bar_log_segments(dir);
  if (!segments.empty()) {
    next = *parse_segment_file_name(segments.back().filename().string()) + 1;
  }
  status = writer->start_segment(next, now_unix_ns);
  if (!status.is_ok()) return status;
  out = std::move(writer);
  return IoStatus::ok();
}

IoStatus BarLogWriter::start_segment(std::uint64_t number, std::int64_t now_unix_ns) {
  const std::filesystem::path final_path = dir_ / segment_file_name(number);
  const std::filesystem::path temp_path = final_path.string() + ".tmp";
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    bump(stats_.errors);
    stats_.ok.store(false, std::memory_order_relaxed);
    return IoStatus::from_errno("open", temp_path.string(), err);
  }

  bar_log::SegmentInfo info{exchange_, symbol_, now_unix_ns};
  const std::string head =
      bar_log::encode_file_header() +
      bar_log::encode_record(bar_log::kSegmentInfo, bar_log::encode_segment_info(info));
  IoStatus status = write_fd(fd, head, temp_path);
  if (status.is_ok() && ::fdatasync(fd) != 0) {
    status = IoStatus::from_errno("fdatasync", temp_path.string(), errno);
  }
  if (status.is_ok() && ::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    status = IoStatus::from_errno("rename", temp_path.string(), errno);
  }
  if (status.is_ok()) status = fsync_directory(dir_);
  if (!status.is_ok()) {
    ::close(fd);
    ::unlink(temp_path.c_str());
    bump(stats_.errors);
    stats_.ok.store(false, std::memory_order_relaxed);
    return status;
  }
  // The descriptor stays open for appending; O_APPEND is not needed since
  // this is the only writer and the offset is already at the end.
  file_ = std::make_shared<const SharedFd>(fd);
  segment_number_ = number;
  segment_path_ = final_path;
  segment_size_ = synced_bytes_ = segment_head_bytes_ = static_cast<std::int64_t>(head.size());
  last_sync_ns_ = now_unix_ns;
  dirty_ = false;
  bump(stats_.segments_created);
  return IoStatus::ok();
}

IoStatus BarLogWriter::close_segment(std::int64_t now_unix_ns) {
  IoStatus status = sync(now_unix_ns);  // a failed sync has closed it already
  file_.reset();                        // a queued background sync may hold it a little longer
  return status;
}

void BarLogWriter::abandon_segment() {
  bump(stats_.errors);
  stats_.ok.store(false, std::memory_order_relaxed);
  if (!file_) return;
  // A short write may have left part of a record; the reader would skip it
  // as a torn tail, but cutting it keeps the segment clean. Best effort.
  if (::ftruncate(fd(), segment_size_) != 0) {
    // Nothing more to do: the reader treats the partial record as torn.
  }
  file_.reset();
  dirty_ = false;
}

IoStatus BarLogWriter::delete_expired(std::int64_t now_unix_ns) {
  const auto segments = list_bar_log_segments(dir_);
  bool deleted = false;
  for (const auto& segment : segments) {
    if (segment == segment_path_) continue;  // never the live one
    struct stat st {};
    if (::stat(segment.c_str(), &st) != 0) continue;
    const std::int64_t mtime_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (now_unix_ns - mtime_ns <= options_.retention_ns) continue;
    if (::unlink(segment.c_str()) != 0) {
      bump(stats_.errors);
      return IoStatus::from_errno("unlink", segment.string(), errno);
    }
    bump(stats_.segments_deleted);
    deleted = true;
  }
  return deleted ? fsync_directory(dir_) : IoStatus::ok();
}

IoStatus BarLogWriter::append(const Bar& bar, std::int64_t now_unix_ns) {
  // A background sync that failed closes the segment; this bar then starts
  // a new one below, like any bar after a failure, and the failure is still
  // returned: bars of the closed segment may be lost.
  const IoStatus background = collect_sync();
  if (!file_) {
    // The last segment was closed by a failure: try a new one for this bar.
    if (IoStatus status = start_segment(segment_number_ + 1, now_unix_ns); !status.is_ok()) {
      return status;
    }
  }
  const std::string record = bar_log::encode_record(bar_log::kBar, bar_log::encode_bar(bar));
  const auto size = static_cast<std::int64_t>(record.size());
  // Rotate unless the segment holds no bar yet (a record larger than a
  // segment still has to go somewhere).
  if (segment_size_ + size > options_.segment_bytes && segment_size_ > segment_head_bytes_) {
    IoStatus status = close_segment(now_unix_ns);
    if (status.is_ok()) status = start_segment(segment_number_ + 1, now_unix_ns);
    if (!status.is_ok()) return status;
    // Retention never stands in the way of new bars: a failed delete is
    // counted in stats().errors and retried at the next rotation.
    (void)delete_expired(now_unix_ns);
  }
  IoStatus status = write_fd(fd(), record, segment_path_);
  if (!status.is_ok()) {
    abandon_segment();
    return status;
  }
  segment_size_ += size;
  dirty_ = true;
  stats_.ok.store(true, std::memory_order_relaxed);
  bump(stats_.bars_appended);
  bump(stats_.bytes_appended, static_cast<std::uint64_t>(size));
  IoStatus synced = options_.fsync_interval_ns == 0 ? sync(now_unix_ns) : sync_if_due(now_unix_ns);
  return background.is_ok() ? synced : background;
}

IoStatus BarLogWriter::sync_if_due(std::int64_t now_unix_ns) {
  if (IoStatus status = collect_sync(); !status.is_ok()) return status;
  if (!dirty_ || now_unix_ns - last_sync_ns_ < options_.fsync_interval_ns) return IoStatus::ok();
  if (options_.syncer == nullptr) return sync(now_unix_ns);
  if (!pending_sync_) submit_sync(now_unix_ns);  // else: the next call tries again
  return IoStatus::ok();
}

void BarLogWriter::submit_sync(std::int64_t now_unix_ns) {
  pending_sync_ = options_.syncer->submit(file_);
  pending_segment_ = segment_number_;
  pending_bytes_ = segment_size_;
  last_sync_ns_ = now_unix_ns;
  dirty_ = false;
}

IoStatus BarLogWriter::collect_sync() {
  if (!pending_sync_ || !pending_sync_->done()) return IoStatus::ok();
  const int err = pending_sync_->error();
  pending_sync_.reset();
  const bool same_segment = file_ && pending_segment_ == segment_number_;
  if (err != 0) {
    // As in sync(): the kernel may have dropped the pages, so nothing more
    // goes into that segment.
    IoStatus status = IoStatus::from_errno(
        "fdatasync", (dir_ / segment_file_name(pending_segment_)).string(), err);
    if (same_segment) {
      abandon_segment();
    } else {
      bump(stats_.errors);
      stats_.ok.store(false, std::memory_order_relaxed);
    }
    return status;
  }
  stats_.ok.store(true, std::memory_order_relaxed);
  bump(stats_.fsyncs);
  if (same_segment) synced_bytes_ = std::max(synced_bytes_, pending_bytes_);
  return IoStatus::ok();
}

IoStatus BarLogWriter::sync(std::int64_t now_unix_ns) {
  if (!file_ || !dirty_) return IoStatus::ok();
  if (::fdatasync(fd()) != 0) {
    const int err = errno;
    // Never retried on the same descriptor: a later fdatasync could report
    // success for pages the kernel already dropped.
    IoStatus status = IoStatus::from_errno("fdatasync", segment_path_.string(), err);
    abandon_segment();
    return status;
  }
  stats_.ok.store(true, std::memory_order_relaxed);
  bump(stats_.fsyncs);
  synced_bytes_ = segment_size_;
  last_sync_ns_ = now_unix_ns;
  dirty_ = false;
  return IoStatus::ok();
}

}  // namespace tickcast::feeds

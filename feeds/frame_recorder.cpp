#include "feeds/frame_recorder.hpp"

#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>

namespace tickcast::feeds {

namespace {

constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
// After a failed open or write, wait this long before trying a new file, so
// a full or read-only disk costs one attempt per interval, not per frame.
constexpr std::int64_t kRetryDelayNs = 10'000'000'000;

std::int64_t day_of(std::int64_t ns) {
  // Floor division: receive times before 1970 (a broken clock) still map to
  // a day rather than to day 0 from both sides.
  return ns >= 0 ? ns / kNsPerDay : -((-ns + kNsPerDay - 1) / kNsPerDay);
}

gzFile as_gz(void* file) {
  return static_cast<gzFile>(file);
}

std::string gz_error_text(void* file) {
  int code = Z_OK;
  const char* text = gzerror(as_gz(file), &code);
  if (code == Z_ERRNO) return std::strerror(errno);
  return text != nullptr ? text : "unknown zlib error";
}

}  // namespace

std::string utc_date(std::int64_t day) {
  const std::chrono::sys_days date{std::chrono::days{day}};
  const std::chrono::year_month_day ymd{date};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

std::unique_ptr<FrameRecorder> FrameRecorder::open(const std::filesystem::path& dir,
                                                   std::string exchange, LogSink log,
                                                   std::string& error) {
  const std::filesystem::path directory = dir / exchange;
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    error =
        "cannot create the frame recording directory " + directory.string() + ": " + ec.message();
    return nullptr;
  }
  // Probe with a real file: permissions, read-only mounts and quotas all
  // show up here rather than at the first frame.
  const std::filesystem::path probe = directory / ".write-probe";
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    if (!out || !(out << "probe") || !out.flush()) {
      error = "cannot write in the frame recording directory " + directory.string() + ": " +
              std::strerror(errno);
      return nullptr;
    }
  }
  std::filesystem::remove(probe, ec);
  return std::unique_ptr<FrameRecorder>(new FrameRecorder(directory, std::move(log)));
}

FrameRecorder::FrameRecorder(std::filesystem::path directory, LogSink log)
    : directory_(std::move(directory)), log_(std::move(log)) {}

FrameRecorder::~FrameRecorder() {
  close();
}

std::filesystem::path FrameRecorder::file_for(std::int64_t receive_ns) const {
  return directory_ / (utc_date(day_of(receive_ns)) + ".frames.gz");
}

void FrameRecorder::record(std::int64_t receive_ns, std::string_view frame) noexcept {
  if (frame.find_first_of("\r\n") != std::string_view::npos) {
    stats_.skipped_frames.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::lock_guard lock(mu_);
  const std::int64_t day = day_of(receive_ns);
  if (!ensure_open(day, receive_ns)) return;

  char prefix[24];
  const int prefix_len =
      std::snprintf(prefix, sizeof prefix, "%lld ", static_cast<long long>(receive_ns));
  gzFile gz = as_gz(file_);
  const bool ok =
      gzwrite(gz, prefix, static_cast<unsigned>(prefix_len)) == prefix_len &&
      (frame.empty() || gzwrite(gz, frame.data(), static_cast<unsigned>(frame.size())) ==
                            static_cast<int>(frame.size())) &&
      gzputc(gz, '\n') == '\n';
  if (!ok) {
    fail("writing " + file_for(receive_ns).string() + ": " + gz_error_text(file_), receive_ns);
    return;
  }
  dirty_ = true;
  stats_.frames.fetch_add(1, std::memory_order_relaxed);
  stats_.bytes.fetch_add(static_cast<std::uint64_t>(prefix_len) + frame.size() + 1,
                         std::memory_order_relaxed);
  // Receive times come from the wall clock, so they double as "now".
  if (receive_ns - last_flush_ns_ >= flush_interval_ns_) flush_locked(receive_ns);
}

bool FrameRecorder::ensure_open(std::int64_t day, std::int64_t receive_ns) {
  if (file_ != nullptr && day == open_day_) return true;
  if (file_ != nullptr) close_locked();  // a new UTC day: rotate
  if (receive_ns < retry_after_ns_) return false;

  const std::filesystem::path path = file_for(receive_ns);
  // "ab": a restart on the same day appends a new gzip member.
  gzFile gz = gzopen(path.c_str(), "ab");
  if (gz == nullptr) {
    retry_after_ns_ = receive_ns + kRetryDelayNs;
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    log_.log(LogLevel::kError, "record",
             "cannot open " + path.string() + ": " + std::strerror(errno) +
                 "; frames are not recorded until it can be opened");
    return false;
  }
  file_ = gz;
  open_day_ = day;
  last_flush_ns_ = receive_ns;
  stats_.files_opened.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void FrameRecorder::flush_locked(std::int64_t now_ns) {
  last_flush_ns_ = now_ns;
  if (file_ == nullptr || !dirty_) return;
  if (gzflush(as_gz(file_), Z_SYNC_FLUSH) != Z_OK) {
    fail("flushing " + directory_.string() + "/" + utc_date(open_day_) +
             ".frames.gz: " + gz_error_text(file_),
         now_ns);
    return;
  }
  dirty_ = false;
}

void FrameRecorder::fail(const std::string& what, std::int64_t now_ns) {
  stats_.errors.fetch_add(1, std::memory_order_relaxed);
  log_.log(LogLevel::kError, "record", what + "; reopening later");
  // Drop the broken stream: whatever zlib still buffers is lost, but what
  // reached the file before the last flush stays readable.
  gzclose(as_gz(file_));
  file_ = nullptr;
  open_day_ = -1;
  retry_after_ns_ = now_ns + kRetryDelayNs;
  dirty_ = false;
}

void FrameRecorder::close_locked() {
  if (file_ == nullptr) return;
  const int rc = gzclose(as_gz(file_));
  file_ = nullptr;
  open_day_ = -1;
  dirty_ = false;
  if (rc != Z_OK) {
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    log_.log(LogLevel::kError, "record",
             "closing a frame recording in " + directory_.string() + " failed (zlib code " +
                 std::to_string(rc) + "); its tail may be lost");
  }
}

void FrameRecorder::close() noexcept {
  std::lock_guard lock(mu_);
  close_locked();
}

}  // namespace tickcast::feeds

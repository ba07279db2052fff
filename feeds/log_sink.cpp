#include "feeds/log_sink.hpp"

namespace tickcast::feeds {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

void RateLimitedLog::log(LogLevel level, std::string_view category, const std::string& message) {
  std::string line;
  {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(category);
    if (it == buckets_.end()) it = buckets_.emplace(std::string(category), Bucket{}).first;
    Bucket& b = it->second;
    const auto now = std::chrono::steady_clock::now();
    if (now - b.window_start >= window_) {
      b.window_start = now;
      b.sent = 0;
    }
    if (b.sent >= burst_) {
      ++b.suppressed;
      ++suppressed_total_;
      return;
    }
    ++b.sent;
    line = message;
    if (b.suppressed > 0) {
      line += " (" + std::to_string(b.suppressed) + " similar messages suppressed)";
      b.suppressed = 0;
    }
  }
  if (sink_) sink_(level, line);
}

std::uint64_t RateLimitedLog::suppressed_total() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

}  // namespace tickcast::feeds

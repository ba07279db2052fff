// How feeds/ logs without a logging library: a callback the daemon wires to
// its logger, and a limiter so a misbehaving exchange (a garbage frame every
// millisecond) costs a few lines a minute, not a flood.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tickcast::feeds {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn, kError };
std::string_view to_string(LogLevel level);

// Receives one finished line; may be called from any network thread, so it
// must be thread-safe. An empty sink discards everything.
using LogSink = std::function<void(LogLevel, std::string_view message)>;

// Passes at most `burst` messages per `category` per `window` to the sink;
// the first message after a window that suppressed some says how many.
// Thread-safe.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(LogSink sink, int burst = 5,
                          std::chrono::steady_clock::duration window = std::chrono::seconds(10))
      : sink_(std::move(sink)), burst_(burst), window_(window) {}

  void log(LogLevel level, std::string_view category, const std::string& message);

  // Messages dropped so far, over all categories.
  std::uint64_t suppressed_total() const;

 private:
  struct Bucket {
    std::chrono::steady_clock::time_point window_start{};
    int sent = 0;
    std::uint64_t suppressed = 0;
  };
  LogSink sink_;
  int burst_;
  std::chrono::steady_clock::duration window_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;
  std::uint64_t suppressed_total_ = 0;
};

}  // namespace tickcast::feeds

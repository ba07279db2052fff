// What the daemon still waits for before it can forecast: /readyz answers
// 200 only when every registered condition is met, and its body lists what is
// missing. Thread-safe: conditions change on pipeline strands, /readyz reads
// them on the network thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace tickcast::daemon {

class Readiness {
 public:
  // Adds a condition that is not met yet; `why` says what is missing
  // ("binance:BTCUSDT: no model yet").
  void require(const std::string& name, std::string why);

  // Marks a condition met, or not met again with a new reason.
  void satisfy(const std::string& name);
  void unsatisfy(const std::string& name, std::string why);

  struct Report {
    bool ready = false;
    std::string text;  // "ready" or one line per unmet condition
  };
  // Ready when at least one condition was registered and all are met.
  [[nodiscard]] Report report() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> unmet_;  // name -> why
  std::size_t registered_ = 0;
};

}  // namespace tickcast::daemon

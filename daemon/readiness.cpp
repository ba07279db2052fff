#include "daemon/readiness.hpp"

namespace tickcast::daemon {

void Readiness::require(const std::string& name, std::string why) {
  std::lock_guard lock(mutex_);
  ++registered_;
  unmet_[name] = std::move(why);
}

void Readiness::satisfy(const std::string& name) {
  std::lock_guard lock(mutex_);
  unmet_.erase(name);
}

void Readiness::unsatisfy(const std::string& name, std::string why) {
  std::lock_guard lock(mutex_);
  unmet_[name] = std::move(why);
}

Readiness::Report Readiness::report() const {
  std::lock_guard lock(mutex_);
  if (registered_ == 0) return {false, "not ready: no symbols are configured ([[feeds]])\n"};
  if (unmet_.empty()) return {true, "ready\n"};
  std::string text = "not ready:\n";
  for (const auto& [name, why] : unmet_) text += "  " + why + "\n";
  return {false, text};
}

}  // namespace tickcast::daemon

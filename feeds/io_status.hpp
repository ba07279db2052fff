// The result of a file operation of the bar log: OK, or a message that names
// the file and the failing call ("open /var/lib/tickcast/...: Permission denied").
#pragma once

#include <string>
#include <utility>

namespace tickcast::feeds {

class [[nodiscard]] IoStatus {
 public:
  static IoStatus ok() { return IoStatus(); }
  static IoStatus error(std::string message) { return IoStatus(std::move(message)); }
  // "<what> <path>: strerror(errno)".
  static IoStatus from_errno(const std::string& what, const std::string& path, int err);

  [[nodiscard]] bool is_ok() const { return message_.empty(); }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  IoStatus() = default;
  explicit IoStatus(std::string message) : message_(std::move(message)) {
    if (message_.empty()) message_ = "unknown error";
  }
  std::string message_;
};

}  // namespace tickcast::feeds

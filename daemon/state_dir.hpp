// The daemon's state directory (daemon.state_dir): created if missing,
// proven writable, and locked so two daemons never share one.
#pragma once

#include <filesystem>
#include <string>

namespace tickcast::daemon {

class StateDir {
 public:
  // Opens (creating if needed) and locks `path`. On failure returns an empty
  // StateDir and sets `error` to one line naming the path and the reason.
  static StateDir open(const std::filesystem::path& path, std::string& error);

  StateDir() = default;
  StateDir(StateDir&& other) noexcept;
  StateDir& operator=(StateDir&& other) noexcept;
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;
  ~StateDir();  // releases the lock

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] bool is_open() const { return lock_fd_ >= 0; }

 private:
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace tickcast::daemon

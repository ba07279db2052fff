#include "daemon/state_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace tickcast::daemon {

StateDir StateDir::open(const std::filesystem::path& path, std::string& error) {
  const std::string where = "state dir " + path.string();
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    error = where + " cannot be created: " + ec.message();
    return {};
  }
  // The LOCK file proves the directory is writable and keeps a second daemon
  // out: flock is released by the kernel when the process dies, even by
  // kill -9, so a stale lock never blocks a restart.
  const std::filesystem::path lock_path = path / "LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = where + " is not writable: " + std::strerror(errno);
    return {};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int saved = errno;
    ::close(fd);
    error =
        where + (saved == EWOULDBLOCK ? " is in use by another tickcast process"
                                      : " cannot be locked: " + std::string(std::strerror(saved)));
    return {};
  }
  // Also prove we can create files, not just open an existing LOCK.
  const std::filesystem::path probe = path / ".write-test";
  int probe_fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (probe_fd < 0) {
    error = where + " is not writable: " + std::strerror(errno);
    ::close(fd);
    return {};
  }
  ::close(probe_fd);
  ::unlink(probe.c_str());

  StateDir dir;
  dir.path_ = path;
  dir.lock_fd_ = fd;
  return dir;
}

StateDir::StateDir(StateDir&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

StateDir& StateDir::operator=(StateDir&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

StateDir::~StateDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace tickcast::daemon

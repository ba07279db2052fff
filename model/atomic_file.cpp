#include "model/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tickcast::model {
namespace {

std::string os_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

// Closes the descriptor on every path out of write_file_atomically.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Unique per process, so two writers never share a temp file.
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());

  std::string error;
  {
    Fd file{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (file.fd < 0) return os_error("create", tmp);
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0 && error.empty()) {
      const ssize_t n = ::write(file.fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = os_error("write", tmp);
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (error.empty() && ::fsync(file.fd) != 0) error = os_error("fsync", tmp);
    if (error.empty()) {
      const int fd = file.fd;
      file.fd = -1;
      if (::close(fd) != 0) error = os_error("close", tmp);
    }
  }
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = os_error("rename to " + path.string() + " from", tmp);
  }
  if (!error.empty()) {
    ::unlink(tmp.c_str());
    return error;
  }
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return os_error("open directory", dir);
  if (::fsync(d.fd) != 0) return os_error("fsync directory", dir);
  return "";
}

}  // namespace tickcast::model

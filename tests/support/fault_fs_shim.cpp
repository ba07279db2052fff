// A test-only LD_PRELOAD library that makes file operations under one
// directory fail on demand, so tests can give the real daemon a full disk, a
// failing fsync or a read-only state dir without root, tmpfs or loop devices.
//
//   TICKCAST_FAULT_PATH=/tmp/x/state       only paths under this prefix fail
//   TICKCAST_FAULT_CONTROL=/tmp/x/fault    while this file exists, it says
//                                          which error and which operations:
//     "ENOSPC write fsync"                 a full disk
//     "EIO fsync"                          fsync/fdatasync failing
//     "EROFS open write fsync rename mkdir unlink"   a read-only file system
//
// Operations: open (only opens that may write: O_WRONLY, O_RDWR, O_CREAT,
// O_TRUNC), write (write, pwrite, pwritev, writev), fsync (fsync,
// fdatasync), rename, mkdir, unlink. Errors: ENOSPC, EIO, EROFS, EDQUOT,
// EACCES. The control file is read on every intercepted call (tests flip the
// fault on and off while the daemon runs); it and everything else go through
// raw system calls so the shim never calls itself. Descriptor operations find
// their path through /proc/self/fd. Without both variables the shim only
// forwards.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

enum Op : unsigned { kOpen = 1, kWrite = 2, kFsync = 4, kRename = 8, kMkdir = 16, kUnlink = 32 };

struct Fault {
  int error = 0;  // 0: no fault now
  unsigned ops = 0;
};

long raw_open(const char* path, int flags) {
  return ::syscall(SYS_openat, AT_FDCWD, path, flags, 0);
}

// getenv(name), remembered once it is set. Not remembered while unset: a
// sanitizer runtime writing its log (ASAN_OPTIONS=log_path) makes its first
// intercepted calls before the environment is readable, and a null cached
// then would turn the shim off for good.
const char* env_once(const char* name, const char*& cache) {
  if (cache == nullptr) cache = std::getenv(name);
  return cache;
}
const char* control_file() {
  static const char* cache = nullptr;
  return env_once("TICKCAST_FAULT_CONTROL", cache);
}
const char* fault_prefix() {
  static const char* cache = nullptr;
  return env_once("TICKCAST_FAULT_PATH", cache);
}

// Reads the control file; no file (or no variables) means no fault.
Fault current_fault() {
  const char* control = control_file();
  const char* prefix = fault_prefix();
  Fault fault;
  if (control == nullptr || prefix == nullptr) return fault;
  const long fd = raw_open(control, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fault;
  char text[256] = {};
  const long n = ::syscall(SYS_read, fd, text, sizeof text - 1);
  ::syscall(SYS_close, fd);
  if (n <= 0) return fault;
  std::string_view rest(text, static_cast<std::size_t>(n));
  bool first = true;
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \t\r\n,");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = std::min(rest.find_first_of(" \t\r\n,"), rest.size());
    const std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end);
    if (first) {
      first = false;
      if (word == "ENOSPC") fault.error = ENOSPC;
      if (word == "EIO") fault.error = EIO;
      if (word == "EROFS") fault.error = EROFS;
      if (word == "EDQUOT") fault.error = EDQUOT;
      if (word == "EACCES") fault.error = EACCES;
      continue;
    }
    if (word == "open") fault.ops |= kOpen;
    if (word == "write") fault.ops |= kWrite;
    if (word == "fsync") fault.ops |= kFsync;
    if (word == "rename") fault.ops |= kRename;
    if (word == "mkdir") fault.ops |= kMkdir;
    if (word == "unlink") fault.ops |= kUnlink;
  }
  return fault;
}

bool under_prefix(const char* path) {
  const char* prefix = fault_prefix();
  if (path == nullptr || prefix == nullptr) return false;
  char absolute[4096];
  if (path[0] != '/') {
    if (::syscall(SYS_getcwd, absolute, sizeof absolute - 1) < 0) return false;
    const std::size_t used = std::strlen(absolute);
    if (used + 1 + std::strlen(path) >= sizeof absolute) return false;
    absolute[used] = '/';
    std::strcpy(absolute + used + 1, path);
    path = absolute;
  }
  const std::size_t length = std::strlen(prefix);
  return std::strncmp(path, prefix, length) == 0 && (path[length] == '\0' || path[length] == '/');
}

bool fd_under_prefix(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const long n = ::syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
  if (n <= 0) return false;
  target[n] = '\0';
  return under_prefix(target);
}

// Sets errno and returns true when `op` on `path` must fail now.
bool fail_path(unsigned op, const char* path) {
  const Fault fault = current_fault();
  if (fault.error == 0 || (fault.ops & op) == 0 || !under_prefix(path)) return false;
  errno = fault.error;
  return true;
}

bool fail_fd(unsigned op, int fd) {
  const Fault fault = current_fault();
  if (fault.error == 0 || (fault.ops & op) == 0 || !fd_under_prefix(fd)) return false;
  errno = fault.error;
  return true;
}

bool may_write(int flags) {
  return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  static auto real = next<int (*)(const char*, int, ...)>("open");
  mode_t mode = 0;
  if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, unsigned));
    va_end(args);
  }
  if (may_write(flags) && fail_path(kOpen, path)) return -1;
  return real(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  static auto real = next<int (*)(const char*, int, ...)>("open64");
  mode_t mode = 0;
  if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, unsigned));
    va_end(args);
  }
  if (may_write(flags) && fail_path(kOpen, path)) return -1;
  return real(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  static auto real = next<int (*)(int, const char*, int, ...)>("openat");
  mode_t mode = 0;
  if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
    va_list args;
    va_start(args, flags);
    mode = static_cast<mode_t>(va_arg(args, unsigned));
    va_end(args);
  }
  if (may_write(flags) && (dirfd == AT_FDCWD || path[0] == '/') && fail_path(kOpen, path)) {
    return -1;
  }
  return real(dirfd, path, flags, mode);
}

ssize_t write(int fd, const void* data, size_t size) {
  static auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
  if (fd > 2 && fail_fd(kWrite, fd)) return -1;
  return real(fd, data, size);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  if (fail_fd(kWrite, fd)) return -1;
  return real(fd, data, size, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t size, off_t offset) {
  static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
  if (fail_fd(kWrite, fd)) return -1;
  return real(fd, data, size, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static auto real = next<ssize_t (*)(int, const struct iovec*, int)>("writev");
  if (fd > 2 && fail_fd(kWrite, fd)) return -1;
  return real(fd, iov, count);
}

int fsync(int fd) {
  static auto real = next<int (*)(int)>("fsync");
  if (fail_fd(kFsync, fd)) return -1;
  return real(fd);
}

int fdatasync(int fd) {
  static auto real = next<int (*)(int)>("fdatasync");
  if (fail_fd(kFsync, fd)) return -1;
  return real(fd);
}

int rename(const char* from, const char* to) {
  static auto real = next<int (*)(const char*, const char*)>("rename");
  if (fail_path(kRename, to) || fail_path(kRename, from)) return -1;
  return real(from, to);
}

int mkdir(const char* path, mode_t mode) {
  static auto real = next<int (*)(const char*, mode_t)>("mkdir");
  if (fail_path(kMkdir, path)) return -1;
  return real(path, mode);
}

int unlink(const char* path) {
  static auto real = next<int (*)(const char*)>("unlink");
  if (fail_path(kUnlink, path)) return -1;
  return real(path);
}

}  // extern "C"

// Runs fdatasync(2) on a thread of its own.
//
// Why: the daemon's network threads also run every symbol's strand, and a
// bar log's interval sync used to block there. One fdatasync costs about a
// millisecond on an ordinary disk, so with a thousand symbols on 1 s bars
// the network thread spent half of its time waiting for the disk (measured
// in bench/e2e; docs/performance.md). A writer hands its interval syncs to
// a FileSyncer instead and learns the outcome from a ticket on a later call.
//
// Thread-safe. Syncs run one at a time in submission order.
#pragma once

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace tickcast::feeds {

// An open file descriptor, closed when its last owner lets go of it.
//
// Why shared: a writer and the syncer both hold the file while a sync is
// queued, so the writer may rotate to a new file meanwhile without the sync
// losing its descriptor. Sharing the writer's own descriptor (rather than a
// dup per sync) keeps the daemon's descriptor count at one per open file,
// whatever the syncer's queue holds.
class SharedFd {
 public:
  // Takes ownership of `fd`.
  explicit SharedFd(int fd) : fd_(fd) {}
  ~SharedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  SharedFd(const SharedFd&) = delete;
  SharedFd& operator=(const SharedFd&) = delete;

  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// The outcome of one submitted sync.
class SyncTicket {
 public:
  // True once the sync has run (whatever its result).
  [[nodiscard]] bool done() const { return done_.load(std::memory_order_acquire); }
  // 0 when fdatasync succeeded, else its errno. REQUIRES: done().
  [[nodiscard]] int error() const { return error_; }

 private:
  friend class FileSyncer;
  std::atomic<bool> done_{false};
  int error_ = 0;
};

class FileSyncer {
 public:
  FileSyncer();
  // Runs every sync already submitted, then stops the thread.
  ~FileSyncer();

  FileSyncer(const FileSyncer&) = delete;
  FileSyncer& operator=(const FileSyncer&) = delete;

  // Syncs `file` with fdatasync(2) on the syncer's thread, holding a
  // reference until then, so the caller may drop its own meanwhile. Never
  // waits for the disk.
  std::shared_ptr<const SyncTicket> submit(std::shared_ptr<const SharedFd> file);

 private:
  struct Job {
    std::shared_ptr<const SharedFd> file;
    std::shared_ptr<SyncTicket> ticket;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace tickcast::feeds

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

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace tickcast::feeds {

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

  // Takes ownership of `fd`: syncs it with fdatasync(2) on the syncer's
  // thread, then closes it. Pass a descriptor of your own (dup of the file's)
  // so the file can be rotated or closed meanwhile; the sync still reaches
  // the file's data. Never waits for the disk.
  std::shared_ptr<const SyncTicket> submit(int fd);

 private:
  struct Job {
    int fd;
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

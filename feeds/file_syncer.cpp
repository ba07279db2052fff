#include "feeds/file_syncer.hpp"

#include <unistd.h>

#include <cerrno>

namespace tickcast::feeds {

FileSyncer::FileSyncer() : thread_([this] { run(); }) {}

FileSyncer::~FileSyncer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::shared_ptr<const SyncTicket> FileSyncer::submit(int fd) {
  auto ticket = std::make_shared<SyncTicket>();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({fd, ticket});
  }
  wake_.notify_one();
  return ticket;
}

void FileSyncer::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to sync
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const int rc = ::fdatasync(job.fd);
    job.ticket->error_ = rc == 0 ? 0 : errno;
    ::close(job.fd);
    job.ticket->done_.store(true, std::memory_order_release);
  }
}

}  // namespace tickcast::feeds

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

std::shared_ptr<const SyncTicket> FileSyncer::submit(std::shared_ptr<const SharedFd> file) {
  auto ticket = std::make_shared<SyncTicket>();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(file), ticket});
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
    const int rc = ::fdatasync(job.file->get());
    job.ticket->error_ = rc == 0 ? 0 : errno;
    job.file.reset();  // closes it here if the writer has let go already
    job.ticket->done_.store(true, std::memory_order_release);
  }
}

}  // namespace tickcast::feeds

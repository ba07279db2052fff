#include "daemon/training_pool.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace tickcast::daemon {

namespace {

// Linux applies setpriority(PRIO_PROCESS, tid) to one thread only. Failing is
// harmless (e.g. a sandbox forbids it): training then competes at the
// daemon's own priority.
constexpr int kTrainingNice = 10;

void lower_this_thread_priority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, kTrainingNice);
}

}  // namespace

TrainingPool::TrainingPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] { run_thread(); });
  }
}

TrainingPool::~TrainingPool() {
  stop();
  for (std::thread& t : threads_) t.join();
}

bool TrainingPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void TrainingPool::stop(Queued queued) {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) finish_queued_ = queued == Queued::kFinish;
    stopping_ = true;
    if (!finish_queued_) dropped.swap(queue_);
  }
  wake_.notify_all();
  // `dropped` is destroyed here, outside the lock: a job's destructor may
  // post to a strand.
}

std::size_t TrainingPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t TrainingPool::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

void TrainingPool::run_thread() {
  lower_this_thread_priority();
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() || (stopping_ && !finish_queued_)) return;
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    --running_;
  }
}

}  // namespace tickcast::daemon

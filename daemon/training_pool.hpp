// The threads that run retrain jobs (daemon.train_threads), apart from the
// network threads so that a forecast never waits for training.
//
// Jobs run at a lower OS priority (nice +10 on each pool thread) so that on
// a busy machine the network threads win the CPU. A job is any callable; it
// carries its own cancellation (RetrainControl) and posts its result back to
// the strand that asked for it. Jobs start in submission order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tickcast::daemon {

class TrainingPool {
 public:
  // Starts `threads` threads (>= 1).
  explicit TrainingPool(int threads);
  // stop() (dropping queued jobs unless stop(kFinish) came first) and join.
  ~TrainingPool();

  TrainingPool(const TrainingPool&) = delete;
  TrainingPool& operator=(const TrainingPool&) = delete;

  // Queues a job. Returns false (and drops it) after stop().
  bool submit(std::function<void()> job);

  // Stops taking jobs. kDropQueued destroys the queued jobs without running
  // them (training: their owners have cancelled them anyway); kFinishQueued
  // lets the threads run every queued job first (checkpoint writes). Jobs
  // already running always finish. Idempotent; the destructor joins.
  enum class Queued { kDrop, kFinish };
  void stop(Queued queued = Queued::kDrop);

  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::size_t running() const;

 private:
  void run_thread();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  bool finish_queued_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tickcast::daemon

#include "daemon/bar_log_opener.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "feeds/bar_log_paths.hpp"

namespace tickcast::daemon {

bool open_bar_logs(const std::filesystem::path& state_dir, const std::vector<BarLogToOpen>& logs,
                   const feeds::BarLogOptions& options, std::int64_t now_unix_ns,
                   std::size_t threads, std::vector<std::unique_ptr<feeds::BarLogWriter>>& out,
                   std::string& error) {
  std::vector<std::unique_ptr<feeds::BarLogWriter>> writers(logs.size());
  std::vector<feeds::IoStatus> statuses(logs.size(), feeds::IoStatus::ok());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < logs.size(); i = next++) {
      const BarLogToOpen& log = logs[i];
      statuses[i] =
          feeds::BarLogWriter::open(feeds::bar_log_dir(state_dir, log.exchange, log.symbol),
                                    log.exchange, log.symbol, options, now_unix_ns, writers[i]);
    }
  };
  std::vector<std::thread> pool;
  const std::size_t extra = std::min(threads, logs.size());
  for (std::size_t t = 1; t < extra; ++t) pool.emplace_back(work);
  work();  // this thread is one of them
  for (std::thread& thread : pool) thread.join();

  out.clear();
  for (std::size_t i = 0; i < logs.size(); ++i) {
    if (!statuses[i].is_ok()) {
      error = logs[i].exchange + ":" + logs[i].symbol +
              ": opening the bar log: " + statuses[i].message();
      return false;
    }
  }
  out = std::move(writers);
  return true;
}

}  // namespace tickcast::daemon

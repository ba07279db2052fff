#include "feeds/bar_history.hpp"

#include "feeds/bar_log_paths.hpp"

namespace tickcast::feeds {

IoStatus load_bar_history(const std::filesystem::path& state_dir, std::string_view exchange,
                          std::string_view symbol, std::int64_t interval_ns,
                          const BarLogReporter& reporter, BarHistory& out) {
  out = BarHistory{};
  std::vector<Bar> records;
  IoStatus status =
      read_bar_log(bar_log_dir(state_dir, exchange, symbol), reporter, records, out.stats);
  if (!status.is_ok()) return status;
  const std::vector<Bar> latest = latest_revisions(records);
  if (latest.empty()) return IoStatus::ok();
  out.next_sequence = latest.back().sequence + 1;
  if (latest.back().interval_ns == interval_ns) out.resume_from = latest.back();
  for (const Bar& bar : latest) {
    if (bar.interval_ns == interval_ns) out.bars.push_back(bar);
  }
  return IoStatus::ok();
}

}  // namespace tickcast::feeds

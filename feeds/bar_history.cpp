#include "feeds/bar_history.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

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

IoStatus load_recent_bars(const std::filesystem::path& state_dir, std::string_view exchange,
                          std::string_view symbol, std::int64_t interval_ns,
                          std::uint64_t up_to_sequence, std::size_t count,
                          const BarLogReporter& reporter, std::vector<Bar>& out,
                          BarLogReadStats& stats) {
  out.clear();
  if (count == 0) return IoStatus::ok();
  // A bar's first close (revision 0) is appended in sequence order (a new
  // series after an interval change continues past the highest sequence),
  // and its revisions come after it, perhaps segments later. So every record
  // of the segments not yet read has a sequence below the lowest first close
  // read so far: once `count` bars at or above that are kept, the rest cannot
  // change the answer. Within a segment a revision is read after its bar;
  // across segments the newer record is read first and kept.
  struct Kept {
    Bar bar;
    std::size_t segment;  // 0 for the newest segment
  };
  std::map<std::uint64_t, Kept> newest;  // at most `count`, the highest sequences
  std::uint64_t lowest_first_close = std::numeric_limits<std::uint64_t>::max();
  const auto complete = [&] {
    return newest.size() == count && newest.begin()->first >= lowest_first_close;
  };
  const std::vector<std::filesystem::path> segments =
      list_bar_log_segments(bar_log_dir(state_dir, exchange, symbol));
  for (std::size_t age = 0; age < segments.size() && !complete(); ++age) {
    const auto keep = [&](Bar&& bar) {
      if (bar.revision == 0) lowest_first_close = std::min(lowest_first_close, bar.sequence);
      if (bar.interval_ns != interval_ns || bar.sequence > up_to_sequence) return;
      const auto found = newest.find(bar.sequence);
      if (found != newest.end()) {
        Kept& kept = found->second;
        // Within a segment the later record wins a tie, as in
        // latest_revisions(); a newer segment's record wins over an older's.
        if (kept.segment == age ? bar.revision >= kept.bar.revision
                                : bar.revision > kept.bar.revision) {
          kept = Kept{std::move(bar), age};
        }
        return;
      }
      if (newest.size() == count) {
        if (bar.sequence < newest.begin()->first) return;
        newest.erase(newest.begin());
      }
      newest.emplace(bar.sequence, Kept{std::move(bar), age});
    };
    IoStatus status =
        for_each_bar_in_segment(segments[segments.size() - 1 - age], reporter, keep, stats);
    if (!status.is_ok()) return status;
  }
  out.reserve(newest.size());
  for (auto& [sequence, kept] : newest) out.push_back(std::move(kept.bar));
  return IoStatus::ok();
}

}  // namespace tickcast::feeds

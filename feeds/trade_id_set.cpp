#include "feeds/trade_id_set.hpp"

#include <algorithm>

namespace tickcast::feeds {

namespace {

// The first range that starts after `id`.
auto first_after(std::vector<TradeIdSet::Range>& ranges, std::uint64_t id) {
  return std::upper_bound(
      ranges.begin(), ranges.end(), id,
      [](std::uint64_t value, const TradeIdSet::Range& r) { return value < r.first; });
}

}  // namespace

bool TradeIdSet::contains(std::uint64_t id) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), id,
                             [](std::uint64_t value, const Range& r) { return value < r.first; });
  return it != ranges_.begin() && std::prev(it)->last >= id;
}

bool TradeIdSet::insert_slow(std::uint64_t id) {
  auto next = first_after(ranges_, id);
  const bool has_prev = next != ranges_.begin();
  if (has_prev && std::prev(next)->last >= id) return false;  // duplicate
  const bool joins_prev = has_prev && std::prev(next)->last + 1 == id;
  const bool joins_next = next != ranges_.end() && next->first == id + 1;
  if (joins_prev && joins_next) {
    std::prev(next)->last = next->last;
    ranges_.erase(next);
  } else if (joins_prev) {
    std::prev(next)->last = id;
  } else if (joins_next) {
    next->first = id;
  } else {
    ranges_.insert(next, Range{id, id});
  }
  return true;
}

bool TradeIdSet::insert_range_slow(std::uint64_t first, std::uint64_t last) {
  auto next = first_after(ranges_, last);  // every range before it starts <= last
  if (next != ranges_.begin() && std::prev(next)->last >= first) return false;  // overlap
  // No range touches [first, last]; join the neighbours that are adjacent.
  const bool joins_prev = next != ranges_.begin() && std::prev(next)->last + 1 == first;
  const bool joins_next = next != ranges_.end() && next->first == last + 1;
  if (joins_prev && joins_next) {
    std::prev(next)->last = next->last;
    ranges_.erase(next);
  } else if (joins_prev) {
    std::prev(next)->last = last;
  } else if (joins_next) {
    next->first = first;
  } else {
    ranges_.insert(next, Range{first, last});
  }
  return true;
}

}  // namespace tickcast::feeds

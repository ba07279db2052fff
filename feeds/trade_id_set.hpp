// The set of trade ids one bar has counted, kept as sorted closed ranges.
//
// Exchanges that number their trades 1, 2, 3, ... deliver them almost in
// order, so a bar's ids are nearly always one range and an insert extends the
// last range in O(1). Out-of-order ids are merged in with a binary search.
// The ranges answer two questions the resampler asks: "was this id counted
// already?" (duplicates never count twice) and "are ids missing inside this
// bar?" (a hole means trades were lost, and the bar is a gap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tickcast::feeds {

class TradeIdSet {
 public:
  struct Range {
    std::uint64_t first;  // inclusive
    std::uint64_t last;   // inclusive
  };

  // Adds `id`. Returns false (and changes nothing) when it was already present.
  [[nodiscard]] bool insert(std::uint64_t id) {
    if (!ranges_.empty()) {
      Range& back = ranges_.back();
      if (id == back.last + 1) {  // the common case: the next id in order
        back.last = id;
        return true;
      }
      if (id <= back.last) return insert_slow(id);
    }
    ranges_.push_back({id, id});
    return true;
  }

  // Adds the ids first..last (an aggregated trade stands for several of the
  // exchange's trades). Returns false (and changes nothing) when any of them
  // was already present. REQUIRES: first <= last.
  [[nodiscard]] bool insert_range(std::uint64_t first, std::uint64_t last) {
    if (first == last) return insert(first);
    if (!ranges_.empty() && first == ranges_.back().last + 1) {
      ranges_.back().last = last;
      return true;
    }
    return insert_range_slow(first, last);
  }

  [[nodiscard]] bool contains(std::uint64_t id) const;
  [[nodiscard]] bool empty() const { return ranges_.empty(); }
  // REQUIRES: !empty().
  [[nodiscard]] std::uint64_t min() const { return ranges_.front().first; }
  [[nodiscard]] std::uint64_t max() const { return ranges_.back().last; }
  // True when some id between min() and max() is absent.
  [[nodiscard]] bool has_holes() const { return ranges_.size() > 1; }
  [[nodiscard]] std::size_t range_count() const { return ranges_.size(); }

  // Empties the set and keeps its memory for the next bar.
  void clear() { ranges_.clear(); }

 private:
  bool insert_slow(std::uint64_t id);
  bool insert_range_slow(std::uint64_t first, std::uint64_t last);

  std::vector<Range> ranges_;
};

}  // namespace tickcast::feeds

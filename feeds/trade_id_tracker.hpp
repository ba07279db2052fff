// Trade-id continuity per symbol, across every connection of one feed.
//
// Remembers the highest id delivered per symbol. With kConsecutive ids, a
// trade whose first id is beyond highest + 1 reveals a gap (the ids between
// were never seen: an outage or a lost frame); with kConsecutive or
// kIncreasing ids, a trade whose last id is not above the highest is a
// duplicate -- replayed after a reconnect, or delivered by both connections
// during a rotation -- and must not be counted twice. An aggregated trade
// (first_trade_id..trade_id) that overlaps partly is new.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "feeds/dialect.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

class TradeIdTracker {
 public:
  explicit TradeIdTracker(IdContinuity continuity) : continuity_(continuity) {}

  struct Verdict {
    bool duplicate = false;
    std::uint64_t missing_ids = 0;  // > 0: a gap of this many ids before the trade
  };

  // Records `t` and says whether it is new. Trades with id 0 (no usable id)
  // are always new.
  Verdict observe(const Trade& t);

 private:
  IdContinuity continuity_;
  std::map<std::string, std::uint64_t, std::less<>> highest_;
};

}  // namespace tickcast::feeds

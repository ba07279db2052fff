#include "feeds/trade_id_tracker.hpp"

namespace tickcast::feeds {

TradeIdTracker::Verdict TradeIdTracker::observe(const Trade& t) {
  Verdict v;
  if (continuity_ == IdContinuity::kNone || t.trade_id == 0) return v;
  const std::uint64_t first =
      t.first_trade_id != 0 && t.first_trade_id <= t.trade_id ? t.first_trade_id : t.trade_id;
  auto it = highest_.find(t.symbol);
  if (it == highest_.end()) {
    highest_.emplace(t.symbol, t.trade_id);
    return v;
  }
  std::uint64_t& highest = it->second;
  if (t.trade_id <= highest) {
    v.duplicate = true;
    return v;
  }
  if (continuity_ == IdContinuity::kConsecutive && first > highest + 1) {
    v.missing_ids = first - highest - 1;
  }
  highest = t.trade_id;
  return v;
}

}  // namespace tickcast::feeds

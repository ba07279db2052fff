// Accumulates the trades of one bucket into the numbers of a Bar.
//
// Trades may arrive in any order: open and close follow trade time, ties
// broken by trade id, so the result does not depend on arrival order (the
// sums do, in their last bits, as floating-point sums always do). The caller
// decides duplicates (see TradeIdSet) before calling add().
#pragma once

#include <cstdint>

#include "feeds/market.hpp"
#include "feeds/trade_id_set.hpp"

namespace tickcast::feeds {

// The exchange's first trade id covered by `trade`: an aggregated trade
// (Trade::first_trade_id set) stands for first_trade_id..trade_id.
template <class T>
constexpr std::uint64_t first_id_of(const T& trade) {
  if constexpr (requires { trade.first_trade_id; }) {
    if (trade.first_trade_id != 0 && trade.first_trade_id < trade.trade_id) {
      return trade.first_trade_id;
    }
  }
  return trade.trade_id;
}

class BarBuilder {
 public:
  // Starts bucket `index` afresh, keeping allocated memory.
  void reset(std::int64_t index) {
    index_ = index;
    count_ = 0;
    volume_ = quote_volume_ = buy_volume_ = sell_volume_ = 0;
    ids_.clear();
  }

  void add(const Trade& trade) {
    const std::int64_t t = trade.exchange_time_ns;
    const std::uint64_t id = trade.trade_id;
    if (count_ == 0) {
      open_ = high_ = low_ = close_ = trade.price;
      first_time_ = last_time_ = t;
      first_id_ = last_id_ = id;
      first_covered_id_ = first_id_of(trade);
    } else {
      if (trade.price > high_) high_ = trade.price;
      if (trade.price < low_) low_ = trade.price;
      if (t < first_time_ || (t == first_time_ && id < first_id_)) {
        open_ = trade.price;
        first_time_ = t;
        first_id_ = id;
        first_covered_id_ = first_id_of(trade);
      }
      if (t > last_time_ || (t == last_time_ && id > last_id_)) {
        close_ = trade.price;
        last_time_ = t;
        last_id_ = id;
      }
    }
    ++count_;
    volume_ += trade.qty;
    quote_volume_ += trade.price * trade.qty;
    (trade.side == Side::kBuy ? buy_volume_ : sell_volume_) += trade.qty;
  }

  [[nodiscard]] std::int64_t index() const { return index_; }
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::int64_t last_time() const { return last_time_; }
  TradeIdSet& ids() { return ids_; }
  [[nodiscard]] const TradeIdSet& ids() const { return ids_; }

  // Writes every numeric field of `bar` except sequence, status and revision.
  // An empty bucket gets open = high = low = close = vwap = `previous_close`,
  // zero volumes, and zero trade times and ids.
  void fill(std::int64_t interval_ns, double previous_close, Bar& bar) const;

 private:
  std::int64_t index_ = 0;
  std::uint64_t count_ = 0;
  double open_ = 0, high_ = 0, low_ = 0, close_ = 0;
  double volume_ = 0, quote_volume_ = 0, buy_volume_ = 0, sell_volume_ = 0;
  std::int64_t first_time_ = 0, last_time_ = 0;
  std::uint64_t first_id_ = 0, last_id_ = 0;
  std::uint64_t first_covered_id_ = 0;  // first id the first trade stands for
  TradeIdSet ids_;
};

}  // namespace tickcast::feeds

#include "feeds/bar_builder.hpp"

namespace tickcast::feeds {

void BarBuilder::fill(std::int64_t interval_ns, double previous_close, Bar& bar) const {
  bar.interval_ns = interval_ns;
  bar.start_ns = index_ * interval_ns;
  bar.end_ns = bar.start_ns + interval_ns;
  bar.trade_count = count_;
  if (count_ == 0) {
    bar.open = bar.high = bar.low = bar.close = bar.vwap = previous_close;
    bar.volume = bar.quote_volume = bar.buy_volume = bar.sell_volume = 0;
    bar.first_trade_time_ns = bar.last_trade_time_ns = 0;
    bar.first_trade_id = bar.last_trade_id = 0;
    return;
  }
  bar.open = open_;
  bar.high = high_;
  bar.low = low_;
  bar.close = close_;
  bar.volume = volume_;
  bar.quote_volume = quote_volume_;
  bar.buy_volume = buy_volume_;
  bar.sell_volume = sell_volume_;
  // A bar of zero-size trades has no volume to weight by; its close is the
  // best single price.
  bar.vwap = volume_ > 0 ? quote_volume_ / volume_ : close_;
  bar.first_trade_time_ns = first_time_;
  bar.last_trade_time_ns = last_time_;
  bar.first_trade_id = first_covered_id_;
  bar.last_trade_id = last_id_;
}

}  // namespace tickcast::feeds

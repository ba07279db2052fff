#include "feeds/price_band.hpp"

#include <cmath>

namespace tickcast::feeds {

PriceBand::PriceBand(double max_ratio, int confirm_trades)
    : max_ratio_(max_ratio), confirm_trades_(confirm_trades < 1 ? 1 : confirm_trades) {
  held_.reserve(confirm_trades_);
}

void PriceBand::anchor(double price) {
  if (price > 0 && std::isfinite(price)) anchor_ = price;
}

PriceBand::Verdict PriceBand::check(const Trade& trade) {
  if (release_) {
    held_.clear();
    release_ = false;
  }
  const double price = trade.price;
  if (max_ratio_ <= 0 || anchor_ <= 0 || within(price, anchor_)) {
    anchor(price);
    held_.clear();
    return Verdict::kInBand;
  }
  // The trades held so far must agree with each other, not merely all be far
  // from the anchor: 1e300 and 1e-300 alternating prove nothing.
  if (!held_.empty() && !within(price, held_.front().price)) held_.clear();
  // The same print sent again (a resent frame) is no second opinion.
  if (!held_.empty() && trade.trade_id != 0 && trade.trade_id == held_.back().trade_id) {
    return Verdict::kOutlier;
  }
  held_.push_back(trade);
  if (held_.size() < confirm_trades_) return Verdict::kOutlier;
  anchor(price);
  release_ = true;
  return Verdict::kReanchored;
}

}  // namespace tickcast::feeds

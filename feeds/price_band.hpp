// Refuses trades priced absurdly far from a symbol's recent price, and
// follows the price when it really does move that far.
//
// A decoder can only check that a price is a positive, finite number; 1e300
// passes. One such print would become a bar's high, a log return of hundreds
// into the model's features, and a forecast nobody can use. The band is
// relative: a trade is in band when
//     anchor / max_ratio <= price <= anchor * max_ratio,
// where the anchor is the price of the last trade in band (or the close the
// series resumed from). A trade out of band is refused and held.
//
// A real move larger than the band (a redenomination, a listing, a crash on a
// thin book) must not be refused forever, so the band re-anchors: when
// `confirm_trades` trades in a row are out of band and each is within the band
// of the first of them, they are the new price. check() then says
// kReanchored and held() gives them, in arrival order, so the caller can
// admit them after all: nothing of a real move is lost. A trade in band in
// between clears the held trades: the outliers were bad prints among good
// ones.
//
// The first trade of a series with no anchor is taken as it is; if it was the
// bad print, the real price re-anchors the band after confirm_trades trades.
//
// Not thread-safe; one per symbol, on that symbol's strand. Holds at most
// confirm_trades trades.
#pragma once

#include <span>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::feeds {

class PriceBand {
 public:
  enum class Verdict : std::uint8_t {
    kInBand,      // take the trade
    kOutlier,     // refuse it (it is held in case it starts a new level)
    kReanchored,  // the band moved: take held(), which ends with this trade
  };

  // max_ratio 0 disables the band (every trade is in band).
  // REQUIRES: max_ratio == 0 or max_ratio > 1; confirm_trades >= 1.
  PriceBand(double max_ratio, int confirm_trades);

  // Sets the anchor, e.g. to the close a series resumes from (ignored unless
  // positive and finite).
  void anchor(double price);

  Verdict check(const Trade& trade);

  // The trades that moved the band, oldest first; valid after kReanchored
  // until the next check().
  [[nodiscard]] std::span<const Trade> held() const { return held_; }

  // 0 before the first trade.
  [[nodiscard]] double anchor_price() const { return anchor_; }

 private:
  [[nodiscard]] bool within(double price, double reference) const {
    return price <= reference * max_ratio_ && price * max_ratio_ >= reference;
  }

  double max_ratio_;
  std::size_t confirm_trades_;
  double anchor_ = 0;
  std::vector<Trade> held_;  // out-of-band trades agreeing with held_.front()
  bool release_ = false;     // held_ was handed out: clear it on the next check
};

}  // namespace tickcast::feeds

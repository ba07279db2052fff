// Turns one symbol's trades into fixed-interval bars by exchange time.
//
// Buckets are [k * interval, (k + 1) * interval) of exchange trade time,
// aligned to the Unix epoch. A bar closes when the watermark reaches its end.
// The watermark only moves forward and is the larger of
//   - the newest exchange time seen, minus allowed_lateness, and
//   - the caller's local clock plus the measured exchange-to-local offset,
//     minus allowed_lateness (advance()), so a quiet market still gets its
//     bars on time and a local clock that lags does not close them early.
// The offset is measured from the trades themselves: the largest
// (exchange_time - receive_time) over the last 1-2 offset windows, i.e. the
// trade that travelled fastest.
//
// Every bucket from the first bar on is emitted exactly once, in order, with
// a per-symbol sequence number that has no holes:
//   traded  trades fell in it, and nothing says any are missing;
//   quiet   the feed was up and nobody traded: OHLC = previous close, no volume;
//   gap     the bar may be incomplete: it began before the first trade seen
//           after start, resume_after() or on_feed_up(); or it closed while the
//           feed was down; or (consecutive ids) its ids have a hole, or its
//           lowest id is more than one above every id known before it.
//           A gap bar keeps whatever trades it has; an empty one is priced
//           like a quiet bar.
// Within an open bar, arrival order does not matter: open/close follow trade
// time, ties by trade id, and an id already counted is ignored. An aggregated
// trade (Trade::first_trade_id..trade_id) counts for all the ids it covers;
// it is a duplicate if any of them was counted, and Bar::first_trade_id is
// the first id the bar's first trade covers.
// A trade stamped more than max_future_ns ahead of its own receive time and
// more than max_future_ns after the newest trade accepted so far is refused
// (kFutureTime, counted): it is dropped before it can start the series, move
// the watermark or the offset, so one bad timestamp never closes every bar
// up to it. A tape replayed faster than real time runs ahead of the clock
// but moves forward trade by trade, so it passes. Trades without a receive
// time (files) are not checked.
// A trade priced more than max_price_ratio away from the symbol's last
// accepted price is refused (kPriceOutlier, counted), unless enough of them
// in a row agree: then the band moves and they are taken (price_band.hpp).
// One step of the watermark fills at most max_gap_fill_bars empty buckets;
// past that the series breaks: one gap bar stands for the skipped buckets
// (BarEvent::skipped_before), with the next sequence but a later start_ns.
// A trade for a closed bar is late: it is counted, and per late_policy dropped
// or applied to the bar, which is then emitted again as a revision (same
// sequence, revision + 1; a quiet bar becomes traded, a gap stays a gap).
// Revisions do not ripple into later bars. Only the last
// revision_horizon_bars closed bars can be revised or de-duplicated.
//
// Threading: not thread-safe; drive it from one strand. stats() may be read
// from any thread. Nothing here does I/O or reads a clock: the caller passes
// local time in, so tests and file replays are deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "feeds/bar_builder.hpp"
#include "feeds/market.hpp"
#include "feeds/price_band.hpp"
#include "feeds/resampler_options.hpp"
#include "feeds/resampler_stats.hpp"

namespace tickcast::feeds {

enum class BarEventKind : std::uint8_t {
  kClose,     // the bar's first and normally only publication
  kRevision,  // a late trade changed a bar published before
};

struct BarEvent {
  const Bar& bar;  // valid only during the callback
  BarEventKind kind;
  // Estimated exchange time at emission minus bar.end_ns: local time plus
  // the offset when a local time is known (advance(), or the receive time of
  // the trade that closed the bar), else the newest exchange time.
  std::int64_t close_delay_ns;
  // Empty buckets skipped right before this bar (a series break, see
  // ResamplerOptions::max_gap_fill_bars); 0 almost always.
  std::int64_t skipped_before = 0;
};

// Called synchronously for every closed bar and revision, in sequence order.
// It must not call back into the Resampler.
using BarSink = std::function<void(const BarEvent&)>;

// What happened to one trade.
enum class TradeOutcome : std::uint8_t {
  kAccepted,
  kDuplicate,
  kLateDropped,
  kLateRevised,
  kFutureTime,    // exchange time too far ahead of the receive time; dropped
  kPriceOutlier,  // price outside the band around the last price; dropped
};

class Resampler {
 public:
  // REQUIRES: options.interval_ns > 0, 0 <= allowed_lateness_ns <= interval_ns,
  // revision_horizon_bars >= 1 (make_resampler_options checks these).
  Resampler(ResamplerOptions options, BarSink sink);

  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Continues a series read back from the bar log: the next bar gets sequence
  // last.sequence + 1, empty bars are priced at last.close, and every bar from
  // last.end_ns up to and including the bucket of the first trade is a gap
  // (the daemon was not listening), filled up to max_gap_fill_bars; the price
  // band starts at last.close. REQUIRES: called before any trade, with a bar
  // of the same interval.
  void resume_after(const Bar& last);

  // Starts a new series at `sequence` (after a change of interval, so that
  // sequence numbers in the bar log stay unique). REQUIRES: before any trade.
  void start_sequence_at(std::uint64_t sequence) { next_sequence_ = sequence; }

  // One trade of this symbol. Closes the bars the trade's time moves the
  // watermark past (before counting the trade itself).
  TradeOutcome on_trade(const Trade& trade);

  // Moves the clock-driven watermark to local_now_ns + offset - lateness and
  // closes the bars it passes. Does nothing until a trade with a receive time
  // has given the offset. Call it from a timer, e.g. at next_close_local_ns().
  void advance(std::int64_t local_now_ns);

  // The feed lost its connection: every bar that closes until on_feed_up()
  // is a gap (advance() keeps closing them on time).
  void on_feed_down(std::int64_t local_now_ns);

  // The feed is back: the bar containing the reconnect (estimated by the
  // clock, and the bucket of the first trade that follows) is a gap, because
  // trades before the reconnect were missed.
  void on_feed_up(std::int64_t local_now_ns);

  // The input ended (end of a file): closes every bar whose end the newest
  // trade passed, then the bar containing the newest trade, as a gap (it is
  // partial). No calls may follow.
  void finish();

  // The local time at which advance() will close the oldest open bar, or
  // nullopt before the offset is known.
  [[nodiscard]] std::optional<std::int64_t> next_close_local_ns() const;

  // INT64_MIN before the first trade.
  [[nodiscard]] std::int64_t watermark_ns() const { return watermark_ns_; }
  [[nodiscard]] std::optional<std::int64_t> exchange_offset_ns() const;
  [[nodiscard]] const ResamplerStats& stats() const { return stats_; }
  // The price the band is centred on (0 before the first trade).
  [[nodiscard]] double price_anchor() const { return price_band_.anchor_price(); }
  [[nodiscard]] const ResamplerOptions& options() const { return options_; }

 private:
  struct ClosedBar {
    BarBuilder builder;
    bool valid = false;
    BarStatus status = BarStatus::kTraded;
    std::uint64_t sequence = 0;
    std::uint32_t revision = 0;
  };

  TradeOutcome take(const Trade& trade);
  std::int64_t bucket_of(std::int64_t time_ns) const;
  void start_at(std::int64_t index);
  void sample_offset(const Trade& trade);
  TradeOutcome on_late_trade(const Trade& trade, std::int64_t index, std::int64_t now_ns);
  // `local_ns` is the local time of the call (0 if unknown), used only to
  // estimate the exchange time "now" for close delays.
  void raise_watermark(std::int64_t watermark_ns, std::int64_t local_ns);
  std::int64_t estimate_now(std::int64_t local_ns) const;
  void break_series(std::int64_t last_index, std::int64_t now_ns);
  void close_bar(bool force_gap, std::int64_t now_ns);
  BarStatus status_at_close(const BarBuilder& builder, bool force_gap) const;
  void emit(BarEventKind kind, std::int64_t now_ns);
  ClosedBar& closed_slot(std::int64_t index);

  ResamplerOptions options_;
  BarSink sink_;
  ResamplerStats stats_;
  PriceBand price_band_;

  bool started_ = false;
  bool finished_ = false;
  std::int64_t next_close_index_ = 0;  // oldest open bucket (valid once started_)
  BarBuilder open_[2];                 // buckets next_close_index_ and + 1, by index & 1
  std::vector<ClosedBar> closed_;      // the last revision_horizon_bars, by index mod size

  std::int64_t newest_ns_ = INT64_MIN;
  std::int64_t watermark_ns_ = INT64_MIN;
  std::uint64_t next_sequence_ = 0;
  double previous_close_ = 0;

  bool feed_down_ = false;
  bool await_first_trade_ = true;               // the next on-time trade's bucket is partial
  std::int64_t gap_through_index_ = INT64_MIN;  // buckets <= this are gaps

  bool have_max_id_ = false;
  std::uint64_t max_id_before_open_ = 0;  // highest id of closed bars and late trades

  bool have_offset_ = false;
  bool have_previous_window_ = false;
  std::int64_t offset_window_start_ns_ = 0;
  std::int64_t offset_max_current_ = 0;
  std::int64_t offset_max_previous_ = 0;

  // The bucket of the previous lookup (bucket_of is const but caches).
  mutable std::int64_t cached_index_ = 0;
  mutable std::int64_t cached_start_ns_ = 0;
  mutable std::int64_t cached_end_ns_ = 0;  // empty range until the first lookup

  Bar scratch_;                      // the bar being emitted
  std::int64_t skipped_before_ = 0;  // for the bar being emitted
};

}  // namespace tickcast::feeds

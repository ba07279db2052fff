#include "feeds/resampler.hpp"

#include <algorithm>
#include <utility>

namespace tickcast::feeds {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  return a - floor_div(a, b) * b;
}

}  // namespace

Resampler::Resampler(ResamplerOptions options, BarSink sink)
    : options_(std::move(options)),
      sink_(std::move(sink)),
      stats_(options_.allowed_lateness_ns),
      price_band_(options_.max_price_ratio, options_.price_confirm_trades),
      closed_(static_cast<std::size_t>(std::max(options_.revision_horizon_bars, 1))) {
  scratch_.exchange = options_.exchange;
  scratch_.symbol = options_.symbol;
}

std::int64_t Resampler::bucket_of(std::int64_t time_ns) const {
  // Nearly every trade falls in the same bucket as the one before it; a
  // range check is cheaper than a 64-bit division.
  if (time_ns >= cached_start_ns_ && time_ns < cached_end_ns_) return cached_index_;
  cached_index_ = floor_div(time_ns, options_.interval_ns);
  cached_start_ns_ = cached_index_ * options_.interval_ns;
  cached_end_ns_ = cached_start_ns_ + options_.interval_ns;
  return cached_index_;
}

Resampler::ClosedBar& Resampler::closed_slot(std::int64_t index) {
  return closed_[static_cast<std::size_t>(
      floor_mod(index, static_cast<std::int64_t>(closed_.size())))];
}

void Resampler::start_at(std::int64_t index) {
  started_ = true;
  next_close_index_ = index;
  open_[index & 1].reset(index);
  open_[(index + 1) & 1].reset(index + 1);
}

void Resampler::resume_after(const Bar& last) {
  start_at(last.end_ns / options_.interval_ns);
  next_sequence_ = last.sequence + 1;
  previous_close_ = last.close;
  price_band_.anchor(last.close);
  if (last.trade_count > 0) {
    have_max_id_ = true;
    max_id_before_open_ = last.last_trade_id;
  }
  watermark_ns_ = last.end_ns;
  await_first_trade_ = true;
}

void Resampler::sample_offset(const Trade& trade) {
  if (trade.receive_time_ns == 0) return;
  const std::int64_t sample = trade.exchange_time_ns - trade.receive_time_ns;
  if (!have_offset_ ||
      trade.receive_time_ns - offset_window_start_ns_ >= options_.offset_window_ns) {
    // Start a new window; the old one still counts until the next rotation,
    // so a single slow sample never defines the offset on its own.
    have_previous_window_ = have_offset_;
    offset_max_previous_ = offset_max_current_;
    offset_max_current_ = sample;
    offset_window_start_ns_ = trade.receive_time_ns;
    have_offset_ = true;
  } else if (sample > offset_max_current_) {
    offset_max_current_ = sample;
  }
}

std::optional<std::int64_t> Resampler::exchange_offset_ns() const {
  if (!have_offset_) return std::nullopt;
  if (!have_previous_window_) return offset_max_current_;
  return std::max(offset_max_current_, offset_max_previous_);
}

TradeOutcome Resampler::on_trade(const Trade& trade) {
  // Ahead of this host's clock and a jump ahead of the stream: a tape
  // replayed faster than real time runs ahead of the clock too, but step by
  // step.
  if (options_.max_future_ns > 0 && trade.receive_time_ns != 0 &&
      trade.exchange_time_ns > trade.receive_time_ns + options_.max_future_ns &&
      (newest_ns_ == INT64_MIN || newest_ns_ < trade.exchange_time_ns - options_.max_future_ns)) {
    bump(stats_.future_trades);
    return TradeOutcome::kFutureTime;
  }
  switch (price_band_.check(trade)) {
    case PriceBand::Verdict::kInBand:
      return take(trade);
    case PriceBand::Verdict::kOutlier:
      bump(stats_.price_outliers);
      return TradeOutcome::kPriceOutlier;
    case PriceBand::Verdict::kReanchored:
      break;
  }
  // The price really moved: the trades refused on the way are taken after
  // all (those whose bar closed meanwhile are late, as any late trade).
  bump(stats_.price_reanchors);
  const auto confirmed = price_band_.held();
  for (std::size_t i = 0; i + 1 < confirmed.size(); ++i) (void)take(confirmed[i]);
  return take(trade);
}

TradeOutcome Resampler::take(const Trade& trade) {
  sample_offset(trade);
  const std::int64_t t = trade.exchange_time_ns;
  const std::int64_t index = bucket_of(t);
  if (started_ && index < next_close_index_) {
    return on_late_trade(trade, index, estimate_now(trade.receive_time_ns));
  }
  if (!started_) start_at(index);
  if (await_first_trade_) {
    gap_through_index_ = std::max(gap_through_index_, index);
    await_first_trade_ = false;
  }

  if (t < newest_ns_) {
    bump(stats_.trades_out_of_order);
  } else {
    newest_ns_ = t;
  }
  // The trade's own time cannot close its own bucket (lateness >= 0), so
  // after this `index` is next_close_index_ or the one after it.
  raise_watermark(t - options_.allowed_lateness_ns, trade.receive_time_ns);

  BarBuilder& builder = open_[index & 1];
  if (options_.trade_ids_usable &&
      !builder.ids().insert_range(first_id_of(trade), trade.trade_id)) {
    bump(stats_.duplicate_trades);
    return TradeOutcome::kDuplicate;
  }
  builder.add(trade);
  bump(stats_.trades_accepted);
  return TradeOutcome::kAccepted;
}

TradeOutcome Resampler::on_late_trade(const Trade& trade, std::int64_t index, std::int64_t now_ns) {
  // A late trade still proves its id existed: the next bar must not be
  // called a gap for an id that merely arrived late.
  if (!have_max_id_ || trade.trade_id > max_id_before_open_) {
    max_id_before_open_ = trade.trade_id;
    have_max_id_ = true;
  }
  ClosedBar& closed = closed_slot(index);
  const bool revisable = closed.valid && closed.builder.index() == index;
  if (revisable && options_.trade_ids_usable &&
      !closed.builder.ids().insert_range(first_id_of(trade), trade.trade_id)) {
    bump(stats_.duplicate_trades);
    return TradeOutcome::kDuplicate;
  }
  if (!revisable || options_.late_policy == LatePolicy::kDrop) {
    bump(stats_.late_dropped);
    return TradeOutcome::kLateDropped;
  }

  closed.builder.add(trade);
  if (closed.status == BarStatus::kQuiet) closed.status = BarStatus::kTraded;
  ++closed.revision;
  closed.builder.fill(options_.interval_ns, previous_close_, scratch_);
  scratch_.sequence = closed.sequence;
  scratch_.status = closed.status;
  scratch_.revision = closed.revision;
  bump(stats_.late_revised);
  bump(stats_.bar_revisions);
  emit(BarEventKind::kRevision, now_ns);
  return TradeOutcome::kLateRevised;
}

void Resampler::advance(std::int64_t local_now_ns) {
  const auto offset = exchange_offset_ns();
  if (!started_ || finished_ || !offset) return;
  raise_watermark(local_now_ns + *offset - options_.allowed_lateness_ns, local_now_ns);
}

void Resampler::on_feed_down(std::int64_t /*local_now_ns*/) {
  feed_down_ = true;
}

void Resampler::on_feed_up(std::int64_t local_now_ns) {
  feed_down_ = false;
  await_first_trade_ = true;
  if (const auto offset = exchange_offset_ns()) {
    gap_through_index_ = std::max(gap_through_index_, bucket_of(local_now_ns + *offset));
  }
}

void Resampler::finish() {
  if (!started_ || finished_) return;
  raise_watermark(newest_ns_, /*local_ns=*/0);
  if (newest_ns_ != INT64_MIN && bucket_of(newest_ns_) == next_close_index_) {
    close_bar(/*force_gap=*/true, newest_ns_);
  }
  finished_ = true;
}

std::optional<std::int64_t> Resampler::next_close_local_ns() const {
  const auto offset = exchange_offset_ns();
  if (!started_ || finished_ || !offset) return std::nullopt;
  const std::int64_t end = (next_close_index_ + 1) * options_.interval_ns;
  return end + options_.allowed_lateness_ns - *offset;
}

std::int64_t Resampler::estimate_now(std::int64_t local_ns) const {
  const auto offset = exchange_offset_ns();
  if (offset && local_ns != 0) return local_ns + *offset;
  return newest_ns_;
}

void Resampler::raise_watermark(std::int64_t watermark_ns, std::int64_t local_ns) {
  if (watermark_ns <= watermark_ns_) return;
  watermark_ns_ = watermark_ns;
  if ((next_close_index_ + 1) * options_.interval_ns > watermark_ns_) return;
  // Bars close: only now is the exchange-time estimate of "now" worth making.
  const std::int64_t now_ns = estimate_now(local_ns);
  const std::int64_t last_index = floor_div(watermark_ns_, options_.interval_ns) - 1;
  if (last_index - next_close_index_ + 1 > options_.max_gap_fill_bars) {
    break_series(last_index, now_ns);
  }
  while ((next_close_index_ + 1) * options_.interval_ns <= watermark_ns_) {
    close_bar(/*force_gap=*/false, now_ns);
  }
}

void Resampler::break_series(std::int64_t last_index, std::int64_t now_ns) {
  // Only the two open buckets can hold trades; they close as usual.
  while (next_close_index_ < last_index && open_[next_close_index_ & 1].count() > 0) {
    close_bar(/*force_gap=*/false, now_ns);
  }
  const std::int64_t skipped = last_index - next_close_index_;
  if (skipped <= 0) return;
  bump(stats_.series_breaks);
  bump(stats_.bars_skipped, static_cast<std::uint64_t>(skipped));
  start_at(last_index);
  skipped_before_ = skipped;
  close_bar(/*force_gap=*/true, now_ns);
  skipped_before_ = 0;
}

BarStatus Resampler::status_at_close(const BarBuilder& builder, bool force_gap) const {
  if (force_gap || feed_down_ || builder.index() <= gap_through_index_) return BarStatus::kGap;
  if (builder.count() == 0) return BarStatus::kQuiet;
  if (options_.consecutive_trade_ids && options_.trade_ids_usable) {
    const TradeIdSet& ids = builder.ids();
    if (ids.has_holes()) return BarStatus::kGap;
    if (have_max_id_ && ids.min() > max_id_before_open_ + 1) return BarStatus::kGap;
  }
  return BarStatus::kTraded;
}

void Resampler::close_bar(bool force_gap, std::int64_t now_ns) {
  const std::int64_t index = next_close_index_;
  BarBuilder& builder = open_[index & 1];
  const BarStatus status = status_at_close(builder, force_gap);

  builder.fill(options_.interval_ns, previous_close_, scratch_);
  scratch_.sequence = next_sequence_++;
  scratch_.status = status;
  scratch_.revision = 0;

  switch (status) {
    case BarStatus::kTraded:
      bump(stats_.bars_traded);
      break;
    case BarStatus::kQuiet:
      bump(stats_.bars_quiet);
      break;
    case BarStatus::kGap:
      bump(stats_.bars_gap);
      break;
  }
  if (builder.count() > 0) {
    previous_close_ = scratch_.close;
    if (!builder.ids().empty() && (!have_max_id_ || builder.ids().max() > max_id_before_open_)) {
      max_id_before_open_ = builder.ids().max();
      have_max_id_ = true;
    }
  }

  // Keep the closed bucket for revisions and late duplicates; its slot in
  // open_ starts the bucket after the other open one.
  ClosedBar& closed = closed_slot(index);
  std::swap(closed.builder, builder);
  closed.valid = true;
  closed.status = status;
  closed.sequence = scratch_.sequence;
  closed.revision = 0;
  builder.reset(index + 2);
  ++next_close_index_;

  stats_.close_delay.observe(now_ns - scratch_.end_ns);
  emit(BarEventKind::kClose, now_ns);
}

void Resampler::emit(BarEventKind kind, std::int64_t now_ns) {
  if (sink_) {
    sink_(BarEvent{scratch_, kind, now_ns - scratch_.end_ns,
                   kind == BarEventKind::kClose ? skipped_before_ : 0});
  }
}

}  // namespace tickcast::feeds

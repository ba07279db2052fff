#include "model/forecaster.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tickcast::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t replay_capacity_for(const ModelOptions& options, std::int64_t interval_ns) {
  const double bars = interval_ns > 0 ? 2.0 * static_cast<double>(options.train_budget.count()) /
                                            static_cast<double>(interval_ns)
                                      : 0.0;
  const double wanted = std::ceil(bars) + 64.0;
  return static_cast<std::size_t>(std::clamp(wanted, 256.0, 100000.0));
}

int longest(const std::vector<int>& windows) {
  int w = 1;
  for (int x : windows) w = std::max(w, x);
  return w;
}

}  // namespace

std::string_view to_string(RetrainTrigger trigger) {
  switch (trigger) {
    case RetrainTrigger::kNone:
      return "none";
    case RetrainTrigger::kRequested:
      return "requested";
    case RetrainTrigger::kInitial:
      return "initial";
    case RetrainTrigger::kNoSkill:
      return "no_skill";
    case RetrainTrigger::kDrift:
      return "drift";
    case RetrainTrigger::kScheduled:
      return "scheduled";
  }
  return "unknown";
}

Forecaster::Forecaster(const ModelOptions& options, const ScoreOptions& scores,
                       std::string exchange, std::string symbol, std::int64_t interval_ns)
    : options_(options),
      features_(options.features),
      longest_window_(static_cast<std::size_t>(longest(scores.windows))),
      scaled_(features_.size()),
      ring_capacity_(replay_capacity_for(options, interval_ns)),
      ring_values_(ring_capacity_ * features_.size()),
      ring_(ring_capacity_),
      gaps_(options.max_gap_bars, options.warmup_steps),
      conformal_(options.interval_coverage, options.aci_gamma, options.conformal_window),
      scores_(scores.windows),
      model_scores_({longest(scores.windows)}),
      drift_(make_drift_detector(options.drift, options.drift_delta, options.drift_lambda,
                                 options.adwin_confidence)) {
  forecast_.exchange = std::move(exchange);
  forecast_.symbol = std::move(symbol);
  forecast_.interval_ns = interval_ns;
  forecast_.coverage = options.interval_coverage;
  scores_.fill(forecast_.scores);
}

std::span<const double> Forecaster::ring_features(std::size_t slot) const {
  return {ring_values_.data() + slot * features_.size(), features_.size()};
}

const Forecast& Forecaster::on_bar(const Bar& bar) {
  if (bar.revision > 0 || (has_last_ && bar.sequence <= last_sequence_)) return forecast_;
  ++bars_seen_;
  ++bars_since_submit_;
  score_pending(bar);

  // Into the replay ring: the bar's raw features and what the gap rules do.
  const std::size_t slot = ring_head_;
  features_.compute(bar, has_last_ ? last_close_ : 0.0,
                    {ring_values_.data() + slot * features_.size(), features_.size()});
  // A series break (the resampler's max_gap_fill_bars) leaves buckets out;
  // they count as gaps. last_bar_end_ns_ is 0 when not known (a model
  // installed before any bar).
  const std::int64_t missing =
      has_last_ && last_bar_end_ns_ != 0 ? missing_buckets(last_bar_end_ns_, bar) : 0;
  ring_[slot] = {bar.sequence, gaps_.on_bar(bar.status, missing)};
  ring_head_ = (ring_head_ + 1) % ring_capacity_;
  ring_size_ = std::min(ring_size_ + 1, ring_capacity_);

  const float y = step_model(slot);
  has_last_ = true;
  last_sequence_ = bar.sequence;
  last_close_ = bar.close;
  last_bar_end_ns_ = bar.end_ns;
  forecast_next(bar, y);
  return forecast_;
}

void Forecaster::score_pending(const Bar& bar) {
  if (!pending_.valid || bar.sequence != pending_.sequence + 1 || bar.status == BarStatus::kGap ||
      !(bar.close > 0) || !(pending_.close > 0)) {
    return;
  }
  const ScoredForecast f{pending_.close, bar.close, pending_.predicted_close, pending_.lower,
                         pending_.upper};
  scores_.add(f);
  const double actual_return = std::log(bar.close / pending_.close);
  const double residual = std::abs(actual_return - pending_.predicted_return);
  const bool covered = bar.close >= pending_.lower && bar.close <= pending_.upper;
  conformal_.update(residual, covered);
  if (!pending_.from_model) return;
  model_scores_.add(f);
  if (drift_) {
    const double scale = model_ && model_->residual_scale > 0 ? model_->residual_scale : 1.0;
    if (drift_->add(residual / scale)) {
      drift_due_ = true;
      ++drift_alarms_;
    }
  }
}

float Forecaster::step_model(std::size_t slot) {
  if (!model_) return std::numeric_limits<float>::quiet_NaN();
  if (ring_[slot].reset) {
    state_.reset();
    return std::numeric_limits<float>::quiet_NaN();
  }
  model_->scaler.transform(ring_features(slot), scaled_);
  return model_->lstm.step(scaled_, state_)[0];
}

void Forecaster::forecast_next(const Bar& bar, float y) {
  Forecast& f = forecast_;
  f.bar_sequence = bar.sequence;
  f.bar_start_ns = bar.start_ns;
  f.bar_end_ns = bar.end_ns;
  f.close = bar.close;
  f.target_start_ns = bar.end_ns;
  f.target_end_ns = bar.end_ns + f.interval_ns;
  f.persistence_close = bar.close;

  double predicted_return = std::isnan(y) || gaps_.warming() || !(bar.close > 0)
                                ? kNaN
                                : model_->predicted_return(y, bar.close);
  const bool from_model = std::isfinite(predicted_return);
  if (from_model) {
    const bool no_skill = model_scores_.count(0) >= kMinForecastsForNoSkill &&
                          model_scores_.dm_z(0) > options_.dm_threshold;
    if (no_skill && !was_no_skill_) no_skill_due_ = true;
    was_no_skill_ = no_skill;
    f.status = no_skill ? ForecastStatus::kNoSkill : ForecastStatus::kOk;
    f.model_version = model_->version;
    f.model_created_unix_ns = model_->meta.created_unix_ns;
  } else {
    predicted_return = 0.0;
    f.status = ForecastStatus::kWarmingUp;
    f.model_version = 0;
    f.model_created_unix_ns = 0;
  }
  f.predicted_return = predicted_return;
  f.predicted_close = bar.close * std::exp(predicted_return);
  const double half = conformal_.half_width();
  f.lower = bar.close * std::exp(predicted_return - half);
  f.upper = bar.close * std::exp(predicted_return + half);
  scores_.fill(f.scores);

  pending_ = {true,    from_model, bar.sequence, bar.close, predicted_return, f.predicted_close,
              f.lower, f.upper};
}

RetrainTrigger Forecaster::retrain_trigger() const {
  if (requested_) return RetrainTrigger::kRequested;
  const auto spacing = static_cast<std::uint64_t>(
      options_.retrain_every > 0 ? options_.retrain_every : options_.validation_bars);
  if (!model_) {
    return !submitted_once_ || bars_since_submit_ >= spacing ? RetrainTrigger::kInitial
                                                             : RetrainTrigger::kNone;
  }
  if (no_skill_due_) return RetrainTrigger::kNoSkill;
  if (drift_due_) return RetrainTrigger::kDrift;
  if (options_.retrain_every > 0 &&
      bars_since_submit_ >= static_cast<std::uint64_t>(options_.retrain_every)) {
    return RetrainTrigger::kScheduled;
  }
  return RetrainTrigger::kNone;
}

void Forecaster::retrain_submitted() {
  requested_ = drift_due_ = no_skill_due_ = false;
  submitted_once_ = true;
  bars_since_submit_ = 0;
}

bool Forecaster::install(std::shared_ptr<const ModelBundle> bundle, LstmState<float> state,
                         std::uint64_t state_after_sequence, double last_close) {
  if (!bundle || bundle->features.names() != features_.names()) return false;
  if (!has_last_ || last_sequence_ <= state_after_sequence) {
    // Nothing seen after the state: it is current as it is.
    if (!has_last_ || last_sequence_ < state_after_sequence) {
      pending_.valid = false;  // made for a bar that is now in the past
    }
    has_last_ = true;
    last_sequence_ = state_after_sequence;
    last_close_ = last_close;
  } else {
    // Replay ring entries with sequence > state_after_sequence, oldest first.
    const std::uint64_t missing = last_sequence_ - state_after_sequence;
    if (missing > ring_size_) return false;
    const std::size_t first = (ring_head_ + ring_capacity_ - missing) % ring_capacity_;
    if (ring_[first].sequence != state_after_sequence + 1) return false;  // a hole in the stream
    std::vector<float> scaled(features_.size());  // once per swap, not per bar
    for (std::size_t i = 0; i < missing; ++i) {
      const std::size_t slot = (first + i) % ring_capacity_;
      if (ring_[slot].reset) {
        state.reset();
        continue;
      }
      bundle->scaler.transform(ring_features(slot), scaled);
      (void)bundle->lstm.step(scaled, state);
    }
  }
  model_ = std::move(bundle);
  state_ = std::move(state);
  if (drift_) drift_->reset();
  model_scores_.reset();
  was_no_skill_ = false;
  return true;
}

Checkpoint Forecaster::snapshot() const {
  Checkpoint ck = model_->to_checkpoint();
  ck.has_state = true;
  ck.h = state_.h;
  ck.c = state_.c;
  ck.last_bar_sequence = last_sequence_;
  ck.last_close = last_close_;
  ck.last_bar_end_ns = last_bar_end_ns_;
  ck.has_online_state = true;
  ck.online = save_online();
  return ck;
}

OnlineState Forecaster::save_online() const {
  OnlineState s;
  s.bars_seen = bars_seen_;
  s.bars_since_submit = bars_since_submit_;
  s.drift_alarms = drift_alarms_;
  s.requested = requested_;
  s.drift_due = drift_due_;
  s.no_skill_due = no_skill_due_;
  s.submitted_once = submitted_once_;
  s.was_no_skill = was_no_skill_;
  s.gap_run = gaps_.gap_run();
  s.real_since_reset = gaps_.real_since_reset();
  s.pending = {pending_.valid,
               pending_.from_model,
               pending_.sequence,
               pending_.close,
               pending_.predicted_return,
               pending_.predicted_close,
               pending_.lower,
               pending_.upper};
  s.conformal = conformal_.save();
  s.scores = scores_.save();
  s.model_scores = model_scores_.save();
  if (drift_) s.drift = drift_->save();
  // The replay ring, oldest first.
  const std::size_t f = features_.size();
  const std::size_t oldest = (ring_head_ + ring_capacity_ - ring_size_) % ring_capacity_;
  s.ring.sequences.reserve(ring_size_);
  s.ring.resets.reserve(ring_size_);
  s.ring.features.reserve(ring_size_ * f);
  for (std::size_t i = 0; i < ring_size_; ++i) {
    const std::size_t slot = (oldest + i) % ring_capacity_;
    s.ring.sequences.push_back(ring_[slot].sequence);
    s.ring.resets.push_back(ring_[slot].reset ? 1 : 0);
    const auto values = ring_features(slot);
    s.ring.features.insert(s.ring.features.end(), values.begin(), values.end());
  }
  return s;
}

void Forecaster::load_online(const OnlineState& s) {
  std::string cold;
  const auto note_cold = [&cold](const char* what) {
    cold += (cold.empty() ? "" : ",") + std::string(what);
  };
  bars_seen_ = s.bars_seen;
  bars_since_submit_ = s.bars_since_submit;
  drift_alarms_ = s.drift_alarms;
  requested_ = s.requested;
  drift_due_ = s.drift_due;
  no_skill_due_ = s.no_skill_due;
  submitted_once_ = s.submitted_once;
  was_no_skill_ = s.was_no_skill;
  gaps_.load(s.gap_run, s.real_since_reset);
  const PendingForecast& p = s.pending;
  pending_ = {p.valid,           p.from_model, p.sequence, p.close, p.predicted_return,
              p.predicted_close, p.lower,      p.upper};
  if (!conformal_.load(s.conformal)) {
    conformal_.reset();
    note_cold("conformal");
  }
  if (!scores_.load(s.scores)) {
    scores_.reset();
    note_cold("scores");
  }
  if (!model_scores_.load(s.model_scores)) {
    model_scores_.reset();
    was_no_skill_ = false;
    note_cold("model_scores");
  }
  if (drift_ && !drift_->load(s.drift)) {
    drift_->reset();
    note_cold("drift");
  }
  // The newest bars of the ring that fit this forecaster's ring.
  const std::size_t f = features_.size();
  const std::size_t saved = s.ring.sequences.size();
  if (s.ring.resets.size() == saved && s.ring.features.size() == saved * f) {
    const std::size_t keep = std::min(saved, ring_capacity_);
    for (std::size_t i = 0; i < keep; ++i) {
      const std::size_t from = saved - keep + i;
      ring_[i] = {s.ring.sequences[from], s.ring.resets[from] != 0};
      std::copy_n(s.ring.features.begin() + static_cast<std::ptrdiff_t>(from * f), f,
                  ring_values_.begin() + static_cast<std::ptrdiff_t>(i * f));
    }
    ring_size_ = keep;
    ring_head_ = keep % ring_capacity_;
  } else {
    note_cold("replay_ring");
  }
  // last_forecast() holds the pending forecast's numbers until the next bar.
  if (pending_.valid) {
    forecast_.bar_sequence = pending_.sequence;
    forecast_.close = pending_.close;
    forecast_.persistence_close = pending_.close;
    forecast_.predicted_return = pending_.predicted_return;
    forecast_.predicted_close = pending_.predicted_close;
    forecast_.lower = pending_.lower;
    forecast_.upper = pending_.upper;
  }
  scores_.fill(forecast_.scores);
  restored_cold_ = std::move(cold);
}

std::string Forecaster::restore(const Checkpoint& ck) {
  std::shared_ptr<const ModelBundle> bundle;
  if (std::string error = bundle_from_checkpoint(ck, bundle); !error.empty()) return error;
  if (bundle->features.names() != features_.names()) {
    return "checkpoint features differ from model.features";
  }
  state_ = ck.has_state ? state_from_checkpoint(*bundle, ck) : bundle->lstm.make_state();
  gaps_ = GapTracker(options_.max_gap_bars, options_.warmup_steps);
  model_ = std::move(bundle);
  has_last_ = true;
  last_sequence_ = ck.last_bar_sequence;
  last_close_ = ck.last_close;
  last_bar_end_ns_ = ck.last_bar_end_ns;
  ring_size_ = 0;
  ring_head_ = 0;
  if (ck.has_online_state && ck.has_state) {
    load_online(ck.online);
    return "";
  }
  if (!ck.has_state) gaps_.start_warming();
  pending_.valid = false;
  conformal_.reset();
  scores_.reset();
  model_scores_.reset();
  if (drift_) drift_->reset();
  was_no_skill_ = false;
  restored_cold_ = "all";
  return "";
}

}  // namespace tickcast::model

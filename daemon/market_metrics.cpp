#include "daemon/market_metrics.hpp"

#include <cmath>
#include <limits>

#include "daemon/metric_family.hpp"
#include "feeds/dialect.hpp"

namespace tickcast::daemon {
namespace {

using prometheus::MetricType;

double load(const std::atomic<std::uint64_t>& value) {
  return static_cast<double>(value.load(std::memory_order_relaxed));
}

// A histogram sample from per-bucket (non-cumulative) counts.
template <class Bounds, class CountOf>
void add_histogram(prometheus::MetricFamily& family, const Bounds& bounds, CountOf count_of,
                   std::uint64_t total, double sum_seconds, LabelPairs labels) {
  prometheus::ClientMetric metric;
  for (const auto& [name, value] : labels) metric.label.push_back({name, value});
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += count_of(i);
    metric.histogram.bucket.push_back({cumulative, bounds[i]});
  }
  metric.histogram.bucket.push_back({total, std::numeric_limits<double>::infinity()});
  metric.histogram.sample_count = total;
  metric.histogram.sample_sum = sum_seconds;
  family.metric.push_back(std::move(metric));
}

void collect_feeds(const MarketData& market, std::vector<prometheus::MetricFamily>& out) {
  auto connected = make_family("tickcast_feed_connected", "1 while the feed's websocket is up.",
                               MetricType::Gauge);
  auto connects = make_family("tickcast_feed_connects_total", "Websocket connections established.",
                              MetricType::Counter);
  auto disconnects = make_family("tickcast_feed_disconnects_total", "Connections ended, by reason.",
                                 MetricType::Counter);
  auto frames =
      make_family("tickcast_feed_frames_total", "Frames received, by kind.", MetricType::Counter);
  auto errors = make_family("tickcast_feed_decode_errors_total",
                            "Frames that could not be decoded, by kind.", MetricType::Counter);
  auto trades = make_family("tickcast_trades_total", "New trades delivered.", MetricType::Counter);
  auto duplicates =
      make_family("tickcast_feed_duplicate_trades_total",
                  "Trades seen again (same id) and dropped by the feed.", MetricType::Counter);
  auto gaps = make_family("tickcast_trade_id_gaps_total",
                          "Holes in consecutive trade ids (missed trades).", MetricType::Counter);
  auto missing = make_family("tickcast_trade_ids_missing_total", "Trade ids the holes spanned.",
                             MetricType::Counter);
  auto age = make_family("tickcast_feed_last_trade_age_seconds",
                         "Seconds since the newest trade arrived (absent before the first).",
                         MetricType::Gauge);
  auto latency =
      make_family("tickcast_feed_latency_seconds",
                  "Receive time minus exchange time of each trade.", MetricType::Histogram);

  const double now_seconds = static_cast<double>(unix_now_ns()) / 1e9;
  for (const auto& feed : market.feeds()) {
    const feeds::FeedStats& stats = feed->stats();
    const std::string& exchange = feed->options().exchange;
    add_sample(connected, stats.connected.load() ? 1 : 0, {{"exchange", exchange}});
    add_sample(connects, load(stats.connects_total), {{"exchange", exchange}});
    for (std::size_t r = 0; r < feeds::kDisconnectReasonCount; ++r) {
      add_sample(disconnects, load(stats.disconnects[r]),
                 {{"exchange", exchange},
                  {"reason", std::string(to_string(static_cast<feeds::DisconnectReason>(r)))}});
    }
    for (std::size_t k = 0; k < feeds::kFrameKindCount; ++k) {
      add_sample(frames, load(stats.frames[k]),
                 {{"exchange", exchange},
                  {"kind", std::string(to_string(static_cast<feeds::FrameKind>(k)))}});
    }
    // Index 0 is "ok", which is not an error.
    for (std::size_t e = 1; e < feeds::kDecodeErrorCount; ++e) {
      add_sample(errors, load(stats.decode_errors[e]),
                 {{"exchange", exchange},
                  {"kind", std::string(to_string(static_cast<feeds::DecodeError>(e)))}});
    }
    for (const feeds::SymbolStats& symbol : stats.symbols) {
      LabelPairs labels = {{"exchange", exchange}, {"symbol", symbol.symbol}};
      add_sample(trades, load(symbol.trades_total), labels);
      add_sample(duplicates, load(symbol.duplicate_trades_total), labels);
      add_sample(gaps, load(symbol.trade_id_gaps_total), labels);
      add_sample(missing, load(symbol.missing_trade_ids_total), labels);
      if (std::int64_t last = symbol.last_trade_receive_ns.load(); last > 0) {
        add_sample(age, now_seconds - static_cast<double>(last) / 1e9, labels);
      }
      add_histogram(
          latency, feeds::LatencyHistogram::kBoundsSeconds,
          [&](std::size_t i) { return symbol.latency.bucket(i); }, symbol.latency.count(),
          symbol.latency.sum_seconds(), labels);
    }
  }
  auto recorded = make_family("tickcast_frames_recorded_total",
                              "Raw frames written to feeds.record_dir.", MetricType::Counter);
  auto record_skipped =
      make_family("tickcast_frames_not_recorded_total",
                  "Raw frames that could not be recorded as one line (held a line break).",
                  MetricType::Counter);
  auto record_errors =
      make_family("tickcast_frame_record_errors_total",
                  "Failed opens, writes and flushes of frame recordings.", MetricType::Counter);
  for (std::size_t i = 0; i < market.recorders().size(); ++i) {
    const auto& recorder = market.recorders()[i];
    if (!recorder) continue;
    const LabelPairs labels = {{"exchange", market.feeds()[i]->options().exchange}};
    add_sample(recorded, load(recorder->stats().frames), labels);
    add_sample(record_skipped, load(recorder->stats().skipped_frames), labels);
    add_sample(record_errors, load(recorder->stats().errors), labels);
  }
  for (auto* family :
       {&connected, &connects, &disconnects, &frames, &errors, &trades, &duplicates, &gaps,
        &missing, &age, &latency, &recorded, &record_skipped, &record_errors}) {
    if (!family->metric.empty()) out.push_back(std::move(*family));
  }
}

void collect_pipelines(const MarketData& market, std::vector<prometheus::MetricFamily>& out) {
  auto bars = make_family("tickcast_bars_total", "Bars closed, by status.", MetricType::Counter);
  auto revisions =
      make_family("tickcast_bar_revisions_total", "Closed bars published again after a late trade.",
                  MetricType::Counter);
  auto late = make_family("tickcast_late_trades_total",
                          "Trades that arrived after their bar closed, by what was done.",
                          MetricType::Counter);
  auto future = make_family("tickcast_future_trades_total",
                            "Trades stamped more than 5 minutes ahead of the local clock; dropped.",
                            MetricType::Counter);
  auto outliers = make_family("tickcast_price_outlier_trades_total",
                              "Trades priced more than bars.max_price_ratio from the last price; "
                              "refused.",
                              MetricType::Counter);
  auto reanchors =
      make_family("tickcast_price_band_reanchors_total",
                  "Times the price band moved to bars.price_confirm_trades agreeing outliers.",
                  MetricType::Counter);
  auto breaks = make_family("tickcast_bar_series_breaks_total",
                            "Times more than bars.max_gap_fill_bars empty bars were due at once.",
                            MetricType::Counter);
  auto skipped = make_family("tickcast_bars_skipped_total",
                             "Empty bars those series breaks left out.", MetricType::Counter);
  auto duplicates =
      make_family("tickcast_bar_duplicate_trades_total",
                  "Trades whose id was already counted in their bar.", MetricType::Counter);
  auto delay =
      make_family("tickcast_bar_close_delay_seconds",
                  "Time a bar closed, minus its end (exchange time).", MetricType::Histogram);
  auto log_bars = make_family("tickcast_bar_log_appends_total", "Bars written to the bar log.",
                              MetricType::Counter);
  auto log_fsyncs = make_family("tickcast_bar_log_fsyncs_total", "fsync calls on the bar log.",
                                MetricType::Counter);
  auto log_errors = make_family("tickcast_bar_log_errors_total",
                                "Bar log writes or syncs that failed.", MetricType::Counter);

  for (const auto& pipeline : market.pipelines()) {
    LabelPairs labels = {{"exchange", pipeline->exchange()}, {"symbol", pipeline->symbol()}};
    const feeds::ResamplerStats& stats = pipeline->resampler_stats();
    for (const auto& [status, value] :
         {std::pair{"traded", &stats.bars_traded}, std::pair{"quiet", &stats.bars_quiet},
          std::pair{"gap", &stats.bars_gap}}) {
      add_sample(
          bars, load(*value),
          {{"exchange", pipeline->exchange()}, {"symbol", pipeline->symbol()}, {"status", status}});
    }
    add_sample(revisions, load(stats.bar_revisions), labels);
    add_sample(late, load(stats.late_dropped),
               {{"exchange", pipeline->exchange()},
                {"symbol", pipeline->symbol()},
                {"action", "dropped"}});
    add_sample(late, load(stats.late_revised),
               {{"exchange", pipeline->exchange()},
                {"symbol", pipeline->symbol()},
                {"action", "revised"}});
    add_sample(duplicates, load(stats.duplicate_trades), labels);
    add_sample(future, load(stats.future_trades), labels);
    add_sample(outliers, load(stats.price_outliers), labels);
    add_sample(reanchors, load(stats.price_reanchors), labels);
    add_sample(breaks, load(stats.series_breaks), labels);
    add_sample(skipped, load(stats.bars_skipped), labels);
    add_histogram(
        delay, stats.close_delay.bounds_seconds(),
        [&](std::size_t i) { return stats.close_delay.bucket_count(i); }, stats.close_delay.count(),
        static_cast<double>(stats.close_delay.sum_ns()) / 1e9, labels);
    const feeds::BarLogStats& log = pipeline->bar_log_stats();
    add_sample(log_bars, load(log.bars_appended), labels);
    add_sample(log_fsyncs, load(log.fsyncs), labels);
    add_sample(log_errors, load(log.errors), labels);
  }
  for (auto* family : {&bars, &revisions, &late, &future, &outliers, &reanchors, &breaks, &skipped,
                       &duplicates, &delay, &log_bars, &log_fsyncs, &log_errors}) {
    if (!family->metric.empty()) out.push_back(std::move(*family));
  }
}

void add_atomic_histogram(prometheus::MetricFamily& family, const AtomicHistogram& h,
                          LabelPairs labels) {
  add_histogram(
      family, h.bounds(), [&](std::size_t i) { return h.bucket(i); }, h.count(), h.sum(), labels);
}

void collect_forecasts(const MarketData& market, std::vector<prometheus::MetricFamily>& out) {
  auto close = make_family("tickcast_bar_close",
                           "Close of the newest traded or quiet bar (the price forecasts chase).",
                           MetricType::Gauge);
  auto predicted =
      make_family("tickcast_forecast_predicted_close",
                  "Predicted close of the next bar (latest forecast).", MetricType::Gauge);
  auto lower = make_family("tickcast_forecast_interval_lower",
                           "Lower bound of the latest prediction interval.", MetricType::Gauge);
  auto upper = make_family("tickcast_forecast_interval_upper",
                           "Upper bound of the latest prediction interval.", MetricType::Gauge);
  auto error_abs =
      make_family("tickcast_forecast_error_abs",
                  "Absolute error of each scored forecast, |actual - predicted close|, in price.",
                  MetricType::Histogram);
  auto forecasts = make_family("tickcast_forecasts_total", "Forecasts published, by status.",
                               MetricType::Counter);
  auto skill = make_family(
      "tickcast_forecast_skill",
      "1 - RMSE(model) / RMSE(persistence) of the close over the window; > 0 beats persistence.",
      MetricType::Gauge);
  auto direction =
      make_family("tickcast_forecast_direction_accuracy",
                  "Share of non-zero moves whose direction was forecast right.", MetricType::Gauge);
  auto coverage = make_family("tickcast_interval_coverage",
                              "Share of closes inside the published interval over the window.",
                              MetricType::Gauge);
  auto no_skill = make_family("tickcast_forecast_no_skill",
                              "1 while the live model is significantly worse than persistence.",
                              MetricType::Gauge);
  auto version = make_family("tickcast_model_version", "Version of the live model; 0: none yet.",
                             MetricType::Gauge);
  auto age = make_family("tickcast_model_age_seconds",
                         "Seconds since the live model was trained (absent without a model).",
                         MetricType::Gauge);
  auto retrains = make_family("tickcast_retrains_total", "Retrain jobs finished, by result.",
                              MetricType::Counter);
  auto retraining =
      make_family("tickcast_retrain_running", "1 while a retrain job runs.", MetricType::Gauge);
  auto retrain_seconds = make_family("tickcast_retrain_duration_seconds",
                                     "Wall time of each retrain job.", MetricType::Histogram);
  auto step_seconds = make_family("tickcast_step_duration_seconds",
                                  "Time to score, step the LSTM and forecast on one closed bar.",
                                  MetricType::Histogram);
  auto tick_seconds =
      make_family("tickcast_tick_to_forecast_seconds",
                  "From the end of a bar to its forecast being published.", MetricType::Histogram);
  auto checkpoint_errors =
      make_family("tickcast_checkpoint_errors_total",
                  "Model checkpoints that could not be written.", MetricType::Counter);

  const std::int64_t now = unix_now_ns();
  for (const auto& pipeline : market.pipelines()) {
    const ForecastStats& s = pipeline->forecast_stats();
    const std::string& exchange = pipeline->exchange();
    const std::string& symbol = pipeline->symbol();
    const LabelPairs labels = {{"exchange", exchange}, {"symbol", symbol}};
    // A sample with one label beyond exchange and symbol.
    auto add_labelled = [&](prometheus::MetricFamily& family, double value, std::string name,
                            std::string label_value) {
      add_sample(family, value,
                 {{"exchange", exchange}, {"symbol", symbol}, {name, std::move(label_value)}});
    };
    add_labelled(forecasts, load(s.forecasts_warming_up), "status", "warming_up");
    add_labelled(forecasts, load(s.forecasts_ok), "status", "ok");
    add_labelled(forecasts, load(s.forecasts_no_skill), "status", "no_skill");
    add_labelled(retrains, load(s.retrains_accepted), "result", "accepted");
    add_labelled(retrains, load(s.retrains_rejected), "result", "rejected");
    add_labelled(retrains, load(s.retrains_failed), "result", "failed");
    add_labelled(retrains, load(s.retrains_timeout), "result", "timeout");
    add_sample(retraining, s.job_running.load() ? 1 : 0, labels);
    add_sample(checkpoint_errors, load(s.checkpoint_errors), labels);
    add_sample(version, static_cast<double>(s.model_version.load()), labels);
    if (const std::int64_t created = s.model_created_unix_ns.load(); created > 0) {
      add_sample(age, static_cast<double>(now - created) / 1e9, labels);
    }
    if (s.has_forecast.load(std::memory_order_acquire)) {
      add_sample(close, s.last_close.load(), labels);
      add_sample(predicted, s.predicted_close.load(), labels);
      add_sample(lower, s.interval_lower.load(), labels);
      add_sample(upper, s.interval_upper.load(), labels);
      add_sample(no_skill, s.no_skill.load() ? 1 : 0, labels);
      for (const auto& w : s.windows) {
        if (!w->valid.load()) continue;
        // An undefined score (no moves yet, no scored forecast) is left out
        // rather than exported as NaN, which dashboards draw as a gap anyway.
        const std::string window = std::to_string(w->bars);
        auto add_defined = [&](prometheus::MetricFamily& family, double value) {
          if (!std::isnan(value)) add_labelled(family, value, "window", window);
        };
        add_defined(skill, w->skill.load());
        add_defined(direction, w->direction_accuracy.load());
        add_defined(coverage, w->interval_coverage.load());
      }
    }
    add_atomic_histogram(error_abs, s.error_abs, labels);
    add_atomic_histogram(step_seconds, s.step_seconds, labels);
    add_atomic_histogram(tick_seconds, s.tick_to_forecast_seconds, labels);
    add_atomic_histogram(retrain_seconds, s.retrain_seconds, labels);
  }
  for (auto* family : {&close, &predicted, &lower, &upper, &error_abs, &forecasts, &skill,
                       &direction, &coverage, &no_skill, &version, &age, &retrains, &retraining,
                       &retrain_seconds, &step_seconds, &tick_seconds, &checkpoint_errors}) {
    if (!family->metric.empty()) out.push_back(std::move(*family));
  }
}

// Whether state reaches the disk, and what was found broken on it at start
// (docs/reliability.md).
void collect_persistence(const MarketData& market, std::vector<prometheus::MetricFamily>& out) {
  auto ok = make_family("tickcast_persist_ok",
                        "1 while the last write of this state succeeded; 0 while it cannot be "
                        "persisted (disk full, I/O error, read-only).",
                        MetricType::Gauge);
  auto corrupt = make_family("tickcast_checkpoints_corrupt_total",
                             "Checkpoint files found unloadable at start and moved aside.",
                             MetricType::Counter);
  auto dropped = make_family("tickcast_bar_log_dropped_bytes_total",
                             "Bar log bytes skipped when the log was read at start, by reason.",
                             MetricType::Counter);
  for (const auto& pipeline : market.pipelines()) {
    const std::string& exchange = pipeline->exchange();
    const std::string& symbol = pipeline->symbol();
    const LabelPairs labels = {{"exchange", exchange}, {"symbol", symbol}};
    add_sample(ok, pipeline->bar_log_stats().ok.load() ? 1 : 0,
               {{"exchange", exchange}, {"symbol", symbol}, {"what", "bar_log"}});
    add_sample(ok, pipeline->forecast_stats().checkpoint_ok.load() ? 1 : 0,
               {{"exchange", exchange}, {"symbol", symbol}, {"what", "checkpoint"}});
    add_sample(corrupt, load(pipeline->forecast_stats().checkpoints_corrupt), labels);
    const feeds::BarLogReadStats& read = pipeline->restore_stats();
    add_sample(dropped, static_cast<double>(read.corrupt_bytes),
               {{"exchange", exchange}, {"symbol", symbol}, {"reason", "corrupt"}});
    add_sample(dropped, static_cast<double>(read.torn_tail_bytes),
               {{"exchange", exchange}, {"symbol", symbol}, {"reason", "torn_tail"}});
  }
  for (auto* family : {&ok, &corrupt, &dropped}) {
    if (!family->metric.empty()) out.push_back(std::move(*family));
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> collect_market_metrics(const MarketData& market) {
  std::vector<prometheus::MetricFamily> families;
  collect_feeds(market, families);
  collect_pipelines(market, families);
  collect_forecasts(market, families);
  collect_persistence(market, families);
  return families;
}

}  // namespace tickcast::daemon

#include "daemon/symbol_model.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cmath>

#include "daemon/symbol_pipeline.hpp"

namespace tickcast::daemon {

namespace net = boost::asio;

namespace {

std::vector<double> step_bounds() {
  return {1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2};
}
std::vector<double> tick_bounds() {
  return {1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}
std::vector<double> retrain_bounds() {
  return {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900};
}
// Absolute price errors span pennies (stablecoins) to hundreds (BTC).
std::vector<double> error_bounds() {
  return {0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string format_loss(double value) {
  if (std::isnan(value)) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

// The newest `window` bars of the log up to and including `up_to_sequence`:
// what the job trains and validates on. The log is read on the pool thread
// while the strand appends to it; a torn last record is skipped by the
// reader, and install() replays whatever the window lacks.
std::string read_window(const std::filesystem::path& state_dir, const std::string& exchange,
                        const std::string& symbol, std::int64_t interval_ns,
                        std::uint64_t up_to_sequence, int window, std::vector<Bar>& out) {
  feeds::BarLogReadStats stats;
  const feeds::IoStatus status =
      feeds::load_recent_bars(state_dir, exchange, symbol, interval_ns, up_to_sequence,
                              static_cast<std::size_t>(std::max(window, 0)), {}, out, stats);
  if (!status.is_ok()) return "reading the bar log: " + status.message();
  return {};
}

}  // namespace

ForecastStats::ForecastStats(const std::vector<int>& window_bars)
    : step_seconds(step_bounds()),
      tick_to_forecast_seconds(tick_bounds()),
      retrain_seconds(retrain_bounds()),
      error_abs(error_bounds()) {
  for (int bars : window_bars) {
    windows.push_back(std::make_unique<Window>());
    windows.back()->bars = bars;
  }
}

std::shared_ptr<SymbolModel> SymbolModel::create(Context context, const feeds::BarHistory& history,
                                                 std::string& error) {
  std::shared_ptr<SymbolModel> model(new SymbolModel(std::move(context)));
  if (std::string problem = model->store_.open(); !problem.empty()) {
    error = model->context_.exchange + ":" + model->context_.symbol + ": " + problem;
    return nullptr;
  }
  model->restore(history);
  return model;
}

SymbolModel::SymbolModel(Context context)
    : context_(std::move(context)),
      store_(context_.state_dir, context_.exchange, context_.symbol, context_.model.keep_versions,
             context_.log),
      forecaster_(context_.model, context_.scores, context_.exchange, context_.symbol,
                  context_.interval_ns),
      stats_(context_.scores.windows) {}

void SymbolModel::restore(const feeds::BarHistory& history) {
  logged_bars_ = history.bars.size();
  if (auto restored = store_.restore(context_.model)) {
    const model::Checkpoint& checkpoint = restored->checkpoint;
    if (std::string problem = forecaster_.restore(checkpoint); problem.empty()) {
      std::uint64_t caught_up = 0;
      for (const Bar& bar : history.bars) {
        if (bar.sequence <= checkpoint.last_bar_sequence) continue;
        if (bar.revision > 0) {
          // The log keeps only a bar's newest revision; live, the model saw
          // the bar as it first closed, which is gone. Step the revision
          // rather than leave a hole in the stream.
          Bar as_closed = bar;
          as_closed.revision = 0;
          (void)forecaster_.on_bar(as_closed);
        } else {
          (void)forecaster_.on_bar(bar);
        }
        ++caught_up;
      }
      status(
          "model_restored",
          "model v" + std::to_string(checkpoint.model_version) + " restored from " +
              restored->file.filename().string() + " (state after bar " +
              std::to_string(checkpoint.last_bar_sequence) + "), caught up on " +
              std::to_string(caught_up) + " logged bars; " +
              (forecaster_.restored_cold().empty()
                   ? std::string("scores, interval history and drift state restored")
               : forecaster_.restored_cold() == "all"
                   ? std::string("no scores or interval history in this checkpoint "
                                 "(format before v3): they start cold")
                   : "started cold (saved under another config): " + forecaster_.restored_cold()),
          feeds::LogLevel::kInfo);
      note_model_installed();
    } else {
      status("warming_up",
             restored->file.filename().string() + " cannot be used (" + problem +
                 "); warming up a new model",
             feeds::LogLevel::kWarn);
    }
  }
  last_version_ = std::max(last_version_, store_.highest_version());
  stats_.checkpoints_corrupt.store(store_.corrupt_files(), std::memory_order_relaxed);
  if (!forecaster_.model()) {
    // No model: run persistence over the newest logged bars so scores and
    // the interval are warm from the first live bar.
    const auto& windows = context_.scores.windows;  // not empty (the Forecaster requires it)
    const int longest = std::max(*std::max_element(windows.begin(), windows.end()),
                                 context_.model.conformal_window);
    const std::size_t warm = std::min(history.bars.size(), static_cast<std::size_t>(longest));
    for (std::size_t i = history.bars.size() - warm; i < history.bars.size(); ++i) {
      (void)forecaster_.on_bar(history.bars[i]);
    }
  }
}

void SymbolModel::on_bar(const Bar& bar, std::uint64_t logged_bars) {
  logged_bars_ = logged_bars;
  if (stopping_ || bar.revision > 0) return;  // revisions never step the model
  if (forecaster_.has_last_bar() && bar.sequence <= forecaster_.last_sequence()) return;

  // The forecast made at the previous bar, if it was for this one.
  const model::Forecast& pending = forecaster_.last_forecast();
  const double pending_close =
      forecaster_.has_last_bar() && pending.bar_sequence + 1 == bar.sequence
          ? pending.predicted_close
          : 0;
  if (pending_close > 0 && bar.status != BarStatus::kGap) {
    stats_.error_abs.observe(std::fabs(bar.close - pending_close));
  }

  const auto start = std::chrono::steady_clock::now();
  const model::Forecast& forecast = forecaster_.on_bar(bar);
  stats_.step_seconds.observe(seconds_since(start));

  publish(bar, forecast);
  if (bar.status != BarStatus::kGap) stats_.last_close.store(bar.close, std::memory_order_relaxed);
  update_stats(forecast);

  const bool no_skill = forecast.status == model::ForecastStatus::kNoSkill;
  if (no_skill != previous_no_skill_) {
    previous_no_skill_ = no_skill;
    if (no_skill) {
      status("no_skill",
             "model v" + std::to_string(forecast.model_version) +
                 " is significantly worse than persistence (Diebold-Mariano z " +
                 format_loss(forecaster_.no_skill_z()) +
                 "); publishing persistence beside it and retraining",
             feeds::LogLevel::kWarn);
    } else {
      status("skill_restored",
             "model v" + std::to_string(forecast.model_version) +
                 " is no longer significantly worse than persistence",
             feeds::LogLevel::kInfo);
    }
  }

  if (forecaster_.model() &&
      ++bars_since_checkpoint_ >= static_cast<std::uint64_t>(context_.model.checkpoint_every)) {
    checkpoint_live_async();
  }
  maybe_start_job();
}

void SymbolModel::publish(const Bar& bar, const model::Forecast& forecast) {
  context_.publisher->publish_forecast(forecast);
  stats_.tick_to_forecast_seconds.observe(
      std::max(0.0, static_cast<double>(unix_now_ns() - bar.end_ns) / 1e9));
}

void SymbolModel::update_stats(const model::Forecast& forecast) {
  switch (forecast.status) {
    case model::ForecastStatus::kWarmingUp:
      stats_.forecasts_warming_up.fetch_add(1, std::memory_order_relaxed);
      break;
    case model::ForecastStatus::kOk:
      stats_.forecasts_ok.fetch_add(1, std::memory_order_relaxed);
      break;
    case model::ForecastStatus::kNoSkill:
      stats_.forecasts_no_skill.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  stats_.predicted_close.store(forecast.predicted_close, std::memory_order_relaxed);
  stats_.interval_lower.store(forecast.lower, std::memory_order_relaxed);
  stats_.interval_upper.store(forecast.upper, std::memory_order_relaxed);
  stats_.no_skill.store(forecast.status == model::ForecastStatus::kNoSkill,
                        std::memory_order_relaxed);
  for (std::size_t i = 0; i < forecast.scores.size() && i < stats_.windows.size(); ++i) {
    const model::WindowScores& scores = forecast.scores[i];
    ForecastStats::Window& window = *stats_.windows[i];
    window.skill.store(scores.skill, std::memory_order_relaxed);
    window.direction_accuracy.store(scores.direction_accuracy, std::memory_order_relaxed);
    window.interval_coverage.store(scores.interval_coverage, std::memory_order_relaxed);
    window.valid.store(scores.n > 0, std::memory_order_relaxed);
  }
  stats_.has_forecast.store(true, std::memory_order_release);
}

void SymbolModel::request_retrain() {
  net::post(context_.strand, [self = shared_from_this()] {
    self->forecaster_.request_retrain();
    self->maybe_start_job();
  });
}

void SymbolModel::maybe_start_job() {
  if (stats_.job_running.load(std::memory_order_relaxed) || stopping_) return;
  const model::RetrainTrigger trigger = forecaster_.retrain_trigger();
  if (trigger == model::RetrainTrigger::kNone) return;
  // A job needs min_bars bars; the trigger stays due until the log has them.
  if (logged_bars_ < static_cast<std::uint64_t>(context_.model.min_bars)) return;

  const std::uint64_t up_to = forecaster_.last_sequence();
  const std::uint64_t version = last_version_ + 1;
  cancel_->store(false);
  const bool live_no_skill = forecaster_.last_forecast().status == model::ForecastStatus::kNoSkill;
  auto job = [self = shared_from_this(), live = forecaster_.model(), up_to, version, trigger,
              live_no_skill, cancel = cancel_] {
    const Context& c = self->context_;
    const auto start = std::chrono::steady_clock::now();
    model::RetrainOutcome outcome;
    std::vector<Bar> bars;
    if (std::string error = read_window(c.state_dir, c.exchange, c.symbol, c.interval_ns, up_to,
                                        c.model.window, bars);
        !error.empty()) {
      outcome.result = model::RetrainResult::kFailed;
      outcome.reason = error;
    } else {
      model::RetrainControl control;
      control.cancel = cancel.get();
      control.deadline = start + c.model.train_budget;
      control.created_unix_ns = unix_now_ns();
      control.source = "bar log of " + c.exchange + ":" + c.symbol;
      control.live_no_skill = live_no_skill;
      outcome = model::run_retrain(bars, live, c.model, version, control);
    }
    outcome.seconds = seconds_since(start);
    net::post(c.strand, [self, outcome = std::move(outcome), trigger, up_to]() mutable {
      self->on_job_done(std::move(outcome), trigger, up_to);
    });
  };
  if (!context_.pool->submit(std::move(job))) return;  // shutting down
  stats_.job_running.store(true, std::memory_order_relaxed);
  forecaster_.retrain_submitted();
  if (context_.log) {
    context_.log(feeds::LogLevel::kInfo, context_.exchange + ":" + context_.symbol +
                                             ": retrain started (" +
                                             std::string(model::to_string(trigger)) +
                                             ") on bars up to " + std::to_string(up_to));
  }
}

void SymbolModel::on_job_done(model::RetrainOutcome outcome, model::RetrainTrigger trigger,
                              std::uint64_t submitted_at_sequence) {
  stats_.job_running.store(false, std::memory_order_relaxed);
  stats_.retrain_seconds.observe(outcome.seconds);
  const std::string losses = "validation MSE candidate " + format_loss(outcome.candidate_mse) +
                             ", live " + format_loss(outcome.live_mse) + ", persistence " +
                             format_loss(outcome.persistence_mse) + ", DM z " +
                             format_loss(outcome.dm_z);
  const std::string why = " (" + std::string(model::to_string(trigger)) + ", bars up to " +
                          std::to_string(submitted_at_sequence) + ", " +
                          format_loss(outcome.seconds) + " s)";
  switch (outcome.result) {
    case model::RetrainResult::kAccepted: {
      if (stopping_) return;  // never swap during shutdown
      const std::uint64_t version = outcome.bundle->version;
      if (!forecaster_.install(outcome.bundle, std::move(outcome.state),
                               outcome.state_after_sequence, outcome.last_close)) {
        stats_.retrains_failed.fetch_add(1, std::memory_order_relaxed);
        status("retrain_failed",
               "candidate v" + std::to_string(version) +
                   " was accepted but could not be installed: the bars since bar " +
                   std::to_string(outcome.state_after_sequence) +
                   " are no longer in the replay ring" + why,
               feeds::LogLevel::kWarn);
        break;
      }
      stats_.retrains_accepted.fetch_add(1, std::memory_order_relaxed);
      last_version_ = std::max(last_version_, version);
      note_model_installed();
      const model::Checkpoint checkpoint = forecaster_.snapshot();
      bars_since_checkpoint_ = 0;
      context_.writer->submit([self = shared_from_this(), checkpoint] {
        std::string error = self->store_.save_version(checkpoint);
        if (error.empty()) error = self->store_.save_live(checkpoint);
        self->note_checkpoint(error);
      });
      status("model_swapped", "model v" + std::to_string(version) + " is live: " + losses + why,
             feeds::LogLevel::kInfo);
      break;
    }
    case model::RetrainResult::kRejected:
      stats_.retrains_rejected.fetch_add(1, std::memory_order_relaxed);
      status("retrain_rejected", "candidate rejected: " + outcome.reason + "; " + losses + why,
             feeds::LogLevel::kInfo);
      break;
    case model::RetrainResult::kFailed:
      stats_.retrains_failed.fetch_add(1, std::memory_order_relaxed);
      status("retrain_failed", "retrain failed: " + outcome.reason + why, feeds::LogLevel::kWarn);
      break;
    case model::RetrainResult::kTimeout:
      stats_.retrains_timeout.fetch_add(1, std::memory_order_relaxed);
      if (stopping_) return;
      status("retrain_failed", "retrain stopped at model.train_budget: " + outcome.reason + why,
             feeds::LogLevel::kWarn);
      break;
  }
  maybe_start_job();  // a trigger may have come due while the job ran
}

void SymbolModel::note_model_installed() {
  const auto& bundle = forecaster_.model();
  if (!bundle) return;
  stats_.model_version.store(bundle->version, std::memory_order_relaxed);
  stats_.model_created_unix_ns.store(bundle->meta.created_unix_ns, std::memory_order_relaxed);
  if (!announced_model_) {
    announced_model_ = true;
    if (context_.on_first_model) context_.on_first_model();
  }
}

void SymbolModel::checkpoint_live_async() {
  bars_since_checkpoint_ = 0;
  context_.writer->submit([self = shared_from_this(), checkpoint = forecaster_.snapshot()] {
    self->note_checkpoint(self->store_.save_live(checkpoint));
  });
}

void SymbolModel::note_checkpoint(const std::string& error) {
  const std::string name = context_.exchange + ":" + context_.symbol;
  if (!error.empty()) {
    stats_.checkpoint_errors.fetch_add(1, std::memory_order_relaxed);
    stats_.checkpoint_ok.store(false, std::memory_order_relaxed);
    // One line per outage, not per attempt: a full disk must not flood the
    // journal that may live on it. The counter has every failure.
    if (checkpoint_failures_++ == 0 && context_.log) {
      context_.log(feeds::LogLevel::kError,
                   name + ": cannot persist the model: " + error +
                       "; forecasting continues from memory, retried every " +
                       std::to_string(context_.model.checkpoint_every) + " bars");
    }
    return;
  }
  stats_.checkpoint_ok.store(true, std::memory_order_relaxed);
  if (checkpoint_failures_ > 0 && context_.log) {
    context_.log(feeds::LogLevel::kInfo, name + ": model checkpoints written again after " +
                                             std::to_string(checkpoint_failures_) +
                                             " failed attempt(s)");
  }
  checkpoint_failures_ = 0;
}

void SymbolModel::stop() {
  if (stopping_) return;
  stopping_ = true;
  cancel_->store(true);
  // The last word goes through the writer too, after any save still queued
  // (the daemon drains the writer before it exits), so two writes of
  // live.model never overlap.
  if (forecaster_.model()) checkpoint_live_async();
}

void SymbolModel::status(std::string kind, const std::string& message, feeds::LogLevel level) {
  if (context_.log) context_.log(level, context_.exchange + ":" + context_.symbol + ": " + message);
  StatusEvent event;
  event.exchange = context_.exchange;
  event.symbol = context_.symbol;
  event.kind = std::move(kind);
  event.message = message;
  event.model_version = forecaster_.model() ? forecaster_.model()->version : 0;
  event.time_ns = unix_now_ns();
  context_.publisher->publish_status(event);
}

}  // namespace tickcast::daemon

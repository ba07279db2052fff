#include "daemon/backtest_runner.hpp"

#include <algorithm>
#include <cmath>

#include "model/diebold_mariano.hpp"

namespace tickcast::daemon {
namespace {

// Accumulates one forecaster's evaluation scores.
struct Evaluation {
  model::ScoreAccumulator acc;
  std::vector<double> sq_errors;
  std::size_t covered = 0, n = 0;
  double width = 0;

  void add(double close, double actual, double predicted, double lower, double upper) {
    acc.add(close, actual, predicted);
    sq_errors.push_back((predicted - actual) * (predicted - actual));
    covered += (actual >= lower && actual <= upper) ? 1 : 0;
    if (std::isfinite(upper - lower)) width += upper - lower;
    ++n;
  }
  BacktestScores finish(const std::vector<double>& persistence_sq) const {
    BacktestScores s;
    s.scores = acc.result();
    double p = 0;
    for (double e : persistence_sq) p += e;
    const double prmse = persistence_sq.empty() ? 0 : std::sqrt(p / persistence_sq.size());
    s.skill = prmse > 0 ? 1 - s.scores.rmse_price / prmse : 0;
    s.coverage = n ? static_cast<double>(covered) / n : 0;
    s.mean_width = n ? width / n : 0;
    s.dm_z = model::diebold_mariano(sq_errors, persistence_sq, 0).z;
    return s;
  }
};

double longest_skill(const model::Forecast& f) {
  if (f.scores.empty()) return std::nan("");
  const auto it =
      std::max_element(f.scores.begin(), f.scores.end(),
                       [](const auto& a, const auto& b) { return a.window < b.window; });
  return it->skill;
}

}  // namespace

BacktestResult run_backtest(const std::vector<Bar>& bars, const model::ModelOptions& options,
                            const model::ScoreOptions& scores, const std::string& source,
                            bool keep_models, const BacktestObserver& observe) {
  BacktestResult out;
  if (bars.empty()) return out;
  const Bar& first = bars.front();
  model::Forecaster online(options, scores, first.exchange, first.symbol, first.interval_ns);
  model::Forecaster fixed(options, scores, first.exchange, first.symbol, first.interval_ns);
  bool static_installed = false;
  std::uint64_t next_version = 1;
  Evaluation eval_online, eval_static, eval_persistence;
  out.rows.reserve(bars.size());

  for (std::size_t t = 0; t < bars.size(); ++t) {
    const Bar& bar = bars[t];
    // Score the forecasts made at the previous bar (the evaluation period
    // starts once the static model exists; gap bars are not real prices).
    if (t > 0 && static_installed && out.evaluation_first_sequence != 0 &&
        bars[t - 1].sequence >= out.evaluation_first_sequence && bar.status != BarStatus::kGap) {
      const BacktestRow& prev = out.rows.back();
      const double close = prev.online.close;
      eval_online.add(close, bar.close, prev.online.predicted_close, prev.online.lower,
                      prev.online.upper);
      eval_static.add(close, bar.close, prev.static_predicted_close, prev.static_lower,
                      prev.static_upper);
      eval_persistence.add(close, bar.close, close, prev.online.lower, prev.online.upper);
    }

    const model::Forecast& f = online.on_bar(bar);
    const model::Forecast& s = fixed.on_bar(bar);
    if (observe) observe(bar, f);
    BacktestRow row;
    row.online = f;
    row.online.scores.clear();
    row.static_predicted_close = s.predicted_close;
    row.static_lower = s.lower;
    row.static_upper = s.upper;
    row.static_status = s.status;
    row.online_skill = longest_skill(f);
    row.static_skill = longest_skill(s);
    switch (f.status) {
      case model::ForecastStatus::kOk:
        ++out.status_ok;
        break;
      case model::ForecastStatus::kNoSkill:
        ++out.status_no_skill;
        break;
      case model::ForecastStatus::kWarmingUp:
        ++out.status_warming_up;
        break;
    }

    // A retrain due at this bar runs now, over the last model.window bars.
    const model::RetrainTrigger trigger = online.retrain_trigger();
    const std::size_t seen = t + 1;
    if (trigger != model::RetrainTrigger::kNone &&
        (online.model() || seen >= static_cast<std::size_t>(options.min_bars))) {
      const std::size_t take = std::min(seen, static_cast<std::size_t>(options.window));
      const std::vector<Bar> window(bars.begin() + static_cast<std::ptrdiff_t>(seen - take),
                                    bars.begin() + static_cast<std::ptrdiff_t>(seen));
      model::RetrainControl control;
      control.created_unix_ns = bar.end_ns;
      control.source = source;
      control.live_no_skill = f.status == model::ForecastStatus::kNoSkill;
      const model::RetrainOutcome job =
          model::run_retrain(window, online.model(), options, next_version, control);
      online.retrain_submitted();
      out.train_seconds += job.seconds;
      BacktestRetrain r;
      r.bar_sequence = bar.sequence;
      r.bar_end_ns = bar.end_ns;
      r.trigger = trigger;
      r.result = job.result;
      r.version = next_version;
      r.candidate_mse = job.candidate_mse;
      r.live_mse = job.live_mse;
      r.persistence_mse = job.persistence_mse;
      r.dm_z = job.dm_z;
      r.epochs_run = job.epochs_run;
      r.reason = job.reason;
      out.retrains.push_back(r);
      if (job.result == model::RetrainResult::kAccepted &&
          online.install(job.bundle, job.state, job.state_after_sequence, job.last_close)) {
        ++next_version;
        if (keep_models) out.accepted_models.push_back(online.snapshot());
      }
      if (!static_installed && job.bundle) {
        // The static model: this first candidate, whatever the gate said.
        static_installed =
            fixed.install(job.bundle, job.state, job.state_after_sequence, job.last_close);
        if (static_installed) out.evaluation_first_sequence = bar.sequence + 1;
      }
    }
    out.rows.push_back(std::move(row));
  }
  out.online = eval_online.finish(eval_persistence.sq_errors);
  out.static_model = eval_static.finish(eval_persistence.sq_errors);
  out.persistence = eval_persistence.finish(eval_persistence.sq_errors);
  if (keep_models && online.model()) out.final_model = online.snapshot();
  out.online_final_windows = online.last_forecast().scores;
  out.static_final_windows = fixed.last_forecast().scores;
  return out;
}

}  // namespace tickcast::daemon

#include "model/retrain.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "model/dataset.hpp"
#include "model/diebold_mariano.hpp"
#include "model/gap_tracker.hpp"
#include "model/options_check.hpp"
#include "model/trainer.hpp"

namespace tickcast::model {
namespace {

// Thrown from the trainer's progress callback to stop it between epochs.
struct Stopped {};

struct StreamRun {
  std::vector<double> sq_errors;  // per scored forecast, price units squared
  double mean_abs_return_residual = 0;
  LstmState<float> final_state;
};

// One stream over all bars from a zero state, as the forecaster would run
// it; forecasts made at bars [first_scored, n - 1) are scored against the
// next bar (unless that one is a gap). `bundle` null means persistence.
StreamRun run_stream(const ModelBundle* bundle, const std::vector<Bar>& bars,
                     std::size_t first_scored, const ModelOptions& options) {
  StreamRun run;
  GapTracker gaps(options.max_gap_bars, options.warmup_steps);
  std::vector<double> raw(bundle ? bundle->features.size() : 0);
  std::vector<float> x(raw.size());
  if (bundle) run.final_state = bundle->lstm.make_state();
  double abs_residual_sum = 0;
  for (std::size_t t = 0; t < bars.size(); ++t) {
    const bool reset =
        gaps.on_bar(bars[t].status, t == 0 ? 0 : missing_buckets(bars[t - 1].end_ns, bars[t]));
    double predicted_return = 0;
    if (bundle) {
      if (reset) {
        run.final_state.reset();
      } else {
        bundle->features.compute(bars[t], t == 0 ? 0.0 : bars[t - 1].close, raw);
        bundle->scaler.transform(raw, x);
        const float y = bundle->lstm.step(x, run.final_state)[0];
        if (!gaps.warming()) {
          const double r = bundle->predicted_return(y, bars[t].close);
          if (std::isfinite(r)) predicted_return = r;
        }
      }
    }
    if (t < first_scored || t + 1 >= bars.size()) continue;
    const Bar& next = bars[t + 1];
    if (next.status == BarStatus::kGap || !(next.close > 0) || !(bars[t].close > 0)) continue;
    const double predicted = bars[t].close * std::exp(predicted_return);
    run.sq_errors.push_back((predicted - next.close) * (predicted - next.close));
    abs_residual_sum += std::abs(std::log(next.close / bars[t].close) - predicted_return);
  }
  if (!run.sq_errors.empty()) {
    run.mean_abs_return_residual = abs_residual_sum / static_cast<double>(run.sq_errors.size());
  }
  return run;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string_view to_string(RetrainResult result) {
  switch (result) {
    case RetrainResult::kAccepted:
      return "accepted";
    case RetrainResult::kRejected:
      return "rejected";
    case RetrainResult::kFailed:
      return "failed";
    case RetrainResult::kTimeout:
      return "timeout";
  }
  return "unknown";
}

RetrainOutcome run_retrain(const std::vector<Bar>& bars,
                           const std::shared_ptr<const ModelBundle>& live,
                           const ModelOptions& options, std::uint64_t next_version,
                           const RetrainControl& control) {
  const auto began = std::chrono::steady_clock::now();
  RetrainOutcome out;
  const auto finish = [&](RetrainResult result, std::string reason) {
    out.result = result;
    out.reason = std::move(reason);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    return out;
  };
  const auto stopped = [&] {
    return (control.cancel && control.cancel->load(std::memory_order_relaxed)) ||
           std::chrono::steady_clock::now() >= control.deadline;
  };
  if (std::string error = check_options(options); !error.empty()) {
    return finish(RetrainResult::kFailed, error);
  }
  if (bars.size() < static_cast<std::size_t>(options.min_bars)) {
    return finish(RetrainResult::kFailed, "too few bars: " + std::to_string(bars.size()) +
                                              " < model.min_bars " +
                                              std::to_string(options.min_bars));
  }
  const auto validation = static_cast<std::size_t>(options.validation_bars);
  if (bars.size() <= validation + 2) {
    return finish(RetrainResult::kFailed,
                  "window of " + std::to_string(bars.size()) + " bars leaves nothing to train on");
  }
  const std::size_t train_bars = bars.size() - validation;

  // 1. Train on the train part.
  const std::vector<Bar> training(bars.begin(),
                                  bars.begin() + static_cast<std::ptrdiff_t>(train_bars));
  PreparedData data;
  if (std::string error = prepare_data(training, options, data); !error.empty()) {
    return finish(RetrainResult::kFailed, error);
  }
  if (stopped()) return finish(RetrainResult::kTimeout, "stopped before training");
  TrainingResult trained;
  try {
    const std::string error = train_lstm(
        data.scaled, options,
        [&](const EpochReport&) {
          if (stopped()) throw Stopped{};
        },
        trained);
    if (!error.empty()) return finish(RetrainResult::kFailed, error);
  } catch (const Stopped&) {
    return finish(RetrainResult::kTimeout, "stopped during training (budget or cancel)");
  }
  out.epochs_run = static_cast<int>(trained.epochs.size());

  Target target{};
  (void)parse_target(options.target, target);  // checked by check_options
  TrainingMetadata meta;
  meta.created_unix_ns = control.created_unix_ns;
  meta.data_start_ns = bars.front().start_ns;
  meta.data_end_ns = training.back().end_ns;
  meta.train_rows = trained.train_rows;
  meta.validation_rows = trained.validation_rows;
  meta.epochs_run = static_cast<std::uint32_t>(trained.epochs.size());
  meta.best_epoch = static_cast<std::uint32_t>(trained.best_epoch);
  meta.train_loss =
      trained.best_epoch > 0
          ? trained.epochs[static_cast<std::size_t>(trained.best_epoch) - 1].train_loss
          : 0.0;
  meta.validation_loss = trained.best_validation_loss;
  meta.seed = options.seed;
  meta.seq_len = static_cast<std::uint32_t>(options.seq_len);
  meta.batch = static_cast<std::uint32_t>(options.batch);
  meta.learning_rate = options.learning_rate;
  meta.source = control.source;
  if (stopped()) return finish(RetrainResult::kTimeout, "stopped after training");

  // 2. Walk-forward validation: forecasts made at bars [train_bars - 1,
  //    n - 1) are about the validation bars.
  const std::size_t first_scored = train_bars - 1;
  auto candidate = std::make_shared<ModelBundle>(next_version, options.features, target,
                                                 data.scaler, trained.weights, meta, 0.0);
  StreamRun cand = run_stream(candidate.get(), bars, first_scored, options);
  candidate->residual_scale = cand.mean_abs_return_residual;
  const StreamRun pers = run_stream(nullptr, bars, first_scored, options);
  out.validation_forecasts = cand.sq_errors.size();
  out.candidate_mse = mean(cand.sq_errors);
  out.persistence_mse = mean(pers.sq_errors);
  if (live) {
    if (stopped()) return finish(RetrainResult::kTimeout, "stopped during validation");
    out.live_mse = mean(run_stream(live.get(), bars, first_scored, options).sq_errors);
  }
  out.dm_z = diebold_mariano(cand.sq_errors, pers.sq_errors, 0).z;
  out.bundle = candidate;
  out.state = std::move(cand.final_state);
  out.state_after_sequence = bars.back().sequence;
  out.last_close = bars.back().close;
  out.last_bar_end_ns = bars.back().end_ns;

  if (!std::isfinite(out.candidate_mse)) {
    return finish(RetrainResult::kFailed, "no validation forecast could be scored");
  }
  // 3. The gate.
  const std::string losses = "candidate MSE " + num(out.candidate_mse) + ", live " +
                             (live ? num(out.live_mse) : std::string("none")) + ", persistence " +
                             num(out.persistence_mse) + ", DM z " + num(out.dm_z);
  if (control.gate_override == GateOverride::kForceAccept) {
    return finish(RetrainResult::kAccepted, "forced accept (test hook); " + losses);
  }
  if (control.gate_override == GateOverride::kForceReject) {
    return finish(RetrainResult::kRejected, "forced reject (test hook); " + losses);
  }
  const double margin = control.live_no_skill ? 0.0 : options.min_improvement;
  if (live && !(out.candidate_mse < out.live_mse * (1.0 - margin))) {
    return finish(RetrainResult::kRejected,
                  control.live_no_skill
                      ? "not better than the no_skill live model: " + losses
                      : "not better than the live model by model.min_improvement " +
                            num(options.min_improvement) + ": " + losses);
  }
  if (out.dm_z > options.dm_threshold) {
    return finish(RetrainResult::kRejected,
                  "significantly worse than persistence (DM z > model.dm_threshold " +
                      num(options.dm_threshold) + "): " + losses);
  }
  return finish(RetrainResult::kAccepted,
                (!live                   ? "first model: "
                 : control.live_no_skill ? "beats the no_skill live model: "
                                         : "beats the live model: ") +
                    losses);
}

}  // namespace tickcast::model

#include "model/options_check.hpp"

#include <sstream>

#include "model/features.hpp"

namespace tickcast::model {
namespace {

template <typename V>
std::string out_of_range(const char* key, V value, const char* range) {
  std::ostringstream s;
  s << "model." << key << " = " << value << " is out of range " << range;
  return s.str();
}

}  // namespace

std::string check_online_options(const ModelOptions& o) {
  if (o.window < 100 || o.window > 1000000)
    return out_of_range("window", o.window, "100 to 1000000");
  if (o.min_bars < 50 || o.min_bars > 1000000) {
    return out_of_range("min_bars", o.min_bars, "50 to 1000000");
  }
  if (o.min_bars > o.window) {
    return "model.min_bars = " + std::to_string(o.min_bars) +
           " exceeds model.window = " + std::to_string(o.window);
  }
  if (o.validation_bars < 10 || o.validation_bars > 100000) {
    return out_of_range("validation_bars", o.validation_bars, "10 to 100000");
  }
  if (o.validation_bars >= o.min_bars) {
    return "model.validation_bars = " + std::to_string(o.validation_bars) +
           " must be less than model.min_bars = " + std::to_string(o.min_bars) +
           " (a job needs bars to train on)";
  }
  if (o.retrain_every < 0 || o.retrain_every > 10000000) {
    return out_of_range("retrain_every", o.retrain_every, "0 to 10000000");
  }
  if (!(o.min_improvement >= 0 && o.min_improvement <= 0.99)) {
    return out_of_range("min_improvement", o.min_improvement, "0 to 0.99");
  }
  if (o.drift != "page_hinkley" && o.drift != "adwin" && o.drift != "none") {
    return "model.drift = \"" + o.drift + "\" is not one of \"page_hinkley\", \"adwin\", \"none\"";
  }
  if (!(o.drift_delta >= 0 && o.drift_delta <= 10)) {
    return out_of_range("drift_delta", o.drift_delta, "0 to 10");
  }
  if (!(o.drift_lambda >= 1 && o.drift_lambda <= 1e6)) {
    return out_of_range("drift_lambda", o.drift_lambda, "1 to 1e6");
  }
  if (!(o.adwin_confidence >= 1e-9 && o.adwin_confidence <= 0.5)) {
    return out_of_range("adwin_confidence", o.adwin_confidence, "1e-9 to 0.5");
  }
  if (!(o.dm_threshold >= 0 && o.dm_threshold <= 10)) {
    return out_of_range("dm_threshold", o.dm_threshold, "0 to 10");
  }
  if (o.max_gap_bars < 1 || o.max_gap_bars > 100000) {
    return out_of_range("max_gap_bars", o.max_gap_bars, "1 to 100000");
  }
  if (o.keep_versions < 1 || o.keep_versions > 1000) {
    return out_of_range("keep_versions", o.keep_versions, "1 to 1000");
  }
  if (o.checkpoint_every < 1 || o.checkpoint_every > 1000000) {
    return out_of_range("checkpoint_every", o.checkpoint_every, "1 to 1000000");
  }
  if (o.train_budget < std::chrono::seconds(1) || o.train_budget > std::chrono::hours(24)) {
    return out_of_range("train_budget", std::to_string(o.train_budget.count()) + " ns",
                        "1 s to 24 h");
  }
  if (!(o.aci_gamma >= 0 && o.aci_gamma <= 0.5)) {
    return out_of_range("aci_gamma", o.aci_gamma, "0 to 0.5");
  }
  if (o.conformal_window < 20 || o.conformal_window > 100000) {
    return out_of_range("conformal_window", o.conformal_window, "20 to 100000");
  }
  return "";
}

std::string check_score_options(const ScoreOptions& s) {
  if (s.windows.empty() || s.windows.size() > 8) {
    return "scores.windows must list 1 to 8 windows, got " + std::to_string(s.windows.size());
  }
  for (int w : s.windows) {
    if (w < 2 || w > 1000000) {
      return "scores.windows entry " + std::to_string(w) + " is out of range 2 to 1000000";
    }
  }
  return "";
}

std::string check_options(const ModelOptions& o) {
  if (o.layers < 1 || o.layers > 8) return out_of_range("layers", o.layers, "1 to 8");
  if (o.hidden < 1 || o.hidden > 1024) return out_of_range("hidden", o.hidden, "1 to 1024");
  if (o.seq_len < 2 || o.seq_len > 4096) return out_of_range("seq_len", o.seq_len, "2 to 4096");
  if (o.batch < 1 || o.batch > 4096) return out_of_range("batch", o.batch, "1 to 4096");
  if (!(o.learning_rate > 0 && o.learning_rate <= 1)) {
    return out_of_range("learning_rate", o.learning_rate, "(0, 1]");
  }
  if (o.epochs < 1 || o.epochs > 10000) return out_of_range("epochs", o.epochs, "1 to 10000");
  if (o.warmup_steps < 0 || o.warmup_steps >= o.seq_len) {
    return out_of_range("warmup_steps", o.warmup_steps, "0 to seq_len - 1");
  }
  if (o.window_stride < 1 || o.window_stride > 4096) {
    return out_of_range("window_stride", o.window_stride, "1 to 4096");
  }
  if (!(o.grad_clip >= 0 && o.grad_clip <= 1e6)) {
    return out_of_range("grad_clip", o.grad_clip, "0 to 1e6");
  }
  if (!(o.weight_decay >= 0 && o.weight_decay < 1)) {
    return out_of_range("weight_decay", o.weight_decay, "0 to 1 (exclusive)");
  }
  if (!(o.validation_fraction >= 0.01 && o.validation_fraction <= 0.5)) {
    return out_of_range("validation_fraction", o.validation_fraction, "0.01 to 0.5");
  }
  if (o.patience < 1 || o.patience > 1000) return out_of_range("patience", o.patience, "1 to 1000");
  if (!(o.interval_coverage >= 0.5 && o.interval_coverage <= 0.999)) {
    return out_of_range("interval_coverage", o.interval_coverage, "0.5 to 0.999");
  }
  if (o.loss != "mse" && o.loss != "huber") {
    return "model.loss = \"" + o.loss + "\" is not one of \"mse\", \"huber\"";
  }
  if (o.target != "log_return" && o.target != "close") {
    return "model.target = \"" + o.target + "\" is not one of \"log_return\", \"close\"";
  }
  if (std::string error = check_feature_names(o.features); !error.empty()) {
    return "model.features: " + error;
  }
  return check_online_options(o);
}

}  // namespace tickcast::model

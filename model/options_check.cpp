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
  return "";
}

}  // namespace tickcast::model

#include "model/features.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tickcast::model {
namespace {

constexpr std::array<std::string_view, 8> kKnown{"log_return", "log_range",   "log_body",
                                                 "log_volume", "trade_count", "imbalance",
                                                 "vwap_gap",   "mask"};

double log_ratio(double a, double b) {
  return (a > 0 && b > 0) ? std::log(a / b) : 0.0;
}

}  // namespace

std::span<const std::string_view> known_features() {
  return kKnown;
}

std::string check_feature_names(const std::vector<std::string>& names) {
  if (names.empty()) return "the feature list is empty";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(kKnown.begin(), kKnown.end(), names[i]) == kKnown.end()) {
      std::string known;
      for (auto k : kKnown) known += (known.empty() ? "" : ", ") + std::string(k);
      return "unknown feature \"" + names[i] + "\" (known: " + known + ")";
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return "feature \"" + names[i] + "\" is listed twice";
    }
  }
  return "";
}

FeatureSet::FeatureSet(const std::vector<std::string>& names) : names_(names) {
  for (const auto& n : names) {
    ids_.push_back(static_cast<int>(std::find(kKnown.begin(), kKnown.end(), n) - kKnown.begin()));
  }
}

void FeatureSet::compute(const Bar& bar, double previous_close,
                         std::span<double> out) const noexcept {
  for (std::size_t k = 0; k < ids_.size(); ++k) {
    double v = 0.0;
    switch (ids_[k]) {
      case 0:
        v = log_ratio(bar.close, previous_close);
        break;
      case 1:
        v = log_ratio(bar.high, bar.low);
        break;
      case 2:
        v = log_ratio(bar.close, bar.open);
        break;
      case 3:
        v = std::log1p(std::max(bar.volume, 0.0));
        break;
      case 4:
        v = std::log1p(static_cast<double>(bar.trade_count));
        break;
      case 5: {
        const double total = bar.buy_volume + bar.sell_volume;
        v = total > 0 ? (bar.buy_volume - bar.sell_volume) / total : 0.0;
        break;
      }
      case 6:
        v = log_ratio(bar.vwap, bar.close);
        break;
      case 7:
        v = bar.status == BarStatus::kTraded ? 0.0 : 1.0;
        break;
      default:
        break;
    }
    out[k] = v;
  }
}

bool parse_target(std::string_view name, Target& out) {
  if (name == "log_return") {
    out = Target::kLogReturn;
    return true;
  }
  if (name == "close") {
    out = Target::kClose;
    return true;
  }
  return false;
}

std::string_view to_string(Target target) {
  return target == Target::kLogReturn ? "log_return" : "close";
}

double target_value(Target target, double close, double next_close) {
  return target == Target::kLogReturn ? log_ratio(next_close, close) : next_close;
}

double predicted_close(Target target, double close, double prediction) {
  return target == Target::kLogReturn ? close * std::exp(prediction) : prediction;
}

}  // namespace tickcast::model

// Named features computed from bars, and the targets the head learns.
//
// Every feature of bar t depends only on bar t and the previous bar's close,
// so the daemon can compute it the moment a bar closes. The set is chosen by
// name (model.features); names are stored in checkpoints so a model always
// gets the features it was trained on.
//
//   log_return   log(close / previous close)           0 for the first bar
//   log_range    log(high / low)
//   log_body     log(close / open)
//   log_volume   log1p(volume)                         base currency
//   trade_count  log1p(trade_count)                    0 when the source has no counts
//   imbalance    (buy_volume - sell_volume) / (buy_volume + sell_volume), 0 if both 0
//   vwap_gap     log(vwap / close)                     0 when vwap is unknown
//   mask         1 for quiet or gap bars, 0 for traded bars
//
// Non-positive prices make a log feature 0 rather than NaN.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::model {

// Every feature name this version knows, in the order above.
std::span<const std::string_view> known_features();

// "" if every name is known, none repeats and the list is not empty; else
// names the offending feature.
[[nodiscard]] std::string check_feature_names(const std::vector<std::string>& names);

class FeatureSet {
 public:
  // REQUIRES: check_feature_names(names).empty().
  explicit FeatureSet(const std::vector<std::string>& names);

  [[nodiscard]] std::size_t size() const { return ids_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }

  // Writes size() values for `bar`; previous_close <= 0 means "no previous bar".
  void compute(const Bar& bar, double previous_close, std::span<double> out) const noexcept;

 private:
  std::vector<std::string> names_;
  std::vector<int> ids_;  // index into known_features()
};

enum class Target {
  kLogReturn,  // log(close_{t+1} / close_t)
  kClose,      // close_{t+1}
};

// "log_return" or "close"; false for anything else.
[[nodiscard]] bool parse_target(std::string_view name, Target& out);
std::string_view to_string(Target target);

// The target for bar t given the next bar's close.
double target_value(Target target, double close, double next_close);

// The predicted next close from a target-space prediction made at a bar
// with close `close`.
double predicted_close(Target target, double close, double prediction);

}  // namespace tickcast::model

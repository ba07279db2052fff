// The forecast a symbol publishes when a bar closes: what the next bar's
// close will be, how sure the model is, and how well it has been doing.
//
// A plain value type, so the daemon can serialize it for subscribers and
// metrics without knowing anything about how it was computed.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tickcast::model {

// Why the forecast is what it is.
enum class ForecastStatus : std::uint8_t {
  kWarmingUp,  // no model yet (or the state is re-warming after a long gap):
               // the prediction is persistence, model_version is 0
  kOk,         // the live model's forecast
  kNoSkill,    // the live model's forecast, but its rolling errors are
               // significantly worse than persistence: use persistence_close
};

constexpr std::string_view to_string(ForecastStatus status) {
  switch (status) {
    case ForecastStatus::kWarmingUp:
      return "warming_up";
    case ForecastStatus::kOk:
      return "ok";
    case ForecastStatus::kNoSkill:
      return "no_skill";
  }
  return "unknown";
}

// Rolling scores of the forecasts already scored, over the last `window`
// bars (fewer while the symbol is young: see n). NaN where undefined.
struct WindowScores {
  int window = 0;     // bars
  std::size_t n = 0;  // forecasts scored in the window
  double mae_return = std::numeric_limits<double>::quiet_NaN();
  double rmse_return = std::numeric_limits<double>::quiet_NaN();
  double mae_price = std::numeric_limits<double>::quiet_NaN();
  double rmse_price = std::numeric_limits<double>::quiet_NaN();
  double persistence_mae_price = std::numeric_limits<double>::quiet_NaN();
  double persistence_rmse_price = std::numeric_limits<double>::quiet_NaN();
  // Share of non-zero actual moves whose sign the forecast got right.
  double direction_accuracy = std::numeric_limits<double>::quiet_NaN();
  // 1 - RMSE(model) / RMSE(persistence), on price: > 0 beats persistence.
  double skill = std::numeric_limits<double>::quiet_NaN();
  // Share of actual closes inside the published interval, and its mean width.
  double interval_coverage = std::numeric_limits<double>::quiet_NaN();
  double interval_mean_width = std::numeric_limits<double>::quiet_NaN();
};

struct Forecast {
  std::string exchange;
  std::string symbol;
  std::int64_t interval_ns = 0;

  // The bar just closed, that the forecast was made at.
  std::uint64_t bar_sequence = 0;
  std::int64_t bar_start_ns = 0;
  std::int64_t bar_end_ns = 0;
  double close = 0;

  // The bar forecast: the next one, [target_start_ns, target_end_ns).
  std::int64_t target_start_ns = 0;
  std::int64_t target_end_ns = 0;

  double predicted_return = 0;  // log(predicted_close / close)
  double predicted_close = 0;
  double persistence_close = 0;  // naive persistence: equals close
  // Prediction interval for the next close at nominal `coverage`.
  double lower = 0;
  double upper = 0;
  double coverage = 0;

  ForecastStatus status = ForecastStatus::kWarmingUp;
  std::uint64_t model_version = 0;         // 0: no model
  std::int64_t model_created_unix_ns = 0;  // when the live model was trained
  std::vector<WindowScores> scores;        // one per scores.windows entry
};

}  // namespace tickcast::model

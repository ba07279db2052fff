#include "feeds/resampler_options.hpp"

#include <utility>

namespace tickcast::feeds {

std::optional<LatePolicy> parse_late_policy(std::string_view text) {
  if (text == "drop") return LatePolicy::kDrop;
  if (text == "revise") return LatePolicy::kRevise;
  return std::nullopt;
}

std::optional<std::string> make_resampler_options(const BarOptions& bars, std::string exchange,
                                                  std::string symbol, bool consecutive_trade_ids,
                                                  ResamplerOptions& out, bool trade_ids_usable) {
  const std::int64_t interval = bars.interval.count();
  const std::int64_t lateness = bars.allowed_lateness.count();
  if (interval <= 0) return "bars.interval must be positive";
  if (lateness < 0) return "bars.allowed_lateness must not be negative";
  if (lateness > interval) return "bars.allowed_lateness must be at most bars.interval";
  const auto policy = parse_late_policy(bars.late_policy);
  if (!policy) return "bars.late_policy must be \"drop\" or \"revise\"";
  if (bars.revision_horizon_bars < 1) return "bars.revision_horizon must be at least 1";
  if (bars.max_gap_fill_bars < 1) return "bars.max_gap_fill_bars must be at least 1";
  if (!(bars.max_price_ratio == 0 || bars.max_price_ratio > 1)) {
    return "bars.max_price_ratio must be 0 (no band) or above 1";
  }
  if (bars.price_confirm_trades < 1) return "bars.price_confirm_trades must be at least 1";

  ResamplerOptions options;
  options.exchange = std::move(exchange);
  options.symbol = std::move(symbol);
  options.interval_ns = interval;
  options.allowed_lateness_ns = lateness;
  options.late_policy = *policy;
  options.revision_horizon_bars = bars.revision_horizon_bars;
  options.max_gap_fill_bars = bars.max_gap_fill_bars;
  options.max_price_ratio = bars.max_price_ratio;
  options.price_confirm_trades = bars.price_confirm_trades;
  options.consecutive_trade_ids = consecutive_trade_ids && trade_ids_usable;
  options.trade_ids_usable = trade_ids_usable;
  out = std::move(options);
  return std::nullopt;
}

}  // namespace tickcast::feeds

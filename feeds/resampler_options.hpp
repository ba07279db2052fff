// What one symbol's Resampler needs to know, resolved from the [bars] config
// section plus what the exchange dialect says about its trade ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feeds/bar_options.hpp"

namespace tickcast::feeds {

// What to do with a trade whose bar has already closed.
enum class LatePolicy : std::uint8_t {
  kDrop,    // count it (late_dropped) and discard it
  kRevise,  // count it (late_revised), add it to the closed bar, re-emit the bar as a revision
};

// "drop" or "revise"; nullopt for anything else.
[[nodiscard]] std::optional<LatePolicy> parse_late_policy(std::string_view text);

struct ResamplerOptions {
  std::string exchange;  // copied into every Bar
  std::string symbol;    // copied into every Bar

  // Bar length in ns, > 0. Buckets are [k * interval, (k + 1) * interval).
  std::int64_t interval_ns = 60'000'000'000;

  // REQUIRES: 0 <= allowed_lateness_ns <= interval_ns.
  std::int64_t allowed_lateness_ns = 2'000'000'000;

  LatePolicy late_policy = LatePolicy::kDrop;

  // How many closed bars keep their trade ids and sums, so that a late
  // trade can still be recognised as a duplicate and, under kRevise, be
  // applied. A late trade for an older bar is always dropped.
  // Default: 16. REQUIRES: >= 1.
  int revision_horizon_bars = 16;

  // True when the exchange numbers trades consecutively (Binance, Coinbase,
  // Bitstamp): then a missing id means a missed trade, and the bar is a gap.
  // False for exchanges whose ids are unique but not consecutive.
  bool consecutive_trade_ids = true;

  // False when the exchange gives no usable trade ids (a dialect with
  // IdContinuity::kNone): then no trade is a duplicate by id and no id holes
  // are looked for.
  bool trade_ids_usable = true;

  // How long one half of the exchange-to-local offset window lasts (local
  // time); the offset is the largest (exchange time - receive time) seen over
  // the last one to two windows, i.e. the sample with the least network delay.
  std::int64_t offset_window_ns = 30'000'000'000;

  // A trade whose exchange time is more than this ahead of its receive time,
  // and more than this after the newest trade accepted before it, is dropped
  // and counted (ResamplerStats::future_trades). Exchange clocks and
  // NTP-synced hosts agree to milliseconds; a timestamp minutes ahead of
  // both is a broken feed. Not checked for trades without a receive time.
  // 0 disables. Default: 5 minutes.
  std::int64_t max_future_ns = 300'000'000'000;

  // The most empty buckets one step of the watermark fills with bars. When a
  // trade or advance() would close more (the first trade after days of
  // downtime, a process stopped for hours), the series breaks instead: the
  // buckets holding trades close as usual, the empty ones are skipped except
  // the last, which closes as a single gap bar (BarEvent::skipped_before says
  // how many were skipped; its sequence follows on, its start_ns does not).
  // Default: 1440 (a day of 1-minute bars). REQUIRES: >= 1.
  std::int64_t max_gap_fill_bars = 1440;

  // A trade priced above anchor * max_price_ratio or below
  // anchor / max_price_ratio is refused and counted (ResamplerStats::
  // price_outliers), unless price_confirm_trades of them in a row agree:
  // then the band moves to them and they are taken (see price_band.hpp).
  // 0 disables. Default: 10. REQUIRES: 0 or > 1.
  double max_price_ratio = 10;
  // Default: 5. REQUIRES: >= 1.
  int price_confirm_trades = 5;
};

// Builds options from the config section. Returns an error message (and leaves
// `out` alone) when the section is inconsistent.
[[nodiscard]] std::optional<std::string> make_resampler_options(
    const BarOptions& bars, std::string exchange, std::string symbol, bool consecutive_trade_ids,
    ResamplerOptions& out, bool trade_ids_usable = true);

}  // namespace tickcast::feeds

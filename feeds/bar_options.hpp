// Options of the resampler and the bar log: the `[bars]` config section.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tickcast::feeds {

struct BarOptions {
  // Length of one bar, aligned to the Unix epoch.
  // Default: 1 min. Range: 1 s to 1 day, a whole number of seconds.
  std::chrono::nanoseconds interval = std::chrono::minutes(1);

  // How far behind the newest exchange time a trade may arrive and still
  // count in its bar. Larger values delay every bar by the same amount.
  // Default: 2 s. REQUIRES: at most `interval`.
  std::chrono::nanoseconds allowed_lateness = std::chrono::seconds(2);

  // What happens to a trade that arrives after its bar closed: "drop" counts
  // and discards it; "revise" re-publishes the bar as a revision.
  // Default: "drop".
  std::string late_policy = "drop";

  // How many closed bars stay revisable: their trade ids are kept so a late
  // duplicate is still recognised, and under "revise" a late trade for one of
  // them re-publishes it. Later trades are dropped (and counted) either way.
  // Default: 16. Range: 1 to 1024.
  int revision_horizon_bars = 16;

  // The most empty bars one trade (or one tick of the clock) may close at
  // once, e.g. the first trade after a long downtime. Beyond it the series
  // breaks: one gap bar stands for the skipped ones, and its start is not the
  // previous bar's end. Default: 1440. Range: 1 to 10,000,000.
  std::int64_t max_gap_fill_bars = 1440;

  // A trade priced more than this factor above or below the last accepted
  // price is refused and counted, unless price_confirm_trades such trades in
  // a row agree with each other: then they are the new price, and are taken.
  // Default: 10. Range: 0 (no check), or above 1 up to 1e6.
  double max_price_ratio = 10;
  int price_confirm_trades = 5;  // Range: 1 to 1000.

  // The bar log is fsynced at least this often: a crash loses at most this
  // much of the newest bars. Default: 1 s. Range: 0 (every bar) to 1 min.
  std::chrono::nanoseconds fsync_interval = std::chrono::seconds(1);

  // Bar-log segments older than this are deleted. Default: 30 days.
  std::chrono::nanoseconds retention = std::chrono::hours(24 * 30);

  // A bar-log segment is closed and a new one started at this size.
  // Default: 64 MiB. Range: 64 KiB to 4 GiB.
  std::int64_t segment_bytes = 64 << 20;
};

}  // namespace tickcast::feeds

// Bars as CSV: the output of `tickcast resample` and `tickcast bars dump`.
//
// One header line naming every Bar field, then one line per bar, fields in
// the header's order. Times are integer nanoseconds since the Unix epoch;
// prices and volumes are printed in the shortest form that reads back to
// the same double; status is traded, quiet or gap.
#pragma once

#include <string>
#include <string_view>

#include "feeds/market.hpp"

namespace tickcast::feeds {

// "exchange,symbol,interval_ns,...,revision" (no newline).
[[nodiscard]] std::string_view bar_csv_header();

// Appends one line (with its newline) describing `bar`.
void append_bar_csv(const Bar& bar, std::string& out);

}  // namespace tickcast::feeds

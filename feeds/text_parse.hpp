// Locale-free parsing of the numbers and times exchanges put in their frames.
//
// Prices and quantities arrive as decimal strings ("61837.63000000",
// "0.00000001"). They are converted with std::from_chars, which rounds to the
// nearest double (IEEE round-half-even) and never consults the C locale. Any
// decimal with at most 15 significant digits survives the trip to double and
// back unchanged (DBL_DIG is 15); every price and size the supported exchanges
// publish fits (at most 8 decimals on values far below 1e7), so "0.00000001"
// prints back as 1e-08 and "61837.63000000" as 61837.63. Times are parsed as
// integers, never through a double, so microseconds are kept exactly.
#pragma once

#include <cstdint>
#include <string_view>

namespace tickcast::feeds {

// Parses a plain decimal ("123", "-0.5", "1.5e-3") into `out`. Rejects empty
// text, a leading '+', whitespace, trailing characters, "inf" and "nan".
[[nodiscard]] bool parse_decimal(std::string_view text, double& out) noexcept;

// Parses a base-10 unsigned integer with no sign and no trailing characters.
[[nodiscard]] bool parse_uint(std::string_view text, std::uint64_t& out) noexcept;

// Milliseconds (or microseconds) since the epoch to nanoseconds, failing on
// overflow.
[[nodiscard]] bool millis_to_ns(std::uint64_t ms, std::int64_t& out_ns) noexcept;
[[nodiscard]] bool micros_to_ns(std::uint64_t us, std::int64_t& out_ns) noexcept;

// "1534614057.321597" (seconds with up to 9 decimals) to nanoseconds, exactly.
[[nodiscard]] bool parse_decimal_seconds_ns(std::string_view text, std::int64_t& out_ns) noexcept;

// RFC 3339 UTC time as exchanges send it: "2014-11-07T08:19:27.028459Z", with
// 0-9 fractional digits and "Z" or a "+HH:MM"/"-HH:MM" offset.
[[nodiscard]] bool parse_rfc3339_ns(std::string_view text, std::int64_t& out_ns) noexcept;

}  // namespace tickcast::feeds

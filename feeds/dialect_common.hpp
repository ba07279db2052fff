// Helpers shared by the dialect files (not part of the feeds/ interface):
// simdjson values to numbers and times with DecodeError results, and the
// JSON formatting the replay side uses.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "feeds/dialect.hpp"

namespace tickcast::feeds::detail {

namespace od = simdjson::ondemand;

// Maps a simdjson error to the decode-error label it is counted under.
DecodeError to_decode_error(simdjson::error_code code);

// Starts iterating `frame`: rejects empty and whitespace-only frames.
[[nodiscard]] DecodeError iterate(od::parser& parser, simdjson::padded_string_view frame,
                                  od::document& doc);

// Starts iterating `frame` as one JSON object; any other JSON value is
// kUnexpectedShape.
[[nodiscard]] DecodeError iterate_object(od::parser& parser, simdjson::padded_string_view frame,
                                         od::document& doc, od::object& object);

// Remembers which required field of a frame was missing or bad first.
struct FieldCheck {
  DecodeError error = DecodeError::kOk;
  std::string_view field;
  // Records the outcome of reading `name`; the first failure wins.
  void note(DecodeError e, std::string_view name) {
    if (e != DecodeError::kOk && error == DecodeError::kOk) {
      error = e;
      field = name;
    }
  }
  void require(bool present, std::string_view name) {
    note(present ? DecodeError::kOk : DecodeError::kMissingField, name);
  }
  bool ok() const { return error == DecodeError::kOk; }
  DecodeResult result() const { return DecodeResult::invalid(error, field); }
};

// A JSON string.
[[nodiscard]] DecodeError get_string(od::value& v, std::string_view& out);
// A decimal given as a JSON string ("61837.63") or a JSON number.
[[nodiscard]] DecodeError get_decimal(od::value& v, double& out);
// An unsigned integer given as a JSON number or a numeric string.
[[nodiscard]] DecodeError get_uint(od::value& v, std::uint64_t& out);
[[nodiscard]] DecodeError get_bool(od::value& v, bool& out);
// Milliseconds since the epoch (number or numeric string) to nanoseconds.
[[nodiscard]] DecodeError get_millis_ns(od::value& v, std::int64_t& out);

// True when the document has no bytes left after the value just iterated
// (a second JSON text or garbage after the first is malformed).
[[nodiscard]] bool at_end(od::document& doc);

// Builds DecodeResult::invalid from a simdjson error.
DecodeResult invalid(simdjson::error_code code);

// The shortest decimal that parses back to exactly `value`.
std::string format_decimal(double value);
// A decimal with exactly `decimals` digits after the point ("61837.63000000").
std::string format_fixed(double value, int decimals);
// Nanoseconds since the epoch as RFC 3339 UTC with microseconds.
std::string format_rfc3339_us(std::int64_t ns);

}  // namespace tickcast::feeds::detail

// Text forms of the config's non-TOML value types: durations ("500ms",
// "1h30m"), byte sizes ("8KiB") and listen addresses ("127.0.0.1:9464").
// Each parser returns the value or a message saying what is wrong, never
// throws, and each formatter writes what its parser reads back exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tickcast::config {

// A parse result: the value, or a human-readable reason it is not one.
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;

  static Parsed ok(T v) { return {std::move(v), {}}; }
  static Parsed fail(std::string why) { return {std::nullopt, std::move(why)}; }
  explicit operator bool() const { return value.has_value(); }
};

// "2s", "500ms", "1h30m", "1d", "250us", "10ns": one or more <integer><unit>
// pairs with units d, h, m, s, ms, us, ns. No sign, no fractions, no spaces.
[[nodiscard]] Parsed<std::chrono::nanoseconds> parse_duration(std::string_view text);

// The shortest form parse_duration reads back to the same value ("90s" -> "1m30s").
[[nodiscard]] std::string format_duration(std::chrono::nanoseconds value);

// "16384", "16KiB", "64MiB", "1GiB": an integer with an optional binary unit
// B, KiB, MiB, GiB.
[[nodiscard]] Parsed<std::int64_t> parse_bytes(std::string_view text);

// The largest exact binary unit: 65536 -> "64KiB", 1000 -> "1000B".
[[nodiscard]] std::string format_bytes(std::int64_t value);

struct ListenAddress {
  std::string host;  // an IP literal, without brackets
  std::uint16_t port = 0;
};

// "127.0.0.1:9464", "0.0.0.0:0", "[::1]:9464". Host names are refused: a
// daemon should bind exactly the address it was told.
[[nodiscard]] Parsed<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace tickcast::config

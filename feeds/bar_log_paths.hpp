// Where bar logs live under daemon.state_dir:
//   <state_dir>/bars/<exchange>/<symbol>/<segment number, 16 hex digits>.barlog
// Exchange and symbol are escaped so any spelling is one safe path component:
// bytes other than A-Z a-z 0-9 . _ - become %XX ("XBT/USD" -> "XBT%2FUSD"),
// and "." and ".." are escaped whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tickcast::feeds {

[[nodiscard]] std::string escape_path_component(std::string_view name);

[[nodiscard]] std::filesystem::path bar_log_dir(const std::filesystem::path& state_dir,
                                                std::string_view exchange, std::string_view symbol);

// "000000000000002a.barlog" for 42.
[[nodiscard]] std::string segment_file_name(std::uint64_t number);

// The number in a segment file name, or nullopt for any other name
// (temporary files included).
[[nodiscard]] std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);

}  // namespace tickcast::feeds

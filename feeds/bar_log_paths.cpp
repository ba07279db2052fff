#include "feeds/bar_log_paths.hpp"

#include <charconv>
#include <cstdio>

namespace tickcast::feeds {

namespace {
constexpr std::string_view kSuffix = ".barlog";
constexpr std::size_t kDigits = 16;
}  // namespace

std::string escape_path_component(std::string_view name) {
  std::string out;
  const bool dots_only = name.empty() || name == "." || name == "..";
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || (c == '.' && !dots_only);
    if (safe) {
      out += ch;
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  if (out.empty()) out = "%";  // an empty name still needs a component
  return out;
}

std::filesystem::path bar_log_dir(const std::filesystem::path& state_dir, std::string_view exchange,
                                  std::string_view symbol) {
  return state_dir / "bars" / escape_path_component(exchange) / escape_path_component(symbol);
}

std::string segment_file_name(std::uint64_t number) {
  char buffer[kDigits + 1];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(number));
  return std::string(buffer) + std::string(kSuffix);
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
  if (name.size() != kDigits + kSuffix.size() || name.substr(kDigits) != kSuffix) {
    return std::nullopt;
  }
  std::uint64_t number = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + kDigits, number, 16);
  if (ec != std::errc() || ptr != name.data() + kDigits) return std::nullopt;
  return number;
}

}  // namespace tickcast::feeds

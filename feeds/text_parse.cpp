#include "feeds/text_parse.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace tickcast::feeds {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `pos`.
bool read_fixed(std::string_view text, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), valid for every year an exchange can send.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Parses up to nine fraction digits into nanoseconds; more digits are an error
// rather than a silent truncation.
bool parse_fraction_ns(std::string_view digits, std::int64_t& out) {
  if (digits.empty() || digits.size() > 9) return false;
  std::int64_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  for (std::size_t i = digits.size(); i < 9; ++i) value *= 10;
  out = value;
  return true;
}

}  // namespace

bool parse_decimal(std::string_view text, double& out) noexcept {
  if (text.empty()) return false;
  // from_chars would accept "inf", "nan" and hex-free exponents; only allow a
  // sign or a digit first so that the special values never get through.
  const char first = text[0] == '-' ? (text.size() > 1 ? text[1] : '\0') : text[0];
  if (!is_digit(first) && first != '.') return false;
  double value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (!std::isfinite(value)) return false;
  out = value;
  return true;
}

bool parse_uint(std::string_view text, std::uint64_t& out) noexcept {
  if (text.empty() || !is_digit(text[0])) return false;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = value;
  return true;
}

bool millis_to_ns(std::uint64_t ms, std::int64_t& out_ns) noexcept {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max() / 1'000'000;
  if (ms > kMax) return false;
  out_ns = static_cast<std::int64_t>(ms) * 1'000'000;
  return true;
}

bool micros_to_ns(std::uint64_t us, std::int64_t& out_ns) noexcept {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max() / 1'000;
  if (us > kMax) return false;
  out_ns = static_cast<std::int64_t>(us) * 1'000;
  return true;
}

bool parse_decimal_seconds_ns(std::string_view text, std::int64_t& out_ns) noexcept {
  const std::size_t dot = text.find('.');
  std::uint64_t seconds = 0;
  if (!parse_uint(text.substr(0, dot), seconds)) return false;
  if (seconds >
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / kNanosPerSecond) - 1) {
    return false;
  }
  std::int64_t fraction = 0;
  if (dot != std::string_view::npos && !parse_fraction_ns(text.substr(dot + 1), fraction)) {
    return false;
  }
  out_ns = static_cast<std::int64_t>(seconds) * kNanosPerSecond + fraction;
  return true;
}

bool parse_rfc3339_ns(std::string_view text, std::int64_t& out_ns) noexcept {
  // YYYY-MM-DDTHH:MM:SS[.f+](Z|+HH:MM|-HH:MM)
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_fixed(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !read_fixed(text, 5, 2, month) || text[7] != '-' || !read_fixed(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_fixed(text, 11, 2, hour) ||
      text[13] != ':' || !read_fixed(text, 14, 2, minute) || text[16] != ':' ||
      !read_fixed(text, 17, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  std::size_t pos = 19;
  std::int64_t fraction = 0;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (!parse_fraction_ns(text.substr(start, pos - start), fraction)) return false;
  }
  std::int64_t offset_seconds = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_seconds = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!read_fixed(zone, 1, 2, oh) || !read_fixed(zone, 4, 2, om) || oh > 23 || om > 59) {
      return false;
    }
    offset_seconds = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  // int64 nanoseconds end in 1677 and 2262; a year outside is a bad value,
  // not a signed overflow (found by fuzz_dialect_decode).
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNanosPerSecond;
  if (seconds >= kMaxSeconds || seconds <= -kMaxSeconds) return false;
  out_ns = seconds * kNanosPerSecond + fraction;
  return true;
}

}  // namespace tickcast::feeds

#include "config/value_parsers.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <limits>

namespace tickcast::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t nanoseconds;
};

// Longest suffixes first so "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 7> kDurationUnits{{
    {"ms", 1'000'000},
    {"us", 1'000},
    {"ns", 1},
    {"d", 86'400'000'000'000},
    {"h", 3'600'000'000'000},
    {"m", 60'000'000'000},
    {"s", 1'000'000'000},
}};

// Reads the unsigned integer at the front of `text`, advancing it.
std::optional<std::int64_t> take_integer(std::string_view& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

bool multiply_add(std::int64_t& total, std::int64_t count, std::int64_t unit) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(count, unit, &product)) return false;
  return !__builtin_add_overflow(total, product, &total);
}

}  // namespace

Parsed<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  using Result = Parsed<std::chrono::nanoseconds>;
  const std::string example = " (write a duration like \"500ms\", \"2s\", \"1m30s\" or \"1d\")";
  if (text.empty()) return Result::fail("empty duration" + example);
  std::int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto count = take_integer(rest);
    if (!count) return Result::fail("\"" + std::string(text) + "\" is not a duration" + example);
    const Unit* unit = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (rest.substr(0, u.suffix.size()) == u.suffix) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return Result::fail(
          "\"" + std::string(text) +
          (rest.empty() ? "\" lacks a unit d, h, m, s, ms, us or ns" : "\" is not a duration") +
          example);
    }
    rest.remove_prefix(unit->suffix.size());
    if (!multiply_add(total, *count, unit->nanoseconds)) {
      return Result::fail("\"" + std::string(text) + "\" is too long a duration");
    }
  }
  return Result::ok(std::chrono::nanoseconds(total));
}

std::string format_duration(std::chrono::nanoseconds value) {
  std::int64_t left = value.count();
  if (left == 0) return "0s";
  // Whole days, hours, minutes and seconds, then the sub-second rest in the
  // coarsest unit that is exact.
  std::string out;
  constexpr std::array<Unit, 4> kCoarse{{{"d", 86'400'000'000'000},
                                         {"h", 3'600'000'000'000},
                                         {"m", 60'000'000'000},
                                         {"s", 1'000'000'000}}};
  for (const Unit& u : kCoarse) {
    if (left >= u.nanoseconds) {
      out += std::to_string(left / u.nanoseconds) + std::string(u.suffix);
      left %= u.nanoseconds;
    }
  }
  if (left > 0) {
    if (left % 1'000'000 == 0) {
      out += std::to_string(left / 1'000'000) + "ms";
    } else if (left % 1'000 == 0) {
      out += std::to_string(left / 1'000) + "us";
    } else {
      out += std::to_string(left) + "ns";
    }
  }
  return out;
}

Parsed<std::int64_t> parse_bytes(std::string_view text) {
  using Result = Parsed<std::int64_t>;
  std::string_view rest = text;
  auto count = take_integer(rest);
  if (!count) {
    return Result::fail("\"" + std::string(text) +
                        "\" is not a size (write bytes like 16384, \"16KiB\" or \"64MiB\")");
  }
  std::int64_t unit = 1;
  if (rest == "" || rest == "B") {
    unit = 1;
  } else if (rest == "KiB") {
    unit = std::int64_t{1} << 10;
  } else if (rest == "MiB") {
    unit = std::int64_t{1} << 20;
  } else if (rest == "GiB") {
    unit = std::int64_t{1} << 30;
  } else {
    return Result::fail("\"" + std::string(text) +
                        "\" has an unknown unit (use B, KiB, MiB or GiB)");
  }
  std::int64_t total = 0;
  if (!multiply_add(total, *count, unit)) {
    return Result::fail("\"" + std::string(text) + "\" is too large");
  }
  return Result::ok(total);
}

std::string format_bytes(std::int64_t value) {
  struct ByteUnit {
    std::string_view suffix;
    std::int64_t bytes;
  };
  constexpr std::array<ByteUnit, 3> kUnits{{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}};
  for (const ByteUnit& u : kUnits) {
    if (value != 0 && value % u.bytes == 0) {
      return std::to_string(value / u.bytes) + std::string(u.suffix);
    }
  }
  return std::to_string(value) + "B";
}

Parsed<ListenAddress> parse_listen_address(std::string_view text) {
  using Result = Parsed<ListenAddress>;
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Result::fail(quoted + " is not [IPv6]:port");
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    in6_addr scratch{};
    if (inet_pton(AF_INET6, host.c_str(), &scratch) != 1) {
      return Result::fail(quoted + ": " + host + " is not an IPv6 address");
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return Result::fail(quoted + " lacks a :port");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    in_addr scratch{};
    if (inet_pton(AF_INET, host.c_str(), &scratch) != 1) {
      return Result::fail(quoted + ": " + host +
                          " is not an IPv4 address (IPv6 goes in brackets, host names are not "
                          "accepted)");
    }
  }
  std::uint32_t port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return Result::fail(quoted + ": the port must be a number from 0 to 65535");
  }
  return Result::ok(ListenAddress{std::move(host), static_cast<std::uint16_t>(port)});
}

}  // namespace tickcast::config

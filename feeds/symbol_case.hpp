// Symbols compared and looked up without regard to ASCII case.
//
// Exchanges spell one market differently: the config says "BTCUSDT",
// Binance's stream names say "btcusdt", its trades say "BTCUSDT" again. Every
// trade is routed by its symbol, so the lookup is on the hot path: these
// helpers fold ASCII letters by hand (std::tolower is a locale-aware call per
// character) and let a SymbolMap be searched with a std::string_view, without
// building an upper-cased copy of the key per trade.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tickcast::feeds {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

inline std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// FNV-1a over the lower-cased bytes: symbols are short, and equal symbols in
// any case hash alike.
struct SymbolHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view symbol) const noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : symbol) {
      h ^= static_cast<unsigned char>(ascii_lower(c));
      h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
  }
};

struct SymbolEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    return equals_ignoring_case(a, b);
  }
};

// Keyed by symbol in any case; find() takes a std::string_view.
template <class Value>
using SymbolMap = std::unordered_map<std::string, Value, SymbolHash, SymbolEqual>;

}  // namespace tickcast::feeds

#include "feeds/pair_names.hpp"

#include <array>

#include "feeds/symbol_case.hpp"

namespace tickcast::feeds {
namespace {

// Quote currencies seen on the supported exchanges' spot lists, longest
// first so that "USDT" wins over "USD" and "FDUSD" over "USD".
constexpr std::array<std::string_view, 22> kQuotes{
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDE", "DAI", "USD", "EUR", "GBP", "JPY",
    "TRY",   "BRL",  "AUD",  "CAD",  "CHF",  "PAX",  "BTC", "ETH", "BNB", "SOL", "XRP"};

}  // namespace

std::string common_asset_code(std::string_view code) {
  std::string out = ascii_upper(code);
  if (out == "XBT") return "BTC";
  if (out == "XDG") return "DOGE";
  return out;
}

std::string normalize_concatenated_pair(std::string_view symbol) {
  const std::string up = ascii_upper(symbol);
  for (std::string_view quote : kQuotes) {
    if (up.size() > quote.size() && up.ends_with(quote)) {
      const std::string_view base = std::string_view(up).substr(0, up.size() - quote.size());
      return common_asset_code(base) + "-" + std::string(quote);
    }
  }
  return up;
}

std::string normalize_separated_pair(std::string_view symbol, char separator) {
  const std::size_t first = symbol.find(separator);
  if (first == std::string_view::npos) return normalize_concatenated_pair(symbol);
  const std::string_view base = symbol.substr(0, first);
  std::string_view quote = symbol.substr(first + 1);
  quote = quote.substr(0, quote.find(separator));
  return common_asset_code(base) + "-" + common_asset_code(quote);
}

}  // namespace tickcast::feeds

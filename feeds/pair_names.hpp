// Normalized pair names: every dialect reports a symbol both in the
// exchange's own spelling ("XBT/USD", "btcusd", "BTCUSDT") and as BASE-QUOTE
// in upper case with the common asset codes ("BTC-USD", "BTC-USDT").
#pragma once

#include <string>
#include <string_view>

namespace tickcast::feeds {

// Maps exchange-specific asset codes to the common ones (Kraken's XBT is BTC,
// XDG is DOGE); other codes come back upper-cased.
std::string common_asset_code(std::string_view code);

// "BTCUSDT" / "btcusd" -> "BTC-USDT" / "BTC-USD", by the longest known quote
// currency at the end. A symbol with no known quote comes back upper-cased
// and unsplit, so it still identifies the market.
std::string normalize_concatenated_pair(std::string_view symbol);

// "XBT/USD", "BTC-USD", "BTC-USDT-SWAP" -> "BTC-USD", "BTC-USD", "BTC-USDT":
// the first two parts split at `separator`, each through common_asset_code().
std::string normalize_separated_pair(std::string_view symbol, char separator);

}  // namespace tickcast::feeds

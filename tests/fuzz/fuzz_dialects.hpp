// The dialect configurations the decoder fuzzer covers, shared with the seed
// writer: the first input byte picks one (modulo the count), so a seed for
// dialect i starts with the byte i.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "feeds/dialect.hpp"
#include "feeds/feed_options.hpp"

namespace tickcast::fuzz {

struct FuzzDialect {
  const char* exchange;
  const char* symbol;
  const char* url;      // Kraken's v1 is chosen by its URL
  const char* channel;  // Binance's trade or aggTrade
};

inline constexpr std::array<FuzzDialect, 8> kFuzzDialects = {{
    {"binance", "BTCUSDT", "", ""},
    {"binance", "BTCUSDT", "", "aggTrade"},
    {"coinbase", "BTC-USD", "", ""},
    {"kraken", "XBT/USD", "wss://ws.kraken.com", ""},
    {"kraken", "BTC/USD", "", ""},
    {"bitstamp", "btcusd", "", ""},
    {"okx", "BTC-USDT", "", ""},
    {"bybit", "BTCUSDT", "", ""},
}};

// Aborts when a configuration above is not accepted: a fuzzer that silently
// fuzzes nothing is worse than one that fails to start.
inline std::unique_ptr<feeds::Dialect> make_fuzz_dialect(const FuzzDialect& d) {
  feeds::FeedOptions options;
  options.exchange = d.exchange;
  options.symbols = {d.symbol};
  options.url = d.url;
  options.channel = d.channel;
  std::string error;
  auto dialect = feeds::make_dialect(options, error);
  if (dialect == nullptr) __builtin_trap();
  return dialect;
}

}  // namespace tickcast::fuzz

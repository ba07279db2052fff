// Options of one exchange feed: one `[[feeds]]` table of the config file.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tickcast::feeds {

struct FeedOptions {
  // Which dialect speaks to the exchange: "binance", "coinbase", "kraken",
  // "bitstamp", "okx" or "bybit".
  // REQUIRES: set.
  std::string exchange;

  // Symbols to subscribe to, in the exchange's own spelling ("BTCUSDT" on
  // Binance, "BTC-USD" on Coinbase, "XBT/USD" on Kraken v1).
  // REQUIRES: at least one.
  std::vector<std::string> symbols;

  // Overrides the dialect's default endpoint. `wss://` verifies the server's
  // certificate; `ws://` is for loopback tests and the replay exchange.
  // Default: empty, meaning the dialect's public endpoint.
  std::string url;

  // A PEM file of extra trusted CA certificates, for test exchanges.
  // Default: empty, meaning the system's CA store only.
  std::string ca_file;

  // The trade channel where an exchange offers several (Binance: "trade" or
  // "aggTrade"). Default: empty, meaning the dialect's own choice ("trade").
  std::string channel;

  // A connection that delivers no frame for this long is recycled.
  // Default: 30 s. Range: 1 s to 1 h.
  std::chrono::nanoseconds stale_after = std::chrono::seconds(30);

  // Reconnect delay: the first retry is immediate, then `backoff_initial`
  // doubling to `backoff_max`, each drawn with full jitter.
  // Default: 0.5 s and 30 s.
  std::chrono::nanoseconds backoff_initial = std::chrono::milliseconds(500);
  std::chrono::nanoseconds backoff_max = std::chrono::seconds(30);

  // Open a replacement connection after this long, before the exchange's own
  // forced disconnect (Binance cuts at 24 h). Default: 23 h. Zero disables.
  std::chrono::nanoseconds rotate_after = std::chrono::hours(23);

  // The backoff starts over from an immediate retry once a connection has
  // stayed up this long. Default: 60 s.
  std::chrono::nanoseconds backoff_reset_after = std::chrono::seconds(60);

  // Each of the resolve, connect, TLS and websocket-upgrade stages must finish
  // within this time. Default: 10 s. Range: 100 ms to 5 min.
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds(10);

  // Frames larger than this are discarded unparsed while they stream in
  // (counted as decode error "too_large"); the connection stays up and the
  // receive buffer never grows past the limit. Default: 1 MiB.
  // Range: 4 KiB to 64 MiB.
  std::size_t max_frame_bytes = std::size_t{1} << 20;

  // Directory where every raw frame is recorded with its receive time
  // (`<recv_ns> <frame>` lines, gzip, one file per exchange and UTC day;
  // feeds/frame_recorder.hpp), so a day can be replayed byte for byte.
  // Default: empty, meaning no recording.
  std::string record_dir;
};

}  // namespace tickcast::feeds

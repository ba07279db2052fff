// What the replay exchange plays: a tape of trades or of recorded frames.
//
// Three sources:
//   trades CSV    ../shared/data/trades/*.csv or `tickcast decode` output
//                 (read with TradeCsvReader); each trade is re-encoded in the
//                 chosen dialect and stamped with the time it is sent, keeping
//                 the original spacing (divided by the speed).
//   raw frames    `<recv_ns> <frame>` lines as in ../shared/data/trades/raw:
//                 frames are sent verbatim, spaced by their receive times.
//   synthetic     a seeded random walk whose volatility clusters (GARCH(1,1)
//                 on per-trade returns) with bursty arrivals (a self-exciting
//                 rate that jumps after each trade and decays back), so the
//                 demo runs with no network and no data.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "feeds/market.hpp"

namespace tickcast::feeds {

struct TapeItem {
  std::int64_t offset_ns = 0;  // time since the start of the tape
  bool verbatim = false;       // `frame` is sent as is; otherwise `trade` is encoded
  std::string frame;
  Trade trade;
};

class Tape {
 public:
  virtual ~Tape() = default;
  // The next item, or false at the end of a finite tape.
  virtual bool next(TapeItem& item) = 0;
  // Back to the start (for --loop). Trade ids keep growing across loops so a
  // client never sees a repeat it should drop.
  virtual void rewind() = 0;
};

// Loads a trades CSV or a raw-frames file (told apart by the first line).
// `symbol` replaces the symbol of CSV trades (the dialect's spelling).
std::unique_ptr<Tape> load_tape(const std::string& path, const std::string& exchange,
                                const std::string& symbol, std::string& error);

struct SyntheticTapeOptions {
  std::uint64_t seed = 1;
  std::string exchange = "binance";
  std::string symbol = "BTCUSDT";
  double start_price = 60000.0;
  double trades_per_second = 20.0;  // long-run mean arrival rate
  std::uint64_t first_trade_id = 1'000'000'000;
};
std::unique_ptr<Tape> make_synthetic_tape(const SyntheticTapeOptions& options);

}  // namespace tickcast::feeds

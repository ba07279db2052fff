// A websocket server that impersonates an exchange, for tests, the offline
// demo and benchmarks: `tickcast replay-exchange` runs one, and the daemon can
// run one in-process.
//
// It accepts ws:// (or wss:// with a certificate and key), answers each
// dialect's subscribe handshake and pings with that exchange's frames (via
// Dialect::answer), and plays one tape (see replay_tape.hpp) to every
// subscribed session: the tape starts when the first client subscribes and
// runs on its own clock from then on, like a live market, so a client that
// drops misses what was sent meanwhile. Faults are injected on command.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/replay_tape.hpp"

namespace tickcast::feeds {

struct ReplayOptions {
  // Which exchange to impersonate: binance, coinbase, kraken (v2), bitstamp,
  // okx or bybit.
  std::string dialect = "binance";
  // The symbol in the exchange's spelling; empty means the dialect's usual
  // BTC pair (BTCUSDT, BTC-USD, BTC/USD, btcusd, BTC-USDT, BTCUSDT).
  std::string symbol;
  // More symbols to play the same tape for (load tests with many symbols):
  // each trade of a trades tape is sent once for `symbol` and once for each
  // of these, with the same price, time and id (ids stay consecutive per
  // symbol). Raw-frame tapes are sent as recorded and ignore this.
  std::vector<std::string> extra_symbols;
  // A trades CSV or a raw-frames file; empty means a synthetic stream.
  std::string trades_file;
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see ReplayExchange::port())
  // Original spacing divided by this; 0 sends as fast as the clients read.
  double speed = 1.0;
  bool loop = false;  // start the tape over at its end
  // How trades of a trades tape are timestamped:
  //   kWall  the wall-clock time each is sent, like a live market: bars
  //          then last their interval of real time whatever the speed.
  //   kTape  the wall-clock time the tape started plus the trade's original
  //          offset in the tape, so exchange time runs `speed` times faster
  //          than the wall clock (at speed 0, as fast as trades are sent),
  //          and a faster replay makes more bars, not fuller ones. With
  //          `loop`, each pass continues where the previous one ended.
  // Raw-frame tapes are sent verbatim with their recorded times either way.
  enum class Clock : std::uint8_t { kWall, kTape };
  Clock clock = Clock::kWall;
  std::uint64_t seed = 1;
  // PEM files for wss://; both empty means plain ws://.
  std::string tls_cert, tls_key;
};

// Faults, applied to every session connected at the time of the command.
enum class ReplayFault : std::uint8_t {
  kDrop,              // close every connection abruptly (no close frame)
  kStall,             // stop sending anything to current sessions
  kGarbage,           // send one frame that is not JSON
  kDuplicate,         // send the last trade frame again
  kSkipId,            // leave out the next trade (the client sees a gap)
  kReconnectRequest,  // the dialect's "please reconnect" frame
  kOversized,         // one 2 MiB frame
  kRejectSubscribe,   // refuse the next subscription request (dialects that have an answer for it)
};
// "drop", "stall", "garbage", "duplicate", "skip", "reconnect", "oversized",
// "reject".
bool parse_replay_fault(std::string_view text, ReplayFault& out);

// "wall" or "tape" (see ReplayOptions::clock).
bool parse_replay_clock(std::string_view text, ReplayOptions::Clock& out);

struct ReplayStats {
  std::atomic<std::uint64_t> sessions_total{0};
  std::atomic<std::uint64_t> sessions_open{0};
  std::atomic<std::uint64_t> trades_sent{0};  // tape items, counted once per item
  std::atomic<std::uint64_t> frames_sent{0};  // every frame to every session
  std::atomic<bool> tape_finished{false};
};

class ReplayExchange {
 public:
  // Binds the listening socket (so port() is known at once) and loads the
  // tape. Returns nullptr and sets `error` on bad options.
  static std::unique_ptr<ReplayExchange> create(boost::asio::io_context& ioc,
                                                const ReplayOptions& options, std::string& error);
  ~ReplayExchange();

  std::uint16_t port() const;
  void start();                    // accept connections; thread-safe
  void stop();                     // close everything; thread-safe
  void inject(ReplayFault fault);  // thread-safe
  const ReplayStats& stats() const;

  struct Impl;  // opaque; public so the .cpp's session type can name it

 private:
  explicit ReplayExchange(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace tickcast::feeds

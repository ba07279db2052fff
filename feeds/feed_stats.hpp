// Counters of one feed, written on the feed's strand and read by the daemon
// at scrape time (hence atomics, relaxed: each value is independent).
//
// Metric mapping (names the daemon exports, labels exchange/symbol added there):
//   connected                    tickcast_feed_connected (0/1)
//   connects_total               tickcast_feed_connects_total
//   disconnects[reason]          tickcast_feed_disconnects_total{reason}
//   frames[kind]                 tickcast_feed_frames_total{kind}      (FrameKind names)
//   decode_errors[kind]          tickcast_feed_decode_errors_total{kind} (DecodeError names)
//   oversized_frames_total       counted in decode_errors[too_large] as well
//   SymbolStats::trades_total    tickcast_trades_total{symbol}
//   SymbolStats::trade_id_gaps_total    tickcast_trade_id_gaps_total{symbol}
//   SymbolStats::missing_trade_ids_total  (how many ids the gaps spanned)
//   SymbolStats::duplicate_trades_total   (dropped, never delivered)
//   SymbolStats::last_trade_receive_ns  -> tickcast_feed_last_trade_age_seconds
//                                          = (now - last_trade_receive_ns) / 1e9
//   SymbolStats::latency         tickcast_feed_latency_seconds (histogram of
//                                receive time - exchange time, clamped at 0)
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/dialect.hpp"
#include "feeds/symbol_case.hpp"

namespace tickcast::feeds {

// Why a connection ended; the `reason` label of tickcast_feed_disconnects_total.
enum class DisconnectReason : std::uint8_t {
  kResolve,        // DNS lookup failed
  kConnect,        // TCP connect failed or timed out
  kTls,            // TLS handshake or certificate verification failed
  kHandshake,      // websocket upgrade refused or timed out
  kRead,           // the connection broke while reading
  kWrite,          // the connection broke while writing
  kRemoteClose,    // the exchange sent a close frame
  kStale,          // no frame for stale_after: recycled by the watchdog
  kServerRequest,  // the exchange asked us to reconnect (serverShutdown, ...)
  kRotation,       // replaced by a fresh connection before a forced disconnect
  kStopped,        // stop() was called
  kRejected,       // the exchange refused a subscription: replaced to subscribe again
};
inline constexpr std::size_t kDisconnectReasonCount = 12;
std::string_view to_string(DisconnectReason reason);

// A Prometheus-style cumulative histogram with fixed bucket bounds.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBoundsSeconds{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void observe_ns(std::int64_t ns);

  // Non-cumulative count of bucket i (i == kBoundsSeconds.size() is +Inf).
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum_seconds() const {
    return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> sum_ns_{0};
};

struct SymbolStats {
  explicit SymbolStats(std::string symbol_in) : symbol(std::move(symbol_in)) {}
  const std::string symbol;  // as configured (the exchange's spelling)
  std::atomic<std::uint64_t> trades_total{0};
  std::atomic<std::uint64_t> duplicate_trades_total{0};
  std::atomic<std::uint64_t> trade_id_gaps_total{0};
  std::atomic<std::uint64_t> missing_trade_ids_total{0};
  std::atomic<std::int64_t> last_trade_receive_ns{0};
  std::atomic<std::int64_t> last_trade_exchange_ns{0};
  LatencyHistogram latency;
};

struct FeedStats {
  explicit FeedStats(const std::vector<std::string>& configured) {
    for (const std::string& s : configured) {
      SymbolStats& stats = symbols.emplace_back(s);
      by_symbol.emplace(s, &stats);  // a second spelling of a symbol: the first wins
    }
  }
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> connects_total{0};
  std::array<std::atomic<std::uint64_t>, kDisconnectReasonCount> disconnects{};
  std::array<std::atomic<std::uint64_t>, kFrameKindCount> frames{};
  std::array<std::atomic<std::uint64_t>, kDecodeErrorCount> decode_errors{};
  std::atomic<std::uint64_t> unknown_symbol_trades_total{0};  // trades for symbols not configured
  std::atomic<std::int64_t> last_frame_receive_ns{0};
  std::atomic<std::uint32_t> reconnect_attempt{0};  // current backoff attempt
  std::deque<SymbolStats> symbols;    // fixed at construction (deque: atomics never move)
  SymbolMap<SymbolStats*> by_symbol;  // into `symbols`, for find()

  std::uint64_t frames_of(FrameKind k) const {
    return frames[static_cast<std::size_t>(k)].load(std::memory_order_relaxed);
  }
  std::uint64_t errors_of(DecodeError e) const {
    return decode_errors[static_cast<std::size_t>(e)].load(std::memory_order_relaxed);
  }
  std::uint64_t disconnects_of(DisconnectReason r) const {
    return disconnects[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }
  // Case-insensitive lookup; nullptr for a symbol not configured.
  SymbolStats* find(std::string_view symbol);
  const SymbolStats* find(std::string_view symbol) const;
};

}  // namespace tickcast::feeds

// One exchange's websocket protocol: where to connect, what to send to
// subscribe, how to keep the link alive, and how to turn each frame it sends
// into normalized trades or a control event.
//
// A Dialect belongs to one connection and is used from one thread at a time.
// decode() never throws and never allocates per frame beyond the trades it
// appends (and a short detail string on rare control or error frames).
#pragma once

#include <simdjson.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/feed_options.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

// What a frame was, after decoding. Used as the `kind` label of
// tickcast_feed_frames_total.
enum class FrameKind : std::uint8_t {
  kTrade,       // one or more trades (appended to the output)
  kSubscribed,  // the exchange confirmed a subscription
  kHeartbeat,   // the exchange's own liveness message
  kPong,        // the answer to our application-level ping
  kStatus,      // informational: system status, welcome, connection id
  kRejected,    // the exchange refused a request (e.g. an unknown symbol)
  kReconnect,   // the exchange asks us to reconnect (serverShutdown, ...)
  kOther,       // well-formed but not ours: other channels, snapshots
  kInvalid,     // not decodable; DecodeResult::error says why
};
inline constexpr std::size_t kFrameKindCount = 9;
std::string_view to_string(FrameKind kind);

// Why a frame could not be decoded. Used as the `kind` label of
// tickcast_feed_decode_errors_total.
enum class [[nodiscard]] DecodeError : std::uint8_t{
    kOk,
    kEmpty,            // an empty frame
    kTooLarge,         // above the frame limit: never parsed
    kNotJson,          // malformed or truncated JSON, or trailing bytes
    kMissingField,     // a trade without a field it must have
    kBadValue,         // a field of the wrong type or an unparsable number/time
    kUnexpectedShape,  // valid JSON the dialect does not recognize
};
inline constexpr std::size_t kDecodeErrorCount = 7;
std::string_view to_string(DecodeError error);

// The outcome of decode(): what the frame was, and on kInvalid why.
struct [[nodiscard]] DecodeResult {
  FrameKind kind = FrameKind::kOther;
  DecodeError error = DecodeError::kOk;
  // For kRejected, kReconnect and kInvalid: what the exchange or the parser
  // said, at most kMaxDetail bytes, for the log. Empty otherwise.
  std::string detail;

  static constexpr std::size_t kMaxDetail = 200;
  static DecodeResult of(FrameKind kind) { return DecodeResult{kind, DecodeError::kOk, {}}; }
  static DecodeResult with_detail(FrameKind kind, std::string_view detail);
  static DecodeResult invalid(DecodeError error, std::string_view detail = {});
};

// How an exchange numbers its trades per symbol, which decides what the
// client can check (see TradeIdTracker).
enum class IdContinuity : std::uint8_t {
  kNone,         // no usable ids: nothing is checked
  kIncreasing,   // ids only grow: repeats are duplicates, jumps are normal
  kConsecutive,  // ids grow by one: repeats are duplicates, jumps are gaps
};

// An application-level keep-alive the client sends on an idle link.
struct KeepAlive {
  std::string message;  // empty: the dialect relies on websocket pings
  std::chrono::milliseconds interval{0};
};

// What the replay exchange answers to one client frame.
struct ServerReply {
  std::vector<std::string> frames;   // sent back in order
  std::vector<std::string> symbols;  // newly subscribed, in the exchange's spelling
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "binance", "coinbase", "kraken", "bitstamp", "okx" or "bybit".
  virtual std::string_view name() const = 0;

  // The exchange's public endpoint for the configured symbols; a URL from
  // FeedOptions::url replaces it.
  virtual std::string default_url() const = 0;

  // Text frames to send after each (re)connect; may be empty when the URL
  // already names the streams.
  virtual std::vector<std::string> subscribe_messages() const = 0;

  virtual KeepAlive keep_alive() const { return {}; }
  virtual IdContinuity id_continuity() const = 0;

  // Decodes one frame, appending its trades to `out`. `frame` must have
  // SIMDJSON_PADDING readable bytes after its end (padded_string_view). A
  // frame that fails part-way appends nothing.
  virtual DecodeResult decode(simdjson::ondemand::parser& parser,
                              simdjson::padded_string_view frame, std::int64_t receive_time_ns,
                              std::vector<Trade>& out) = 0;

  // ---- the exchange's side, for the replay exchange and tests ----

  // Symbols named by the request target itself (Binance's
  // `/stream?streams=btcusdt@trade`); empty for other exchanges.
  virtual std::vector<std::string> symbols_from_target(std::string_view target) const;

  // The exchange's answer to a client frame (subscribe, ping, ...).
  virtual ServerReply answer(std::string_view client_frame) const = 0;

  // One trade as the exchange would send it to a subscriber of `t.symbol`.
  virtual std::string encode_trade(const Trade& t) const = 0;

  // The exchange's request-to-reconnect frame, if it has one.
  virtual std::string encode_reconnect_request() const { return {}; }

  // The exchange's answer to a subscription it refuses (an unknown symbol),
  // if the dialect tells one apart; decode() reads it as kRejected.
  virtual std::string encode_subscription_rejected() const { return {}; }
};

// The dialects this build knows, in the order the docs list them.
std::vector<std::string_view> dialect_names();

// Creates the dialect for `options.exchange`, configured for its symbols,
// channel and (for Kraken's v1/v2 choice) URL. Returns nullptr and sets
// `error` on an unknown exchange or channel.
std::unique_ptr<Dialect> make_dialect(const FeedOptions& options, std::string& error);

}  // namespace tickcast::feeds

// A client request of /v1/stream (docs/protocol.md, "Client → server"), read
// from one websocket text frame.
//
// Parsing is kept apart from the session (no Asio, no Beast, no hub) so that
// the unit tests and the fuzz target tests/fuzz/stream_request_fuzz.cpp can
// call it on any bytes. The answers that depend on the hub's state
// (unknown_topic, forbidden) and on time (rate_limited) are the session's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tickcast::daemon {

enum class StreamOp : std::uint8_t { kSubscribe, kUnsubscribe, kPing, kList };

// "subscribe", "unsubscribe", "ping", "list": the op as the protocol spells it.
[[nodiscard]] std::string_view op_name(StreamOp op);

struct StreamRequest {
  // The request's "id" as compact JSON text, to be echoed back unchanged;
  // empty when the frame has no "id" or is not a JSON object. Set on errors
  // too: an error reply carries the id when there is one.
  std::string id_json;

  // Empty for a well-formed request, else "bad_request" (the only code
  // parsing can give) with a one-line message for the client.
  std::string error_code;
  std::string error_message;

  // Meaningful only when ok().
  StreamOp op = StreamOp::kPing;
  // subscribe and unsubscribe: the patterns as sent, at least one, in order
  // (their syntax is checked by topic_pattern_error when they are expanded).
  // Empty for ping and list, which ignore any "topics".
  std::vector<std::string> topics;

  [[nodiscard]] bool ok() const { return error_code.empty(); }
};

// Parses one client frame. Never throws; any bytes give either a request or
// a bad_request error:
//   - not a JSON object (simdjson's DOM parser validates the whole frame,
//     UTF-8 included, before anything is read),
//   - no "op" string, or an op other than the four above,
//   - for subscribe/unsubscribe: "topics" missing, empty, not an array, or
//     holding anything but strings.
[[nodiscard]] StreamRequest parse_stream_request(std::string_view frame);

}  // namespace tickcast::daemon

// The messages of the subscriber stream (/v1/stream, docs/protocol.md):
// bars, forecasts and status events as JSON text, each serialized once and
// shared, immutable, by every subscriber it is sent to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/publisher.hpp"
#include "feeds/json_text.hpp"
#include "feeds/market.hpp"
#include "model/forecast.hpp"

namespace tickcast::daemon {

// One published message of one topic. `text` is the complete JSON frame:
// {"type":..,"topic":..,"seq":..,...}.
struct StreamMessage {
  const void* topic_id = nullptr;  // identity of the topic, for conflation
  std::uint64_t seq = 0;
  std::string text;
};

using StreamMessagePtr = std::shared_ptr<const StreamMessage>;

// Topic names: "bar:<exchange>:<symbol>", "forecast:<exchange>:<symbol>", "status".
std::string bar_topic(std::string_view exchange, std::string_view symbol);
std::string forecast_topic(std::string_view exchange, std::string_view symbol);
inline constexpr std::string_view kStatusTopic = "status";

// The fields of each message after "type", "topic" and "seq", as a JSON
// object body without braces: `"exchange":"binance",...`. NaN and infinite
// numbers are written as null; times are integer nanoseconds.
std::string bar_fields(const Bar& bar);
std::string forecast_fields(const model::Forecast& forecast);
std::string status_fields(const StatusEvent& event);

// "bar" or "bar_revision".
std::string_view bar_type(const Bar& bar);

// {"type":<type>,"topic":<topic>,"seq":<seq>,<fields>}
std::string frame_text(std::string_view type, std::string_view topic, std::uint64_t seq,
                       std::string_view fields);

// The same frame with "snapshot":true, sent to a client that just subscribed.
std::string snapshot_text(std::string_view text);

// JSON string literals are written by the escaper the feeds share.
using feeds::append_json_string;

}  // namespace tickcast::daemon

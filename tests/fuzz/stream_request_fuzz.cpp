// The subscriber protocol (/v1/stream, docs/protocol.md): a client frame
// through parse_stream_request, then every topic pattern it names through
// topic_pattern_error, the two steps StreamSession::handle takes before the
// hub is asked.
//
// Beyond "no crash, no sanitizer report" it checks the parser's contract and
// that its output can be sent back: a request or a bad_request, never both;
// topics exactly for subscribe and unsubscribe; the id is one valid JSON
// value; and a reply built from the parsed strings with the escaper the
// session uses (feeds::append_json_string) parses back to the same strings.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/stream_request.hpp"
#include "daemon/stream_topic_pattern.hpp"
#include "feeds/json_text.hpp"

namespace {

using tickcast::daemon::StreamOp;
using tickcast::daemon::StreamRequest;
using tickcast::feeds::append_json_string;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// The id is pasted into replies as it is: it must be one JSON value, and
// printing it again must not change it.
void check_id(simdjson::dom::parser& parser, const std::string& id_json) {
  if (id_json.empty()) return;
  simdjson::dom::element id;
  check(parser.parse(id_json).get(id) == simdjson::SUCCESS);
  check(simdjson::to_string(id) == id_json);
}

// A string escaped into a JSON reply reads back as the same bytes.
void check_round_trip(simdjson::dom::parser& parser, std::string_view text) {
  std::string json = "{\"message\":";
  append_json_string(json, text);
  json += '}';
  std::string_view back;
  check(parser.parse(json)["message"].get(back) == simdjson::SUCCESS);
  check(back == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static simdjson::dom::parser parser;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const StreamRequest request = tickcast::daemon::parse_stream_request(frame);

  check(request.ok() == request.error_message.empty());
  check_id(parser, request.id_json);
  if (!request.ok()) {
    check(request.error_code == "bad_request");
    check(request.topics.empty());
    check_round_trip(parser, request.error_message);
    return 0;
  }
  const bool takes_topics =
      request.op == StreamOp::kSubscribe || request.op == StreamOp::kUnsubscribe;
  check(takes_topics != request.topics.empty());

  for (const std::string& topic : request.topics) {
    check_round_trip(parser, topic);
    const std::string error = tickcast::daemon::topic_pattern_error(topic);
    if (error.empty()) {
      // Well-formed: "status" or three parts.
      check(topic == "status" || std::count(topic.begin(), topic.end(), ':') == 2);
    } else {
      check(error.find(topic) != std::string::npos);
      check_round_trip(parser, error);
    }
  }
  return 0;
}

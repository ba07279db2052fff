#include "daemon/stream_request.hpp"

#include <simdjson.h>

namespace tickcast::daemon {

namespace {

StreamRequest bad_request(StreamRequest request, std::string message) {
  request.error_code = "bad_request";
  request.error_message = std::move(message);
  request.topics.clear();
  return request;
}

constexpr std::string_view kTopicsError = "\"topics\" must be a non-empty array of strings";

}  // namespace

std::string_view op_name(StreamOp op) {
  switch (op) {
    case StreamOp::kSubscribe:
      return "subscribe";
    case StreamOp::kUnsubscribe:
      return "unsubscribe";
    case StreamOp::kPing:
      return "ping";
    case StreamOp::kList:
      return "list";
  }
  return "?";
}

StreamRequest parse_stream_request(std::string_view frame) {
  StreamRequest request;
  // The DOM parser, not on-demand: it validates the whole frame before any
  // field is read, so a syntax error after the fields is never half-obeyed
  // (docs/security.md, "Fuzzing"). Client frames are few and small
  // (server.stream_max_frame_bytes), so the copy into its padded buffer is
  // cheap.
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(frame.data(), frame.size()).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return bad_request(std::move(request), "not a JSON object");
  }
  simdjson::dom::element id;
  if (root["id"].get(id) == simdjson::SUCCESS) request.id_json = simdjson::to_string(id);

  std::string_view op;
  if (root["op"].get(op) != simdjson::SUCCESS) {
    return bad_request(std::move(request), "no \"op\" string");
  }
  if (op == "ping") {
    request.op = StreamOp::kPing;
    return request;
  }
  if (op == "list") {
    request.op = StreamOp::kList;
    return request;
  }
  if (op == "subscribe") {
    request.op = StreamOp::kSubscribe;
  } else if (op == "unsubscribe") {
    request.op = StreamOp::kUnsubscribe;
  } else {
    return bad_request(std::move(request), "unknown op \"" + std::string(op) +
                                               "\"; ops are subscribe, unsubscribe, ping, list");
  }

  simdjson::dom::array topics;
  if (root["topics"].get(topics) != simdjson::SUCCESS || topics.size() == 0) {
    return bad_request(std::move(request), std::string(kTopicsError));
  }
  for (simdjson::dom::element item : topics) {
    std::string_view topic;
    if (item.get(topic) != simdjson::SUCCESS) {
      return bad_request(std::move(request), std::string(kTopicsError));
    }
    request.topics.emplace_back(topic);
  }
  return request;
}

}  // namespace tickcast::daemon

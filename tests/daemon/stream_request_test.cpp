// The client requests of /v1/stream, parsed without a server: every request
// and every bad_request case of docs/protocol.md ("Client → server", "Topics"),
// with the expected values taken from that document.
#include "daemon/stream_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "daemon/stream_topic_pattern.hpp"

namespace tickcast::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

void ExpectBadRequest(std::string_view frame, std::string_view id_json = "") {
  const StreamRequest r = parse_stream_request(frame);
  EXPECT_FALSE(r.ok()) << frame;
  EXPECT_EQ(r.error_code, "bad_request") << frame;
  EXPECT_FALSE(r.error_message.empty()) << frame;
  EXPECT_EQ(r.id_json, id_json) << frame;
  EXPECT_THAT(r.topics, IsEmpty()) << frame;
}

// The four examples of "Client → server", verbatim.
TEST(StreamRequest, DocumentedSubscribeIsParsedWithItsTopicsInOrder) {
  const StreamRequest r = parse_stream_request(
      R"({"op":"subscribe","topics":["forecast:binance:BTCUSDT","bar:binance:*","status"],"id":1})");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.op, StreamOp::kSubscribe);
  EXPECT_EQ(r.id_json, "1");
  EXPECT_THAT(r.topics, ElementsAre("forecast:binance:BTCUSDT", "bar:binance:*", "status"));
}

TEST(StreamRequest, DocumentedUnsubscribeIsParsed) {
  const StreamRequest r =
      parse_stream_request(R"({"op":"unsubscribe","topics":["bar:binance:*"],"id":2})");
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.op, StreamOp::kUnsubscribe);
  EXPECT_EQ(r.id_json, "2");
  EXPECT_THAT(r.topics, ElementsAre("bar:binance:*"));
}

TEST(StreamRequest, DocumentedPingAndListAreParsed) {
  const StreamRequest ping = parse_stream_request(R"({"op":"ping","id":3})");
  ASSERT_TRUE(ping.ok()) << ping.error_message;
  EXPECT_EQ(ping.op, StreamOp::kPing);
  EXPECT_EQ(ping.id_json, "3");
  EXPECT_THAT(ping.topics, IsEmpty());

  const StreamRequest list = parse_stream_request(R"({"op":"list","id":4})");
  ASSERT_TRUE(list.ok()) << list.error_message;
  EXPECT_EQ(list.op, StreamOp::kList);
  EXPECT_EQ(list.id_json, "4");
}

// The ack repeats "op" as the request spelled it.
TEST(StreamRequest, OpNamesAreTheProtocolsSpelling) {
  EXPECT_EQ(op_name(StreamOp::kSubscribe), "subscribe");
  EXPECT_EQ(op_name(StreamOp::kUnsubscribe), "unsubscribe");
  EXPECT_EQ(op_name(StreamOp::kPing), "ping");
  EXPECT_EQ(op_name(StreamOp::kList), "list");
}

// "id is optional and may be any JSON value; the answer carries it back
// unchanged."
TEST(StreamRequest, IdIsOptionalAndAnyJsonValueComesBackUnchanged) {
  EXPECT_EQ(parse_stream_request(R"({"op":"ping"})").id_json, "");
  EXPECT_EQ(parse_stream_request(R"({"op":"ping","id":"a\"b"})").id_json, R"("a\"b")");
  EXPECT_EQ(parse_stream_request(R"({"op":"ping","id":null})").id_json, "null");
  EXPECT_EQ(parse_stream_request(R"({"op":"ping","id":-17})").id_json, "-17");
  EXPECT_EQ(parse_stream_request(R"({"op":"ping","id":true})").id_json, "true");
  EXPECT_EQ(parse_stream_request(R"({"id" : {"k" : [1, "x", {}]}, "op" : "ping"})").id_json,
            R"({"k":[1,"x",{}]})");
}

// bad_request: "not a JSON object". "An error to a request without a
// readable id (e.g. not JSON) has no id."
TEST(StreamRequest, NotAJsonObjectIsABadRequestWithoutId) {
  ExpectBadRequest("not json");
  ExpectBadRequest("");
  ExpectBadRequest(R"(["op","ping"])");
  ExpectBadRequest(R"("ping")");
  ExpectBadRequest("42");
  ExpectBadRequest(R"({"op":"ping","id":1)");                 // unterminated
  ExpectBadRequest(R"({"op":"ping","id":1} {"op":"list"})");  // two documents
  ExpectBadRequest(R"({"op":"ping","id":1,})");               // trailing comma
  ExpectBadRequest("{\"op\":\"ping\",\"id\":\"\xff\"}");      // invalid UTF-8
}

// A syntax error after well-formed fields still makes the whole frame bad:
// nothing of it is obeyed.
TEST(StreamRequest, SyntaxErrorAfterTheFieldsMakesTheWholeFrameBad) {
  ExpectBadRequest(R"({"op":"subscribe","topics":["status"],"id":1,:})");
  ExpectBadRequest(R"({"op":"subscribe","topics":["status",]})");
}

// bad_request: "no op string". The id is readable, so the error carries it.
TEST(StreamRequest, NoOpStringIsABadRequestThatKeepsTheId) {
  ExpectBadRequest(R"({"id":7})", "7");
  ExpectBadRequest(R"({"op":5,"id":"x"})", R"("x")");
  ExpectBadRequest(R"({"op":null})");
  ExpectBadRequest(R"({"op":["ping"]})");
}

// bad_request: "unknown op".
TEST(StreamRequest, UnknownOpIsABadRequestNamingIt) {
  const StreamRequest r = parse_stream_request(R"({"op":"dance","id":9})");
  EXPECT_EQ(r.error_code, "bad_request");
  EXPECT_EQ(r.id_json, "9");
  EXPECT_THAT(r.error_message, HasSubstr("dance"));
  ExpectBadRequest(R"({"op":"PING"})");
  ExpectBadRequest(R"({"op":""})");
}

// bad_request: "topics missing, empty or not all strings", for both ops
// that take topics.
TEST(StreamRequest, TopicsMissingEmptyOrNotAllStringsIsABadRequest) {
  for (const std::string op : {"subscribe", "unsubscribe"}) {
    const std::string head = R"({"id":1,"op":")" + op + "\"";
    ExpectBadRequest(head + "}", "1");
    ExpectBadRequest(head + R"(,"topics":[]})", "1");
    ExpectBadRequest(head + R"(,"topics":"status"})", "1");
    ExpectBadRequest(head + R"(,"topics":{"status":1}})", "1");
    ExpectBadRequest(head + R"(,"topics":null})", "1");
    ExpectBadRequest(head + R"(,"topics":["status",1]})", "1");
    ExpectBadRequest(head + R"(,"topics":[["status"]]})", "1");
    ExpectBadRequest(head + R"(,"topics":[null]})", "1");
  }
}

// "Topics": status, bar:<exchange>:<symbol>, forecast:<exchange>:<symbol>,
// and the wildcard examples, where any of the three parts may be "*".
TEST(StreamTopicPattern, DocumentedTopicsAndWildcardsAreWellFormed) {
  for (const char* pattern :
       {"status", "forecast:binance:BTCUSDT", "bar:coinbase:BTC-USD", "bar:coinbase:*",
        "forecast:*:*", "*:binance:BTCUSDT", "*:*:*", "bar:kraken:*"}) {
    EXPECT_EQ(topic_pattern_error(pattern), "") << pattern;
  }
}

// bad_request: "a topic that is not status, bar:<e>:<s> or forecast:<e>:<s>".
TEST(StreamTopicPattern, AnythingElseIsABadRequestNamingThePattern) {
  for (const char* pattern :
       {"bars:binance:BTCUSDT", "trade:binance:BTCUSDT", "bar:binance", "bar",
        "forecast:binance:BTCUSDT:x", "", "*", "*:*", "Status", "status:binance:BTCUSDT",
        "status:", " bar:binance:BTCUSDT", "bar*:binance:BTCUSDT"}) {
    const std::string message = topic_pattern_error(pattern);
    EXPECT_FALSE(message.empty()) << '"' << pattern << '"';
    EXPECT_THAT(message, HasSubstr('"' + std::string(pattern) + '"'));
  }
}

}  // namespace
}  // namespace tickcast::daemon

// Inputs found by the fuzz targets (tests/fuzz, docs/security.md), kept as
// regression tests that run in the normal build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "feeds/dialect.hpp"
#include "feeds/feed_options.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

using ::testing::HasSubstr;

// The Binance replay exchange answers `frame` with exactly one
// "invalid JSON" reply (code 3) and subscribes to nothing.
void ExpectInvalidJsonAnswer(const std::string& frame) {
  FeedOptions options;
  options.exchange = "binance";
  options.symbols = {"BTCUSDT"};
  std::string error;
  const auto dialect = make_dialect(options, error);
  ASSERT_NE(dialect, nullptr) << error;
  const ServerReply reply = dialect->answer(frame);
  ASSERT_EQ(reply.frames.size(), 1u);
  EXPECT_THAT(reply.frames[0], HasSubstr(R"("code":3)"));
  EXPECT_TRUE(reply.symbols.empty());
}

// fuzz_dialect_decode: a client frame whose "params" holds a JSON syntax
// error after a valid "method". simdjson abandons the document at the error,
// and BinanceDialect::answer() then looked up "id" through a null parser
// (UBSan: member access within null pointer). It must answer "invalid JSON".
TEST(FuzzRegression, BinanceAnswerToBrokenParamsIsInvalidJson) {
  const std::string frame(
      "{\"method\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":17231612\x05"
      "d"
      "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"56322,\"T\":172316"
      "12563live_trades_btcusd\"}}22,\"s\":\"BTCU5,\"p\":\"61800.30\",\"q\":\""
      "0.006\",2X\":\"MARKET\",conn_id\"m\":fals)e\x00"
      "}",
      219);
  ExpectInvalidJsonAnswer(frame);
}

// fuzz_dialect_decode, after the fix above: a syntax error inside the
// "params" array itself ("[:[[<..."). Walking on past the broken element
// tripped simdjson's precondition check; the walk stops there and the
// answer is "invalid JSON".
TEST(FuzzRegression, BinanceAnswerToASyntaxErrorInsideParamsIsInvalidJson) {
  const std::string frame(
      "{\"method\":\"subscibe\",\"params\":[:[[<chod\":\"subscibe\",\"paramscpe\":\"sbscrt\":\"]}"
      "clhse}]}clhse}}",
      91);
  ExpectInvalidJsonAnswer(frame);
}

// The other dialects' answer() walked client frames with the on-demand parser
// like Binance's did. No fuzz run crashed them, but they shared the flaw: a
// syntax error after the fields they read went unseen, so a broken frame could
// still subscribe (the symbols before the error). They now validate the whole
// frame first (DOM parser), like Binance's: each broken frame below gets the
// dialect's "malformed request" reply and subscribes nothing.
struct BrokenClientFrame {
  const char* exchange;
  const char* url;  // Kraken's v1 is chosen by its URL
  const char* symbol;
  std::string frame;
  const char* refusal;  // a piece of the dialect's malformed-request reply
};

class BrokenClientFrameTest : public ::testing::TestWithParam<BrokenClientFrame> {};

TEST_P(BrokenClientFrameTest, IsRefusedAndSubscribesNothing) {
  const BrokenClientFrame& c = GetParam();
  FeedOptions options;
  options.exchange = c.exchange;
  options.url = c.url;
  options.symbols = {c.symbol};
  std::string error;
  const auto dialect = make_dialect(options, error);
  ASSERT_NE(dialect, nullptr) << error;
  const ServerReply reply = dialect->answer(c.frame);
  ASSERT_EQ(reply.frames.size(), 1u) << c.frame;
  EXPECT_THAT(reply.frames[0], HasSubstr(c.refusal)) << c.frame;
  EXPECT_TRUE(reply.symbols.empty()) << c.frame;
}

// The Binance finding's broken array ("[:[[<chod..."), in each dialect's list.
const std::string kBrokenList =
    "[:[[<chod\":\"subscibe\",\"paramscpe\":\"sbscrt\":\"]}clhse}]}clhse}}";

INSTANTIATE_TEST_SUITE_P(
    Dialects, BrokenClientFrameTest,
    ::testing::Values(
        // A valid subscription, then a syntax error in the same list.
        BrokenClientFrame{
            "coinbase", "", "BTC-USD",
            R"({"type":"subscribe","product_ids":["BTC-USD",:],"channels":["matches"]})",
            R"("type":"error")"},
        BrokenClientFrame{"coinbase", "", "BTC-USD",
                          R"({"type":"subscribe","product_ids":)" + kBrokenList,
                          R"("type":"error")"},
        BrokenClientFrame{
            "kraken", "wss://ws.kraken.com", "XBT/USD",
            R"({"event":"subscribe","pair":["XBT/USD",:],"subscription":{"name":"trade"}})",
            "Malformed request"},
        BrokenClientFrame{"kraken", "wss://ws.kraken.com", "XBT/USD",
                          R"({"event":"subscribe","pair":)" + kBrokenList, "Malformed request"},
        BrokenClientFrame{
            "kraken", "", "BTC/USD",
            R"({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD",:]}})",
            "Malformed request"},
        BrokenClientFrame{
            "kraken", "", "BTC/USD",
            R"({"method":"subscribe","params":{"channel":"trade","symbol":)" + kBrokenList,
            "Malformed request"},
        BrokenClientFrame{
            "okx", "", "BTC-USDT",
            R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},:]})",
            R"("code":"60012")"},
        BrokenClientFrame{"okx", "", "BTC-USDT", R"({"op":"subscribe","args":)" + kBrokenList,
                          R"("code":"60012")"},
        BrokenClientFrame{"bybit", "", "BTCUSDT",
                          R"({"op":"subscribe","args":["publicTrade.BTCUSDT",:]})",
                          "request not json"},
        BrokenClientFrame{"bybit", "", "BTCUSDT", R"({"op":"subscribe","args":)" + kBrokenList,
                          "request not json"},
        // Bitstamp's request has no list: a complete subscription followed by
        // garbage (a second closing brace, a dangling field) is not JSON.
        BrokenClientFrame{"bitstamp", "", "btcusd",
                          R"({"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}})",
                          "Bad subscription string."},
        BrokenClientFrame{"bitstamp", "", "btcusd",
                          R"({"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"},:})",
                          "Bad subscription string."}));

// fuzz_dialect_decode: a trade time in the year 4048 overflowed int64
// nanoseconds (UBSan: signed integer overflow). Times past 2262 are refused;
// the last representable second still parses (2262-04-11T23:47:16Z is
// 9223372036 s after the epoch, `date -u -d @9223372036`).
TEST(FuzzRegression, Rfc3339TimesOutsideInt64NanosecondsAreRefused) {
  std::int64_t ns = 0;
  EXPECT_FALSE(parse_rfc3339_ns("4048-07-01T00:00:00Z", ns));
  EXPECT_FALSE(parse_rfc3339_ns("9999-12-31T23:59:59.999999999Z", ns));
  EXPECT_FALSE(parse_rfc3339_ns("0001-01-01T00:00:00Z", ns));
  ASSERT_TRUE(parse_rfc3339_ns("2262-04-11T23:47:15Z", ns));
  EXPECT_EQ(ns, 9223372035LL * 1000000000LL);
}

}  // namespace
}  // namespace tickcast::feeds

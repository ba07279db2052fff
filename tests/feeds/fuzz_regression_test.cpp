// Inputs found by the fuzz targets (tests/fuzz, docs/security.md), kept as
// regression tests that run in the normal build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "feeds/dialect.hpp"
#include "feeds/feed_options.hpp"

namespace tickcast::feeds {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace tickcast::feeds

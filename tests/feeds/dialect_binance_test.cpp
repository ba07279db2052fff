// Binance frames written from the docs (developers.binance.com, "WebSocket
// Streams"): trade, aggTrade, the combined wrapper, control answers, errors.
#include <gtest/gtest.h>

#include "tests/feeds/dialect_test_util.hpp"

namespace tickcast::feeds::test {
namespace {

class BinanceFrames : public ::testing::Test {
 protected:
  std::unique_ptr<FrameDecoder> trade_ = decoder_for(options_for("binance", {"BTCUSDT"}));
  std::unique_ptr<FrameDecoder> agg_ =
      decoder_for(options_for("binance", {"BNBBTC"}, {}, "aggTrade"));
};

TEST_F(BinanceFrames, RawTradeEventMakerBuyerMeansAggressorSold) {
  auto d = decode(*trade_,
                  R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100",)"
                  R"("T":1672515782136,"m":true,"M":true})",
                  7);
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error);
  ASSERT_EQ(d.trades.size(), 1u);
  const Trade& t = d.trades[0];
  EXPECT_EQ(t.exchange, "binance");
  EXPECT_EQ(t.symbol, "BNBBTC");
  EXPECT_EQ(t.pair, "BNB-BTC");
  EXPECT_EQ(t.trade_id, 12345u);
  EXPECT_EQ(t.first_trade_id, 12345u);
  EXPECT_EQ(t.price, 0.001);
  EXPECT_EQ(t.qty, 100.0);
  EXPECT_EQ(t.side, Side::kSell);
  EXPECT_EQ(t.exchange_time_ns, 1672515782136000000);
  EXPECT_EQ(t.receive_time_ns, 7);
}

TEST_F(BinanceFrames, CombinedWrapperAndBuyerTaker) {
  auto d = decode(
      *trade_, R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601499,"s":"BTCUSDT",)"
               R"("t":3735693017,"p":"61686.00000000","q":"0.00000001","T":1723161601498,)"
               R"("m":false,"M":true}})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade);
  ASSERT_EQ(d.trades.size(), 1u);
  EXPECT_EQ(d.trades[0].pair, "BTC-USDT");
  EXPECT_EQ(d.trades[0].qty, 1e-8);
  EXPECT_EQ(d.trades[0].price, 61686.0);
  EXPECT_EQ(d.trades[0].side, Side::kBuy);
}

TEST_F(BinanceFrames, AggTradeCoversFirstToLastIds) {
  auto d = decode(*agg_, R"({"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001",)"
                         R"("q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade);
  ASSERT_EQ(d.trades.size(), 1u);
  EXPECT_EQ(d.trades[0].first_trade_id, 100u);
  EXPECT_EQ(d.trades[0].trade_id, 105u);
}

TEST_F(BinanceFrames, OtherStreamsAreNotTrades) {
  // bookTicker reuses "a" and "b" as price strings.
  auto d = decode(
      *trade_, R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT",)"
               R"("b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})");
  EXPECT_EQ(d.result.kind, FrameKind::kOther);
  EXPECT_TRUE(d.trades.empty());
  d = decode(*trade_,
             R"({"u":400900217,"s":"BNBUSDT","b":"25.35","B":"31.2","a":"25.36","A":"40.6"})");
  EXPECT_EQ(d.result.kind, FrameKind::kOther);
  d = decode(*trade_, R"({"e":"depthUpdate","E":1,"s":"BNBBTC","U":157,"u":160,"b":[],"a":[]})");
  EXPECT_EQ(d.result.kind, FrameKind::kOther);
}

TEST_F(BinanceFrames, ControlAnswers) {
  EXPECT_EQ(decode(*trade_, R"({"result":null,"id":1})").result.kind, FrameKind::kSubscribed);
  auto d = decode(*trade_, R"({"code":2,"msg":"Invalid request: unknown variant","id":1})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Invalid request: unknown variant");
  d = decode(*trade_, R"({"error":{"code":2,"msg":"Invalid symbol"},"id":3})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Invalid symbol");
  d = decode(*trade_, R"({"e":"serverShutdown","E":1728000000000})");
  EXPECT_EQ(d.result.kind, FrameKind::kReconnect);
}

TEST_F(BinanceFrames, MalformedFramesAreCountedByKind) {
  struct Case {
    const char* frame;
    DecodeError error;
  };
  const Case cases[] = {
      {"", DecodeError::kEmpty},
      {"   ", DecodeError::kEmpty},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1.0")", DecodeError::kNotJson},  // truncated
      {"not json at all", DecodeError::kNotJson},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1.0","q":"1","T":1,"m":true} {})",
       DecodeError::kNotJson},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"q":"1","T":1,"m":true})",
       DecodeError::kMissingField},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"abc","q":"1","T":1,"m":true})",
       DecodeError::kBadValue},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":1.5,"q":"1","T":1,"m":true})",
       DecodeError::kBadValue},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":-4,"p":"1.5","q":"1","T":1,"m":true})",
       DecodeError::kBadValue},
      {R"({"e":"trade","E":1,"s":"BTCUSDT","t":4,"p":"0","q":"1","T":1,"m":true})",
       DecodeError::kBadValue},
      {R"([1,2,3])", DecodeError::kUnexpectedShape},
      {R"({"lastUpdateId":50093239218,"bids":[],"asks":[]})", DecodeError::kUnexpectedShape},
  };
  for (const Case& c : cases) {
    auto d = decode(*trade_, c.frame);
    EXPECT_EQ(d.result.kind, FrameKind::kInvalid) << c.frame;
    EXPECT_EQ(d.result.error, c.error) << c.frame << " -> " << to_string(d.result.error);
    EXPECT_TRUE(d.trades.empty()) << c.frame;
  }
  // The decoder keeps working after every one of them.
  auto d =
      decode(*trade_, R"({"e":"trade","E":1,"s":"BTCUSDT","t":9,"p":"2","q":"3","T":1,"m":false})");
  EXPECT_EQ(d.result.kind, FrameKind::kTrade);
}

TEST_F(BinanceFrames, FramesAboveTheLimitAreRefusedUnparsed) {
  auto small = decoder_for(options_for("binance", {"BTCUSDT"}), 100);
  std::string big =
      R"({"e":"trade","E":1,"s":"BTCUSDT","t":9,"p":"2","q":"3","T":1,"m":false,"x":")";
  big += std::string(100, 'x') + "\"}";
  auto d = decode(*small, big);
  EXPECT_EQ(d.result.error, DecodeError::kTooLarge);
  d = decode(*small, R"({"e":"trade","E":1,"s":"B","t":9,"p":"2","q":"3","T":1,"m":false})");
  EXPECT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error);
}

TEST(BinanceDialect, UrlAndSubscribeMessage) {
  std::string error;
  auto dialect = make_dialect(options_for("binance", {"BTCUSDT", "ETHUSDT"}), error);
  ASSERT_TRUE(dialect);
  EXPECT_EQ(dialect->default_url(),
            "wss://stream.binance.com:9443/stream?streams=btcusdt@trade/ethusdt@trade");
  EXPECT_TRUE(dialect->subscribe_messages().empty());  // the URL names the streams
  auto custom = make_dialect(
      options_for("binance", {"BTCUSDT"}, "ws://127.0.0.1:9000/stream", "aggTrade"), error);
  ASSERT_TRUE(custom);
  ASSERT_EQ(custom->subscribe_messages().size(), 1u);
  EXPECT_EQ(custom->subscribe_messages()[0],
            R"({"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1})");
  EXPECT_FALSE(make_dialect(options_for("binance", {"BTCUSDT"}, {}, "bookTicker"), error));
  EXPECT_NE(error.find("aggTrade"), std::string::npos);
  EXPECT_FALSE(make_dialect(options_for("ftx", {"BTCUSDT"}), error));
}

}  // namespace
}  // namespace tickcast::feeds::test

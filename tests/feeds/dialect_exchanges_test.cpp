// Coinbase, Kraken (v1 and v2), Bitstamp, OKX and Bybit frames written from
// each exchange's public documentation, including control and malformed
// frames. Expected times come from `date -u -d ... +%s`.
#include <gtest/gtest.h>

#include "tests/feeds/dialect_test_util.hpp"

namespace tickcast::feeds::test {
namespace {

TEST(Coinbase, MatchCarriesTheMakersSide) {
  auto dec = decoder_for(options_for("coinbase", {"BTC-USD"}));
  // date -u -d 2014-11-07T08:19:27Z +%s -> 1415348367
  auto d = decode(*dec, R"({"type":"match","trade_id":10,"sequence":50,)"
                        R"("maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8",)"
                        R"("taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1",)"
                        R"("time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD",)"
                        R"("size":"5.23512","price":"400.23","side":"sell"})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 1u);
  const Trade& t = d.trades[0];
  EXPECT_EQ(t.exchange, "coinbase");
  EXPECT_EQ(t.symbol, "BTC-USD");
  EXPECT_EQ(t.pair, "BTC-USD");
  EXPECT_EQ(t.trade_id, 10u);
  EXPECT_EQ(t.price, 400.23);
  EXPECT_EQ(t.qty, 5.23512);
  EXPECT_EQ(t.side, Side::kBuy);  // the maker sold, so the taker bought
  EXPECT_EQ(t.exchange_time_ns, 1415348367028459000);
}

TEST(Coinbase, ControlFrames) {
  auto dec = decoder_for(options_for("coinbase", {"BTC-USD"}));
  EXPECT_EQ(
      decode(
          *dec,
          R"({"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]})")
          .result.kind,
      FrameKind::kSubscribed);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"})")
          .result.kind,
      FrameKind::kHeartbeat);
  auto d = decode(
      *dec,
      R"({"type":"error","message":"Failed to subscribe","reason":"XYZ-USD is not a valid product"})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Failed to subscribe: XYZ-USD is not a valid product");
  EXPECT_EQ(decode(*dec, R"({"type":"ticker","product_id":"BTC-USD","price":"1"})").result.kind,
            FrameKind::kOther);
  d = decode(
      *dec,
      R"({"type":"match","trade_id":10,"time":"yesterday","product_id":"BTC-USD","size":"1","price":"1","side":"sell"})");
  EXPECT_EQ(d.result.error, DecodeError::kBadValue);
  d = decode(
      *dec,
      R"({"type":"match","trade_id":10,"time":"2014-11-07T08:19:27Z","product_id":"BTC-USD","price":"1","side":"sell"})");
  EXPECT_EQ(d.result.error, DecodeError::kMissingField);
  EXPECT_EQ(d.result.detail, "size");
  EXPECT_EQ(decode(*dec, R"({"trade_id":10})").result.error, DecodeError::kUnexpectedShape);
}

TEST(Coinbase, SubscribeMessage) {
  std::string error;
  auto dialect = make_dialect(options_for("coinbase", {"BTC-USD", "ETH-USD"}), error);
  ASSERT_TRUE(dialect);
  EXPECT_EQ(dialect->default_url(), "wss://ws-feed.exchange.coinbase.com");
  EXPECT_EQ(
      dialect->subscribe_messages().at(0),
      R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["matches","heartbeat"]})");
}

TEST(KrakenV1, TradeArraysNameXbtAsBtc) {
  auto dec = decoder_for(options_for("kraken", {"XBT/USD"}, "wss://ws.kraken.com"));
  auto d = decode(
      *dec, R"([0,[["5541.20000","0.15850568","1534614057.321597","s","l",""],)"
            R"(["6060.00000","0.02455000","1534614057.324998","b","l",""]],"trade","XBT/USD"])");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 2u);
  EXPECT_EQ(d.trades[0].symbol, "XBT/USD");
  EXPECT_EQ(d.trades[0].pair, "BTC-USD");
  EXPECT_EQ(d.trades[0].price, 5541.2);
  EXPECT_EQ(d.trades[0].qty, 0.15850568);
  EXPECT_EQ(d.trades[0].side, Side::kSell);
  EXPECT_EQ(d.trades[0].exchange_time_ns, 1534614057321597000);
  EXPECT_EQ(d.trades[1].side, Side::kBuy);
  EXPECT_EQ(d.trades[1].pair, "BTC-USD");
}

TEST(KrakenV1, ControlAndOtherChannels) {
  auto dec = decoder_for(options_for("kraken", {"XBT/USD"}, "wss://ws.kraken.com"));
  EXPECT_EQ(decode(*dec, R"({"event":"heartbeat"})").result.kind, FrameKind::kHeartbeat);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"connectionID":8628615390848610000,"event":"systemStatus","status":"online","version":"1.0.0"})")
          .result.kind,
      FrameKind::kStatus);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"channelID":10001,"channelName":"trade","event":"subscriptionStatus","pair":"XBT/EUR","status":"subscribed","subscription":{"name":"trade"}})")
          .result.kind,
      FrameKind::kSubscribed);
  auto d = decode(
      *dec,
      R"({"errorMessage":"Currency pair not in ISO 4217-A3 format XBTUSD","event":"subscriptionStatus","pair":"XBTUSD","status":"error","subscription":{"name":"trade"}})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Currency pair not in ISO 4217-A3 format XBTUSD");
  EXPECT_EQ(decode(*dec, R"({"event":"pong","reqid":42})").result.kind, FrameKind::kPong);
  EXPECT_EQ(
      decode(
          *dec,
          R"([0,["5698.40000","5700.00000","1542057299.545897","1.01234567","0.98765432"],"spread","XBT/USD"])")
          .result.kind,
      FrameKind::kOther);
  EXPECT_EQ(
      decode(
          *dec,
          R"([1234,{"as":[["5541.30000","2.50700000","1534614248.123678"]]},"book-10","XBT/USD"])")
          .result.kind,
      FrameKind::kOther);
  d = decode(
      *dec,
      R"([0,[["5541.20000","0.15850568","1534614057.321597","x","l",""]],"trade","XBT/USD"])");
  EXPECT_EQ(d.result.error, DecodeError::kBadValue);
  EXPECT_TRUE(d.trades.empty());
  d = decode(*dec, R"([0,[["5541.20000","0.15850568","1534614057.321597","s","l",""]],"trade"])");
  EXPECT_EQ(d.result.error, DecodeError::kUnexpectedShape);
  EXPECT_TRUE(d.trades.empty());
}

TEST(KrakenV2, TradeUpdate) {
  auto dec = decoder_for(options_for("kraken", {"MATIC/USD"}));
  // date -u -d 2023-09-25T07:49:37Z +%s -> 1695628177
  auto d = decode(
      *dec, R"({"channel":"trade","type":"update","data":[{"symbol":"MATIC/USD","side":"sell",)"
            R"("price":0.5117,"qty":40.0,"ord_type":"market","trade_id":4665906,)"
            R"("timestamp":"2023-09-25T07:49:37.708706Z"},{"symbol":"MATIC/USD","side":"buy",)"
            R"("price":0.5118,"qty":0.00000001,"ord_type":"limit","trade_id":4665907,)"
            R"("timestamp":"2023-09-25T07:49:37.708800Z"}]})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 2u);
  EXPECT_EQ(d.trades[0].pair, "MATIC-USD");
  EXPECT_EQ(d.trades[0].trade_id, 4665906u);
  EXPECT_EQ(d.trades[0].price, 0.5117);
  EXPECT_EQ(d.trades[0].qty, 40.0);
  EXPECT_EQ(d.trades[0].side, Side::kSell);
  EXPECT_EQ(d.trades[0].exchange_time_ns, 1695628177708706000);
  EXPECT_EQ(d.trades[1].qty, 1e-8);
  EXPECT_EQ(d.trades[1].side, Side::kBuy);
}

TEST(KrakenV2, ControlFramesAndPartialFailure) {
  auto dec = decoder_for(options_for("kraken", {"BTC/USD"}));
  EXPECT_EQ(decode(*dec, R"({"channel":"heartbeat"})").result.kind, FrameKind::kHeartbeat);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":123,"system":"online","version":"2.0.0"}]})")
          .result.kind,
      FrameKind::kStatus);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":"BTC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"})")
          .result.kind,
      FrameKind::kSubscribed);
  auto d = decode(
      *dec,
      R"({"error":"Currency pair not supported FOO/BAR","method":"subscribe","success":false,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Currency pair not supported FOO/BAR");
  EXPECT_EQ(
      decode(
          *dec,
          R"({"method":"pong","time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"})")
          .result.kind,
      FrameKind::kPong);
  // The second trade is bad: nothing of the frame is kept.
  d = decode(
      *dec,
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1.5,"qty":1,"ord_type":"limit","trade_id":1,"timestamp":"2023-09-25T07:49:37Z"},{"symbol":"BTC/USD","side":"buy","price":1.5,"qty":1,"ord_type":"limit","timestamp":"2023-09-25T07:49:37Z"}]})");
  EXPECT_EQ(d.result.error, DecodeError::kMissingField);
  EXPECT_EQ(d.result.detail, "trade_id");
  EXPECT_TRUE(d.trades.empty());
}

TEST(Kraken, VersionFollowsTheUrl) {
  std::string error;
  auto v2 = make_dialect(options_for("kraken", {"BTC/USD"}), error);
  EXPECT_EQ(v2->default_url(), "wss://ws.kraken.com/v2");
  EXPECT_EQ(
      v2->subscribe_messages().at(0),
      R"({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD"],"snapshot":false}})");
  EXPECT_EQ(v2->id_continuity(), IdContinuity::kConsecutive);
  auto v1 = make_dialect(options_for("kraken", {"XBT/USD"}, "wss://ws.kraken.com"), error);
  EXPECT_EQ(v1->subscribe_messages().at(0),
            R"({"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"trade"}})");
  EXPECT_EQ(v1->id_continuity(), IdContinuity::kNone);
}

TEST(Bitstamp, TradePrefersTheExactStrings) {
  auto dec = decoder_for(options_for("bitstamp", {"btcusd"}));
  auto d = decode(
      *dec, R"({"data":{"id":246567154,"timestamp":"1660237526","amount":0.00042,)"
            R"("amount_str":"0.00042000","price":24012,"price_str":"24012",)"
            R"("type":1,"microtimestamp":"1660237526437000","buy_order_id":1517291226714112,)"
            R"("sell_order_id":1517291229650944},"channel":"live_trades_btcusd","event":"trade"})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 1u);
  const Trade& t = d.trades[0];
  EXPECT_EQ(t.symbol, "btcusd");
  EXPECT_EQ(t.pair, "BTC-USD");
  EXPECT_EQ(t.trade_id, 246567154u);
  EXPECT_EQ(t.qty, 0.00042);
  EXPECT_EQ(t.price, 24012.0);
  EXPECT_EQ(t.side, Side::kSell);
  EXPECT_EQ(t.exchange_time_ns, 1660237526437000000);
}

TEST(Bitstamp, ControlFrames) {
  auto dec = decoder_for(options_for("bitstamp", {"btcusd"}));
  EXPECT_EQ(
      decode(*dec,
             R"({"event":"bts:subscription_succeeded","channel":"live_trades_btcusd","data":{}})")
          .result.kind,
      FrameKind::kSubscribed);
  EXPECT_EQ(decode(*dec, R"({"event":"bts:request_reconnect","channel":"","data":""})").result.kind,
            FrameKind::kReconnect);
  EXPECT_EQ(decode(*dec, R"({"event":"bts:heartbeat","channel":"","data":{"status":"success"}})")
                .result.kind,
            FrameKind::kPong);
  auto d = decode(
      *dec,
      R"({"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "Bad subscription string.");
  d = decode(
      *dec,
      R"({"data":{"id":1,"amount_str":"1","price_str":"1","type":7,"microtimestamp":"1"},"channel":"live_trades_btcusd","event":"trade"})");
  EXPECT_EQ(d.result.error, DecodeError::kBadValue);
  EXPECT_EQ(
      decode(*dec, R"({"data":{"bids":[],"asks":[]},"channel":"order_book_btcusd","event":"data"})")
          .result.kind,
      FrameKind::kOther);
  std::string error;
  auto dialect = make_dialect(options_for("bitstamp", {"btcusd", "etheur"}), error);
  ASSERT_EQ(dialect->subscribe_messages().size(), 2u);
  EXPECT_EQ(dialect->subscribe_messages()[1],
            R"({"event":"bts:subscribe","data":{"channel":"live_trades_etheur"}})");
}

TEST(Okx, TradesChannel) {
  auto dec = decoder_for(options_for("okx", {"BTC-USDT"}));
  auto d = decode(*dec,
                  R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT",)"
                  R"("tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy",)"
                  R"("ts":"1630048897897","count":"3"}]})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 1u);
  EXPECT_EQ(d.trades[0].pair, "BTC-USDT");
  EXPECT_EQ(d.trades[0].trade_id, 130639474u);
  EXPECT_EQ(d.trades[0].price, 42219.9);
  EXPECT_EQ(d.trades[0].qty, 0.12060306);
  EXPECT_EQ(d.trades[0].side, Side::kBuy);
  EXPECT_EQ(d.trades[0].exchange_time_ns, 1630048897897000000);
}

TEST(Okx, ControlFramesAndTextPong) {
  auto dec = decoder_for(options_for("okx", {"BTC-USDT"}));
  EXPECT_EQ(decode(*dec, "pong").result.kind, FrameKind::kPong);
  EXPECT_EQ(
      decode(
          *dec,
          R"({"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"})")
          .result.kind,
      FrameKind::kSubscribed);
  auto d = decode(
      *dec,
      R"({"event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\"}","connId":"a4d3ae55"})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, R"(60012 Invalid request: {"op": "subscribe"})");
  EXPECT_EQ(
      decode(
          *dec,
          R"({"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"})")
          .result.kind,
      FrameKind::kReconnect);
  EXPECT_EQ(
      decode(*dec, R"({"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"last":"1"}]})")
          .result.kind,
      FrameKind::kOther);
  d = decode(
      *dec,
      R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"up","ts":"1"}]})");
  EXPECT_EQ(d.result.error, DecodeError::kBadValue);
  std::string error;
  auto dialect = make_dialect(options_for("okx", {"BTC-USDT"}), error);
  EXPECT_EQ(dialect->subscribe_messages().at(0),
            R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})");
  EXPECT_EQ(dialect->keep_alive().message, "ping");
}

TEST(Bybit, PublicTrade) {
  auto dec = decoder_for(options_for("bybit", {"BTCUSDT"}));
  auto d =
      decode(*dec, R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[)"
                   R"({"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50",)"
                   R"("L":"PlusTick","i":"2290000000061666327","BT":false},)"
                   R"({"T":1672304486866,"s":"BTCUSDT","S":"Sell","v":"0.002","p":"16578.00",)"
                   R"("L":"MinusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]})");
  ASSERT_EQ(d.result.kind, FrameKind::kTrade) << to_string(d.result.error) << d.result.detail;
  ASSERT_EQ(d.trades.size(), 2u);
  EXPECT_EQ(d.trades[0].pair, "BTC-USDT");
  EXPECT_EQ(d.trades[0].trade_id, 2290000000061666327u);
  EXPECT_EQ(d.trades[0].price, 16578.5);
  EXPECT_EQ(d.trades[0].side, Side::kBuy);
  EXPECT_EQ(d.trades[0].exchange_time_ns, 1672304486865000000);
  EXPECT_EQ(d.trades[1].trade_id, 0u);  // a UUID id has no order
  EXPECT_EQ(d.trades[1].side, Side::kSell);
}

TEST(Bybit, ControlFrames) {
  auto dec = decoder_for(options_for("bybit", {"BTCUSDT"}));
  EXPECT_EQ(
      decode(
          *dec,
          R"({"success":true,"ret_msg":"subscribe","conn_id":"2324d924-aa4d-45b0-a858-7b8be29ab52b","req_id":"10001","op":"subscribe"})")
          .result.kind,
      FrameKind::kSubscribed);
  auto d = decode(
      *dec,
      R"({"success":false,"ret_msg":"error:handler not found,topic:publicTrade.FOO","conn_id":"x","req_id":"","op":"subscribe"})");
  EXPECT_EQ(d.result.kind, FrameKind::kRejected);
  EXPECT_EQ(d.result.detail, "error:handler not found,topic:publicTrade.FOO");
  EXPECT_EQ(
      decode(*dec,
             R"({"success":true,"ret_msg":"pong","conn_id":"0970e817","req_id":"","op":"ping"})")
          .result.kind,
      FrameKind::kPong);
  EXPECT_EQ(
      decode(*dec, R"({"req_id":"100001","op":"pong","args":["1672916271846"],"conn_id":"x"})")
          .result.kind,
      FrameKind::kPong);
  EXPECT_EQ(
      decode(*dec, R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"b":[]}})")
          .result.kind,
      FrameKind::kOther);
  d = decode(
      *dec,
      R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"0.001","i":"1"}]})");
  EXPECT_EQ(d.result.error, DecodeError::kMissingField);
  EXPECT_EQ(d.result.detail, "p");
}

}  // namespace
}  // namespace tickcast::feeds::test

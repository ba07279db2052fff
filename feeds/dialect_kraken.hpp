// Kraken spot, both websocket versions; the decoder accepts either.
//
// v1 (wss://ws.kraken.com): trades arrive as arrays
//   [channelID, [[price, volume, time, side, orderType, misc], ..], "trade", "XBT/USD"]
// with string decimals, time as "seconds.micros", side "b"/"s" (the taker),
// no trade ids, and BTC spelled XBT. Control frames are objects with "event":
// heartbeat, systemStatus, subscriptionStatus (status "subscribed"/"error"),
// pong, error.
// v2 (wss://ws.kraken.com/v2): {"channel":"trade","type":"update","data":[..]}
// with JSON-number price/qty, consecutive trade_id per pair, RFC 3339 times;
// control frames {"channel":"heartbeat"}, {"channel":"status"} and method
// answers {"method":"subscribe","success":..}, {"method":"pong"}.
//
// Which version is spoken (subscribe message, keep-alive) follows the URL: the
// default and any URL whose path ends in "/v2" are v2, other URLs v1.
#pragma once

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class KrakenDialect final : public Dialect {
 public:
  explicit KrakenDialect(const FeedOptions& options);

  std::string_view name() const override { return "kraken"; }
  std::string default_url() const override { return "wss://ws.kraken.com/v2"; }
  std::vector<std::string> subscribe_messages() const override;
  KeepAlive keep_alive() const override;
  IdContinuity id_continuity() const override {
    return v2_ ? IdContinuity::kConsecutive : IdContinuity::kNone;
  }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;

  bool is_v2() const { return v2_; }

 private:
  DecodeResult decode_v1_trades(simdjson::ondemand::array array, simdjson::ondemand::document& doc,
                                std::int64_t receive_time_ns, std::vector<Trade>& out);
  DecodeResult decode_object(simdjson::ondemand::object object, simdjson::ondemand::document& doc,
                             std::int64_t receive_time_ns, std::vector<Trade>& out);
  const std::string& pair_of(std::string_view symbol);

  std::vector<std::string> symbols_;
  bool v2_;
  std::string cached_symbol_, cached_pair_;
};

}  // namespace tickcast::feeds

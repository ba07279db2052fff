// Bitstamp: `bts:subscribe` to `live_trades_<pair>` (pair in lower case,
// e.g. "btcusd"). A trade is {"data":{..},"channel":"live_trades_btcusd",
// "event":"trade"} -- the data comes before the event name, so it is read
// provisionally and kept only if the event turns out to be a trade. Amounts
// are read from `amount_str`/`price_str` (exact decimal text) when present;
// `type` 0 is a buy, 1 a sell (the taker); `microtimestamp` is microseconds.
// Ids grow but are shared across pairs, so only repeats are checked.
// `bts:request_reconnect` asks for a new connection.
#pragma once

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class BitstampDialect final : public Dialect {
 public:
  explicit BitstampDialect(const FeedOptions& options) : symbols_(options.symbols) {}

  std::string_view name() const override { return "bitstamp"; }
  std::string default_url() const override { return "wss://ws.bitstamp.net"; }
  std::vector<std::string> subscribe_messages() const override;
  KeepAlive keep_alive() const override {
    return {R"({"event":"bts:heartbeat"})", std::chrono::seconds(30)};
  }
  IdContinuity id_continuity() const override { return IdContinuity::kIncreasing; }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;
  std::string encode_reconnect_request() const override {
    return R"({"event":"bts:request_reconnect","channel":"","data":""})";
  }

 private:
  std::vector<std::string> symbols_;
  std::string cached_symbol_, cached_pair_;
};

}  // namespace tickcast::feeds

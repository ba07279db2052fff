// OKX v5 public: channel `trades`, instrument ids like "BTC-USDT".
//
// {"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":..,
// "tradeId":"..","px":"..","sz":"..","side":"buy","ts":"<ms>"}]} with `side`
// the taker's and every number a string. Events: `subscribe` (confirmation),
// `error` (with code and msg), `notice` (the server will close soon:
// reconnect). The keep-alive is the plain text "ping", answered "pong" (not
// JSON). Ids grow per instrument.
#pragma once

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class OkxDialect final : public Dialect {
 public:
  explicit OkxDialect(const FeedOptions& options) : symbols_(options.symbols) {}

  std::string_view name() const override { return "okx"; }
  std::string default_url() const override { return "wss://ws.okx.com:8443/ws/v5/public"; }
  std::vector<std::string> subscribe_messages() const override;
  KeepAlive keep_alive() const override { return {"ping", std::chrono::seconds(20)}; }
  IdContinuity id_continuity() const override { return IdContinuity::kIncreasing; }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;
  std::string encode_reconnect_request() const override {
    return R"({"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"})";
  }

 private:
  std::vector<std::string> symbols_;
  std::string cached_symbol_, cached_pair_;
};

}  // namespace tickcast::feeds

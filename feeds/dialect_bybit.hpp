// Bybit v5 public: topic `publicTrade.<SYMBOL>` on the spot endpoint.
//
// {"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":..,"data":[{"T":<ms>,
// "s":"BTCUSDT","S":"Buy","v":"<qty>","p":"<price>","i":"<id>",..}]} with `S`
// the taker's side. Spot ids are numeric strings; derivatives use UUIDs,
// which become trade_id 0, so ids are not checked. Control answers carry "op"
// and "success" (a rejected subscription has success false and `ret_msg`).
// The keep-alive {"op":"ping"} is due every 20 s.
#pragma once

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class BybitDialect final : public Dialect {
 public:
  explicit BybitDialect(const FeedOptions& options) : symbols_(options.symbols) {}

  std::string_view name() const override { return "bybit"; }
  std::string default_url() const override { return "wss://stream.bybit.com/v5/public/spot"; }
  std::vector<std::string> subscribe_messages() const override;
  KeepAlive keep_alive() const override { return {R"({"op":"ping"})", std::chrono::seconds(20)}; }
  IdContinuity id_continuity() const override { return IdContinuity::kNone; }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;

 private:
  std::vector<std::string> symbols_;
  std::string cached_symbol_, cached_pair_;
};

}  // namespace tickcast::feeds

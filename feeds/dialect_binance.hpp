// Binance spot (and USD-M futures, which share the format): the `@trade` and
// `@aggTrade` streams, raw (`/ws/`) or combined (`/stream?streams=`, frames
// wrapped as {"stream":..,"data":{..}}).
//
// `m` true means the buyer was the maker, so the aggressor sold. An aggTrade
// covers the exchange's trade ids f..l: it becomes one Trade with
// first_trade_id = f and trade_id = l, so id continuity is checked on the
// underlying trades. Binance cuts every connection after 24 h and may send
// {"e":"serverShutdown"} first (FrameKind::kReconnect). A rejected request is
// answered {"code":N,"msg":"..","id":..} (or with an "error" object).
#pragma once

#include <memory>
#include <string>

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class BinanceDialect final : public Dialect {
 public:
  enum class Channel { kTrade, kAggTrade };
  BinanceDialect(const FeedOptions& options, Channel channel);

  std::string_view name() const override { return "binance"; }
  std::string default_url() const override;
  std::vector<std::string> subscribe_messages() const override;
  IdContinuity id_continuity() const override { return IdContinuity::kConsecutive; }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  std::vector<std::string> symbols_from_target(std::string_view target) const override;
  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;
  std::string encode_reconnect_request() const override;
  std::string encode_subscription_rejected() const override;

 private:
  std::vector<std::string> symbols_;
  Channel channel_;
  bool send_subscribe_;  // a custom URL may not name the streams itself
  std::string cached_symbol_, cached_pair_;
};

// Reads options.channel ("", "trade" or "aggTrade").
std::unique_ptr<Dialect> make_binance_dialect(const FeedOptions& options, std::string& error);

}  // namespace tickcast::feeds

// Coinbase Exchange: the `matches` channel plus `heartbeat`.
//
// A `match` (and the `last_match` sent once after subscribing) carries the
// MAKER's side, so the aggressor is the opposite. Trade ids are consecutive
// per product. Times are RFC 3339 with microseconds. Control frames:
// `subscriptions` (confirmation), `heartbeat` (once a second per product) and
// `error` (e.g. an unknown product, with `message` and `reason`).
#pragma once

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

class CoinbaseDialect final : public Dialect {
 public:
  explicit CoinbaseDialect(const FeedOptions& options) : symbols_(options.symbols) {}

  std::string_view name() const override { return "coinbase"; }
  std::string default_url() const override { return "wss://ws-feed.exchange.coinbase.com"; }
  std::vector<std::string> subscribe_messages() const override;
  IdContinuity id_continuity() const override { return IdContinuity::kConsecutive; }
  DecodeResult decode(simdjson::ondemand::parser& parser, simdjson::padded_string_view frame,
                      std::int64_t receive_time_ns, std::vector<Trade>& out) override;

  ServerReply answer(std::string_view client_frame) const override;
  std::string encode_trade(const Trade& t) const override;

 private:
  std::vector<std::string> symbols_;
  std::string cached_symbol_, cached_pair_;
};

}  // namespace tickcast::feeds

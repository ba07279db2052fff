#include "feeds/dialect_bitstamp.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kTradesPrefix = "live_trades_";

// The fields of a trade's "data" object, read before we know it is a trade.
struct TradeData {
  std::uint64_t id = 0;
  double price = 0, amount = 0;
  bool has_id = false, has_price = false, has_amount = false, has_type = false;
  bool exact_price = false, exact_amount = false;  // from the *_str fields
  std::uint64_t type = 0;
  std::int64_t time_ns = 0;
  bool has_micros = false, has_seconds = false;
  std::string_view message;  // bts:error's data.message
  detail::FieldCheck check;
};

simdjson::error_code read_data(od::object data, TradeData& d) {
  for (auto field_result : data) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return ec;
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return ec;
    od::value& v = field.value();
    if (key == "id") {
      const DecodeError e = detail::get_uint(v, d.id);
      d.has_id = e == DecodeError::kOk;
      d.check.note(e, key);
    } else if (key == "price_str" || (key == "price" && !d.exact_price)) {
      const DecodeError e = detail::get_decimal(v, d.price);
      d.has_price = e == DecodeError::kOk;
      d.exact_price = d.exact_price || (d.has_price && key == "price_str");
      d.check.note(e, key);
    } else if (key == "amount_str" || (key == "amount" && !d.exact_amount)) {
      const DecodeError e = detail::get_decimal(v, d.amount);
      d.has_amount = e == DecodeError::kOk;
      d.exact_amount = d.exact_amount || (d.has_amount && key == "amount_str");
      d.check.note(e, key);
    } else if (key == "type") {
      const DecodeError e = detail::get_uint(v, d.type);
      d.has_type = e == DecodeError::kOk;
      d.check.note(e, key);
    } else if (key == "microtimestamp") {
      std::uint64_t us = 0;
      DecodeError e = detail::get_uint(v, us);
      if (e == DecodeError::kOk && !micros_to_ns(us, d.time_ns)) e = DecodeError::kBadValue;
      d.has_micros = e == DecodeError::kOk;
      d.check.note(e, key);
    } else if (key == "timestamp" && !d.has_micros) {
      std::uint64_t s = 0;
      if (detail::get_uint(v, s) == DecodeError::kOk && s < 9'000'000'000ULL) {
        d.time_ns = static_cast<std::int64_t>(s) * 1'000'000'000;
        d.has_seconds = true;
      }
    } else if (key == "message") {
      (void)detail::get_string(v, d.message);
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

std::vector<std::string> BitstampDialect::subscribe_messages() const {
  std::vector<std::string> messages;
  for (const std::string& s : symbols_) {
    messages.push_back(R"({"event":"bts:subscribe","data":{"channel":)" +
                       json_string(std::string(kTradesPrefix) + s) + "}}");
  }
  return messages;
}

DecodeResult BitstampDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                     std::int64_t receive_time_ns, std::vector<Trade>& out) {
  od::document doc;
  od::object object;
  if (DecodeError e = detail::iterate_object(parser, frame, doc, object); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  std::string_view event, channel;
  TradeData d;
  bool has_data_object = false;
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return detail::invalid(ec);
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return detail::invalid(ec);
    od::value& v = field.value();
    if (key == "event") {
      (void)detail::get_string(v, event);
    } else if (key == "channel") {
      (void)detail::get_string(v, channel);
    } else if (key == "data") {
      od::object data;
      // bts:request_reconnect sends "data":"", which is not ours to read.
      if (v.get_object().get(data) == simdjson::SUCCESS) {
        has_data_object = true;
        if (auto ec = read_data(data, d); ec) return detail::invalid(ec);
      }
    }
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");

  if (event == "trade") {
    if (!channel.starts_with(kTradesPrefix)) return DecodeResult::of(FrameKind::kOther);
    d.check.require(has_data_object, "data");
    d.check.require(d.has_id, "id");
    d.check.require(d.has_price, "price");
    d.check.require(d.has_amount, "amount");
    d.check.require(d.has_type, "type");
    d.check.require(d.has_micros || d.has_seconds, "microtimestamp");
    if (!d.check.ok()) return d.check.result();
    if (d.type > 1) return DecodeResult::invalid(DecodeError::kBadValue, "type");
    if (!(d.price > 0) || !(d.amount > 0))
      return DecodeResult::invalid(DecodeError::kBadValue, "price/amount");
    const std::string_view symbol = channel.substr(kTradesPrefix.size());
    if (symbol != cached_symbol_) {
      cached_symbol_ = symbol;
      cached_pair_ = normalize_concatenated_pair(symbol);
    }
    Trade& t = out.emplace_back();
    t.exchange = "bitstamp";
    t.symbol = cached_symbol_;
    t.pair = cached_pair_;
    t.trade_id = d.id;
    t.first_trade_id = d.id;
    t.price = d.price;
    t.qty = d.amount;
    t.side = d.type == 0 ? Side::kBuy : Side::kSell;
    t.exchange_time_ns = d.time_ns;
    t.receive_time_ns = receive_time_ns;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (event == "bts:subscription_succeeded") return DecodeResult::of(FrameKind::kSubscribed);
  if (event == "bts:heartbeat") return DecodeResult::of(FrameKind::kPong);
  if (event == "bts:request_reconnect") {
    return DecodeResult::with_detail(FrameKind::kReconnect, "bts:request_reconnect");
  }
  if (event == "bts:error") return DecodeResult::with_detail(FrameKind::kRejected, d.message);
  if (event.starts_with("bts:")) return DecodeResult::of(FrameKind::kStatus);
  if (event.empty()) return DecodeResult::invalid(DecodeError::kUnexpectedShape, "no event");
  return DecodeResult::of(FrameKind::kOther);
}

ServerReply BitstampDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  // Client frames are untrusted, so they go through the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (even after the fields read here) is a malformed request, never a
  // half-walked on-demand document (the Binance fuzz finding, security.md).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view event, channel;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc["event"].get_string().get(event)) {
    reply.frames.push_back(
        R"({"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}})");
    return reply;
  }
  if (event == "bts:heartbeat") {
    reply.frames.push_back(R"({"event":"bts:heartbeat","channel":"","data":{"status":"success"}})");
    return reply;
  }
  if (event != "bts:subscribe" || doc["data"]["channel"].get_string().get(channel) ||
      !channel.starts_with(kTradesPrefix) || channel.size() == kTradesPrefix.size()) {
    reply.frames.push_back(
        R"({"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}})");
    return reply;
  }
  reply.symbols.emplace_back(channel.substr(kTradesPrefix.size()));
  reply.frames.push_back(R"({"event":"bts:subscription_succeeded","channel":)" +
                         json_string(channel) + R"(,"data":{}})");
  return reply;
}

std::string BitstampDialect::encode_trade(const Trade& t) const {
  const std::string price = detail::format_decimal(t.price);
  const std::string amount = detail::format_fixed(t.qty, 8);
  return R"({"data":{"id":)" + std::to_string(t.trade_id) + R"(,"timestamp":")" +
         std::to_string(t.exchange_time_ns / 1'000'000'000) + R"(","amount":)" + amount +
         R"(,"amount_str":")" + amount + R"(","price":)" + price + R"(,"price_str":")" + price +
         R"(","type":)" + (t.side == Side::kBuy ? "0" : "1") + R"(,"microtimestamp":")" +
         std::to_string(t.exchange_time_ns / 1000) +
         R"(","buy_order_id":1,"sell_order_id":2},"channel":)" +
         json_string(std::string(kTradesPrefix) + t.symbol) + R"(,"event":"trade"})";
}

}  // namespace tickcast::feeds

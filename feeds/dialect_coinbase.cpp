#include "feeds/dialect_coinbase.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;

std::string product_list(const std::vector<std::string>& symbols) {
  std::string out = "[";
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0) out += ',';
    out += json_string(symbols[i]);
  }
  return out + "]";
}

}  // namespace

std::vector<std::string> CoinbaseDialect::subscribe_messages() const {
  return {R"({"type":"subscribe","product_ids":)" + product_list(symbols_) +
          R"(,"channels":["matches","heartbeat"]})"};
}

DecodeResult CoinbaseDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                     std::int64_t receive_time_ns, std::vector<Trade>& out) {
  od::document doc;
  od::object object;
  if (DecodeError e = detail::iterate_object(parser, frame, doc, object); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  std::string_view type, product, side, time, message, reason;
  std::uint64_t trade_id = 0;
  double price = 0, size = 0;
  bool has_id = false, has_price = false, has_size = false;
  detail::FieldCheck check;
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return detail::invalid(ec);
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return detail::invalid(ec);
    od::value& v = field.value();
    if (key == "type") {
      check.note(detail::get_string(v, type), key);
    } else if (key == "trade_id") {
      const DecodeError e = detail::get_uint(v, trade_id);
      has_id = e == DecodeError::kOk;
      check.note(e, key);
    } else if (key == "price") {
      const DecodeError e = detail::get_decimal(v, price);
      has_price = e == DecodeError::kOk;
      check.note(e, key);
    } else if (key == "size") {
      const DecodeError e = detail::get_decimal(v, size);
      has_size = e == DecodeError::kOk;
      check.note(e, key);
    } else if (key == "side") {
      check.note(detail::get_string(v, side), key);
    } else if (key == "product_id") {
      check.note(detail::get_string(v, product), key);
    } else if (key == "time") {
      check.note(detail::get_string(v, time), key);
    } else if (key == "message") {
      (void)detail::get_string(v, message);
    } else if (key == "reason") {
      (void)detail::get_string(v, reason);
    }
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");

  if (type == "match" || type == "last_match") {
    check.require(has_id, "trade_id");
    check.require(has_price, "price");
    check.require(has_size, "size");
    check.require(!product.empty(), "product_id");
    check.require(!time.empty(), "time");
    check.require(!side.empty(), "side");
    if (!check.ok()) return check.result();
    std::int64_t time_ns = 0;
    if (!parse_rfc3339_ns(time, time_ns))
      return DecodeResult::invalid(DecodeError::kBadValue, "time");
    if (side != "buy" && side != "sell")
      return DecodeResult::invalid(DecodeError::kBadValue, "side");
    if (!(price > 0) || !(size > 0))
      return DecodeResult::invalid(DecodeError::kBadValue, "price/size");
    if (product != cached_symbol_) {
      cached_symbol_ = product;
      cached_pair_ = normalize_separated_pair(product, '-');
    }
    Trade& t = out.emplace_back();
    t.exchange = "coinbase";
    t.symbol = cached_symbol_;
    t.pair = cached_pair_;
    t.trade_id = trade_id;
    t.first_trade_id = trade_id;
    t.price = price;
    t.qty = size;
    // `side` is the maker's order; the taker took the other side.
    t.side = side == "buy" ? Side::kSell : Side::kBuy;
    t.exchange_time_ns = time_ns;
    t.receive_time_ns = receive_time_ns;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (type == "subscriptions") return DecodeResult::of(FrameKind::kSubscribed);
  if (type == "heartbeat") return DecodeResult::of(FrameKind::kHeartbeat);
  if (type == "error") {
    std::string detail(message);
    if (!reason.empty()) detail += ": " + std::string(reason);
    return DecodeResult::with_detail(FrameKind::kRejected, detail);
  }
  if (type.empty()) return DecodeResult::invalid(DecodeError::kUnexpectedShape, "no type");
  return DecodeResult::of(FrameKind::kOther);
}

ServerReply CoinbaseDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  // Client frames are untrusted, so they go through the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (even after the fields read here) is a malformed request, never a
  // half-walked on-demand document (the Binance fuzz finding, security.md).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view type;
  simdjson::dom::array products;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc["type"].get_string().get(type) || type != "subscribe") {
    reply.frames.push_back(
        R"({"type":"error","message":"Failed to subscribe","reason":"type must be subscribe"})");
    return reply;
  }
  if (doc["product_ids"].get_array().get(products)) {
    reply.frames.push_back(
        R"({"type":"error","message":"Failed to subscribe","reason":"product_ids must be a list"})");
    return reply;
  }
  for (simdjson::dom::element item : products) {
    std::string_view s;
    if (!item.get_string().get(s)) reply.symbols.emplace_back(s);
  }
  const std::string list = product_list(reply.symbols);
  reply.frames.push_back(R"({"type":"subscriptions","channels":[{"name":"matches","product_ids":)" +
                         list + R"(},{"name":"heartbeat","product_ids":)" + list + "}]}");
  return reply;
}

std::string CoinbaseDialect::encode_trade(const Trade& t) const {
  // The maker's side is the opposite of the aggressor's.
  const std::string_view maker_side = t.side == Side::kBuy ? "sell" : "buy";
  return R"({"type":"match","trade_id":)" + std::to_string(t.trade_id) +
         R"(,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","side":")" +
         std::string(maker_side) + R"(","size":")" + detail::format_decimal(t.qty) +
         R"(","price":")" + detail::format_decimal(t.price) + R"(","product_id":)" +
         json_string(t.symbol) + R"(,"sequence":)" + std::to_string(t.trade_id) + R"(,"time":")" +
         detail::format_rfc3339_us(t.exchange_time_ns) + R"("})";
}

}  // namespace tickcast::feeds

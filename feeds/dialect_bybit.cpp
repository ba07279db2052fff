#include "feeds/dialect_bybit.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kTopicPrefix = "publicTrade.";

struct Rollback {
  std::vector<Trade>& out;
  std::size_t size;
  bool committed = false;
  ~Rollback() {
    if (!committed) out.resize(size);
  }
};

}  // namespace

std::vector<std::string> BybitDialect::subscribe_messages() const {
  std::string msg = R"({"op":"subscribe","args":[)";
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (i > 0) msg += ',';
    msg += json_string(std::string(kTopicPrefix) + symbols_[i]);
  }
  return {msg + "]}"};
}

DecodeResult BybitDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                  std::int64_t receive_time_ns, std::vector<Trade>& out) {
  od::document doc;
  od::object object;
  if (DecodeError e = detail::iterate_object(parser, frame, doc, object); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  Rollback rollback{out, out.size()};
  std::string_view topic, op, ret_msg;
  bool has_success = false, success = false, has_data = false;
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return detail::invalid(ec);
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return detail::invalid(ec);
    od::value& v = field.value();
    if (key == "topic") {
      (void)detail::get_string(v, topic);
    } else if (key == "op") {
      (void)detail::get_string(v, op);
    } else if (key == "ret_msg") {
      (void)detail::get_string(v, ret_msg);
    } else if (key == "success") {
      has_success = detail::get_bool(v, success) == DecodeError::kOk;
    } else if (key == "data") {
      has_data = true;
      if (!topic.starts_with(kTopicPrefix)) continue;
      od::array data;
      if (auto ec = v.get_array().get(data); ec) return detail::invalid(ec);
      for (auto item_result : data) {
        od::object item;
        if (auto ec = item_result.get_object().get(item); ec) return detail::invalid(ec);
        std::string_view symbol, side, id_text;
        double p = 0, q = 0;
        std::int64_t time_ns = 0;
        bool has_p = false, has_q = false, has_time = false;
        detail::FieldCheck check;
        for (auto f_result : item) {
          od::field f;
          if (auto ec = std::move(f_result).get(f); ec) return detail::invalid(ec);
          std::string_view k;
          if (auto ec = f.unescaped_key().get(k); ec) return detail::invalid(ec);
          od::value& x = f.value();
          DecodeError e = DecodeError::kOk;
          if (k == "s") {
            e = detail::get_string(x, symbol);
          } else if (k == "S") {
            e = detail::get_string(x, side);
          } else if (k == "p") {
            e = detail::get_decimal(x, p);
            has_p = e == DecodeError::kOk;
          } else if (k == "v") {
            e = detail::get_decimal(x, q);
            has_q = e == DecodeError::kOk;
          } else if (k == "T") {
            e = detail::get_millis_ns(x, time_ns);
            has_time = e == DecodeError::kOk;
          } else if (k == "i") {
            e = detail::get_string(x, id_text);
          }
          check.note(e, k);
        }
        check.require(!symbol.empty(), "s");
        check.require(!side.empty(), "S");
        check.require(has_p, "p");
        check.require(has_q, "v");
        check.require(has_time, "T");
        if (!check.ok()) return check.result();
        if (side != "Buy" && side != "Sell")
          return DecodeResult::invalid(DecodeError::kBadValue, "S");
        if (!(p > 0) || !(q > 0)) return DecodeResult::invalid(DecodeError::kBadValue, "p/v");
        if (symbol != cached_symbol_) {
          cached_symbol_ = symbol;
          cached_pair_ = normalize_concatenated_pair(symbol);
        }
        Trade& t = out.emplace_back();
        t.exchange = "bybit";
        t.symbol = cached_symbol_;
        t.pair = cached_pair_;
        // Spot ids are numbers in a string; derivative UUIDs have no order.
        if (!parse_uint(id_text, t.trade_id)) t.trade_id = 0;
        t.first_trade_id = t.trade_id;
        t.price = p;
        t.qty = q;
        t.side = side == "Buy" ? Side::kBuy : Side::kSell;
        t.exchange_time_ns = time_ns;
        t.receive_time_ns = receive_time_ns;
      }
    }
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");

  if (!topic.empty()) {
    if (!has_data) return DecodeResult::invalid(DecodeError::kMissingField, "data");
    if (!topic.starts_with(kTopicPrefix) || out.size() == rollback.size) {
      return DecodeResult::of(FrameKind::kOther);
    }
    rollback.committed = true;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (op == "pong" || (op == "ping" && ret_msg == "pong"))
    return DecodeResult::of(FrameKind::kPong);
  if (has_success && !success) return DecodeResult::with_detail(FrameKind::kRejected, ret_msg);
  if (op == "subscribe" && has_success) return DecodeResult::of(FrameKind::kSubscribed);
  if (!op.empty()) return DecodeResult::of(FrameKind::kStatus);
  return DecodeResult::invalid(DecodeError::kUnexpectedShape);
}

ServerReply BybitDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  // Client frames are untrusted, so they go through the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (even after the fields read here) is a malformed request, never a
  // half-walked on-demand document (the Binance fuzz finding, security.md).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view op;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc["op"].get_string().get(op)) {
    reply.frames.push_back(
        R"({"success":false,"ret_msg":"error:request not json","conn_id":"cc1","op":""})");
    return reply;
  }
  if (op == "ping") {
    reply.frames.push_back(R"({"success":true,"ret_msg":"pong","conn_id":"cc1","op":"ping"})");
    return reply;
  }
  simdjson::dom::array args;
  if (op != "subscribe" || doc["args"].get_array().get(args)) {
    reply.frames.push_back(
        R"({"success":false,"ret_msg":"error:unsupported op","conn_id":"cc1","op":)" +
        json_string(op) + "}");
    return reply;
  }
  bool ok = true;
  for (simdjson::dom::element item : args) {
    std::string_view topic;
    if (item.get_string().get(topic) || !topic.starts_with(kTopicPrefix)) {
      ok = false;
      continue;
    }
    reply.symbols.emplace_back(topic.substr(kTopicPrefix.size()));
  }
  reply.frames.push_back(
      ok ? R"({"success":true,"ret_msg":"subscribe","conn_id":"cc1","op":"subscribe"})"
         : R"({"success":false,"ret_msg":"error:handler not found","conn_id":"cc1","op":"subscribe"})");
  return reply;
}

std::string BybitDialect::encode_trade(const Trade& t) const {
  const std::string ms = std::to_string(t.exchange_time_ns / 1'000'000);
  return R"({"topic":"publicTrade.)" + t.symbol + R"(","type":"snapshot","ts":)" + ms +
         R"(,"data":[{"T":)" + ms + R"(,"s":)" + json_string(t.symbol) + R"(,"S":")" +
         (t.side == Side::kBuy ? "Buy" : "Sell") + R"(","v":")" + detail::format_decimal(t.qty) +
         R"(","p":")" + detail::format_decimal(t.price) + R"(","L":"PlusTick","i":")" +
         std::to_string(t.trade_id) + R"(","BT":false}]})";
}

}  // namespace tickcast::feeds

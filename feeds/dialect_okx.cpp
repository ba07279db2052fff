#include "feeds/dialect_okx.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;

struct Rollback {
  std::vector<Trade>& out;
  std::size_t size;
  bool committed = false;
  ~Rollback() {
    if (!committed) out.resize(size);
  }
};

}  // namespace

std::vector<std::string> OkxDialect::subscribe_messages() const {
  std::string msg = R"({"op":"subscribe","args":[)";
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (i > 0) msg += ',';
    msg += R"({"channel":"trades","instId":)" + json_string(symbols_[i]) + "}";
  }
  return {msg + "]}"};
}

DecodeResult OkxDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                std::int64_t receive_time_ns, std::vector<Trade>& out) {
  if (std::string_view(frame) == "pong") return DecodeResult::of(FrameKind::kPong);
  od::document doc;
  od::object object;
  if (DecodeError e = detail::iterate_object(parser, frame, doc, object); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  Rollback rollback{out, out.size()};
  std::string_view event, channel, msg, code;
  bool has_data = false;
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return detail::invalid(ec);
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return detail::invalid(ec);
    od::value& v = field.value();
    if (key == "event") {
      (void)detail::get_string(v, event);
    } else if (key == "msg") {
      (void)detail::get_string(v, msg);
    } else if (key == "code") {
      (void)detail::get_string(v, code);
    } else if (key == "arg") {
      od::object arg;
      if (v.get_object().get(arg) == simdjson::SUCCESS) {
        std::string_view ch;
        if (arg["channel"].get_string().get(ch) == simdjson::SUCCESS) channel = ch;
      }
    } else if (key == "data") {
      has_data = true;
      if (channel != "trades") continue;  // another channel, or data before arg
      od::array data;
      if (auto ec = v.get_array().get(data); ec) return detail::invalid(ec);
      for (auto item_result : data) {
        od::object item;
        if (auto ec = item_result.get_object().get(item); ec) return detail::invalid(ec);
        std::string_view inst, side;
        std::uint64_t id = 0;
        double px = 0, sz = 0;
        std::int64_t ts = 0;
        bool has_id = false, has_px = false, has_sz = false, has_ts = false;
        detail::FieldCheck check;
        for (auto f_result : item) {
          od::field f;
          if (auto ec = std::move(f_result).get(f); ec) return detail::invalid(ec);
          std::string_view k;
          if (auto ec = f.unescaped_key().get(k); ec) return detail::invalid(ec);
          od::value& x = f.value();
          DecodeError e = DecodeError::kOk;
          if (k == "instId") {
            e = detail::get_string(x, inst);
          } else if (k == "tradeId") {
            e = detail::get_uint(x, id);
            has_id = e == DecodeError::kOk;
          } else if (k == "px") {
            e = detail::get_decimal(x, px);
            has_px = e == DecodeError::kOk;
          } else if (k == "sz") {
            e = detail::get_decimal(x, sz);
            has_sz = e == DecodeError::kOk;
          } else if (k == "side") {
            e = detail::get_string(x, side);
          } else if (k == "ts") {
            e = detail::get_millis_ns(x, ts);
            has_ts = e == DecodeError::kOk;
          }
          check.note(e, k);
        }
        check.require(!inst.empty(), "instId");
        check.require(has_id, "tradeId");
        check.require(has_px, "px");
        check.require(has_sz, "sz");
        check.require(!side.empty(), "side");
        check.require(has_ts, "ts");
        if (!check.ok()) return check.result();
        if (side != "buy" && side != "sell")
          return DecodeResult::invalid(DecodeError::kBadValue, "side");
        if (!(px > 0) || !(sz > 0)) return DecodeResult::invalid(DecodeError::kBadValue, "px/sz");
        if (inst != cached_symbol_) {
          cached_symbol_ = inst;
          cached_pair_ = normalize_separated_pair(inst, '-');
        }
        Trade& t = out.emplace_back();
        t.exchange = "okx";
        t.symbol = cached_symbol_;
        t.pair = cached_pair_;
        t.trade_id = id;
        t.first_trade_id = id;
        t.price = px;
        t.qty = sz;
        t.side = side == "buy" ? Side::kBuy : Side::kSell;
        t.exchange_time_ns = ts;
        t.receive_time_ns = receive_time_ns;
      }
    }
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");

  if (has_data) {
    if (channel.empty())
      return DecodeResult::invalid(DecodeError::kUnexpectedShape, "data without arg");
    if (channel != "trades") return DecodeResult::of(FrameKind::kOther);
    if (out.size() == rollback.size) return DecodeResult::of(FrameKind::kOther);
    rollback.committed = true;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (event == "subscribe") return DecodeResult::of(FrameKind::kSubscribed);
  if (event == "error") {
    return DecodeResult::with_detail(FrameKind::kRejected,
                                     std::string(code) + " " + std::string(msg));
  }
  if (event == "notice") return DecodeResult::with_detail(FrameKind::kReconnect, msg);
  if (!event.empty()) return DecodeResult::of(FrameKind::kStatus);
  return DecodeResult::invalid(DecodeError::kUnexpectedShape);
}

ServerReply OkxDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  if (client_frame == "ping") {
    reply.frames.emplace_back("pong");
    return reply;
  }
  // Client frames are untrusted, so they go through the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (even after the fields read here) is a malformed request, never a
  // half-walked on-demand document (the Binance fuzz finding, security.md).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view op;
  simdjson::dom::array args;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc["op"].get_string().get(op) || op != "subscribe" || doc["args"].get_array().get(args)) {
    reply.frames.push_back(
        R"({"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"})");
    return reply;
  }
  for (simdjson::dom::element item : args) {
    simdjson::dom::object arg;
    std::string_view channel, inst;
    if (item.get_object().get(arg) || arg["channel"].get_string().get(channel) ||
        arg["instId"].get_string().get(inst) || channel != "trades") {
      reply.frames.push_back(
          R"({"event":"error","code":"60018","msg":"Wrong URL or channel doesn't exist","connId":"a4d3ae55"})");
      continue;
    }
    reply.symbols.emplace_back(inst);
    reply.frames.push_back(R"({"event":"subscribe","arg":{"channel":"trades","instId":)" +
                           json_string(inst) + R"(},"connId":"a4d3ae55"})");
  }
  return reply;
}

std::string OkxDialect::encode_trade(const Trade& t) const {
  const std::string inst = json_string(t.symbol);
  return R"({"arg":{"channel":"trades","instId":)" + inst + R"(},"data":[{"instId":)" + inst +
         R"(,"tradeId":")" + std::to_string(t.trade_id) + R"(","px":")" +
         detail::format_decimal(t.price) + R"(","sz":")" + detail::format_decimal(t.qty) +
         R"(","side":")" + std::string(to_string(t.side)) + R"(","ts":")" +
         std::to_string(t.exchange_time_ns / 1'000'000) + R"(","count":"1"}]})";
}

}  // namespace tickcast::feeds

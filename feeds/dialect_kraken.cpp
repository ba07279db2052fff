#include "feeds/dialect_kraken.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += json_string(items[i]);
  }
  return out + "]";
}

bool url_is_v2(const std::string& url) {
  if (url.empty()) return true;
  std::string_view path = url;
  path = path.substr(0, path.find('?'));
  while (path.ends_with('/')) path.remove_suffix(1);
  return path.ends_with("/v2");
}

// Restores `out` to `size` when a frame fails part-way: all or nothing.
struct Rollback {
  std::vector<Trade>& out;
  std::size_t size;
  bool committed = false;
  ~Rollback() {
    if (!committed) out.resize(size);
  }
};

}  // namespace

KrakenDialect::KrakenDialect(const FeedOptions& options)
    : symbols_(options.symbols), v2_(url_is_v2(options.url)) {}

std::vector<std::string> KrakenDialect::subscribe_messages() const {
  if (v2_) {
    return {R"({"method":"subscribe","params":{"channel":"trade","symbol":)" +
            quoted_list(symbols_) + R"(,"snapshot":false}})"};
  }
  return {R"({"event":"subscribe","pair":)" + quoted_list(symbols_) +
          R"(,"subscription":{"name":"trade"}})"};
}

KeepAlive KrakenDialect::keep_alive() const {
  return {v2_ ? R"({"method":"ping"})" : R"({"event":"ping"})", std::chrono::seconds(30)};
}

const std::string& KrakenDialect::pair_of(std::string_view symbol) {
  if (symbol != cached_symbol_) {
    cached_symbol_ = symbol;
    cached_pair_ = normalize_separated_pair(symbol, '/');
  }
  return cached_pair_;
}

DecodeResult KrakenDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                   std::int64_t receive_time_ns, std::vector<Trade>& out) {
  od::document doc;
  if (DecodeError e = detail::iterate(parser, frame, doc); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  od::json_type type;
  if (auto ec = doc.type().get(type); ec) return detail::invalid(ec);
  if (type == od::json_type::array) {
    od::array array;
    if (auto ec = doc.get_array().get(array); ec) return detail::invalid(ec);
    return decode_v1_trades(array, doc, receive_time_ns, out);
  }
  if (type == od::json_type::object) {
    od::object object;
    if (auto ec = doc.get_object().get(object); ec) return detail::invalid(ec);
    return decode_object(object, doc, receive_time_ns, out);
  }
  return DecodeResult::invalid(DecodeError::kUnexpectedShape);
}

// [channelID, [[price, volume, time, side, orderType, misc], ..], "trade", "XBT/USD"]
// The pair comes last, so trades are appended first and named at the end.
DecodeResult KrakenDialect::decode_v1_trades(od::array array, od::document& doc,
                                             std::int64_t receive_time_ns,
                                             std::vector<Trade>& out) {
  Rollback rollback{out, out.size()};
  std::size_t index = 0;
  std::string_view channel, symbol;
  for (auto element_result : array) {
    od::value element;
    if (auto ec = std::move(element_result).get(element); ec) return detail::invalid(ec);
    if (index == 1) {
      od::array trades;
      // Book updates carry an object here, spread and ohlc a flat array.
      if (element.get_array().get(trades)) return DecodeResult::of(FrameKind::kOther);
      for (auto trade_result : trades) {
        od::array fields;
        if (trade_result.get_array().get(fields)) return DecodeResult::of(FrameKind::kOther);
        std::string_view text[4];
        std::size_t n = 0;
        for (auto item : fields) {
          if (n < 4 && item.get_string().get(text[n])) {
            return DecodeResult::invalid(DecodeError::kBadValue, "trade array element");
          }
          ++n;
        }
        if (n < 4) return DecodeResult::invalid(DecodeError::kMissingField, "trade array");
        Trade& t = out.emplace_back();
        t.exchange = "kraken";
        if (!parse_decimal(text[0], t.price) || !(t.price > 0) || !parse_decimal(text[1], t.qty) ||
            !(t.qty > 0)) {
          return DecodeResult::invalid(DecodeError::kBadValue, "price/volume");
        }
        if (!parse_decimal_seconds_ns(text[2], t.exchange_time_ns)) {
          return DecodeResult::invalid(DecodeError::kBadValue, "time");
        }
        if (text[3] != "b" && text[3] != "s")
          return DecodeResult::invalid(DecodeError::kBadValue, "side");
        t.side = text[3] == "b" ? Side::kBuy : Side::kSell;
        t.receive_time_ns = receive_time_ns;
      }
    } else if (index == 2) {
      if (element.get_string().get(channel))
        return DecodeResult::invalid(DecodeError::kBadValue, "channel");
    } else if (index == 3) {
      if (element.get_string().get(symbol))
        return DecodeResult::invalid(DecodeError::kBadValue, "pair");
    }
    ++index;
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");
  if (index < 4) return DecodeResult::invalid(DecodeError::kUnexpectedShape, "short array");
  if (channel != "trade") return DecodeResult::of(FrameKind::kOther);
  if (out.size() == rollback.size)
    return DecodeResult::invalid(DecodeError::kMissingField, "trades");
  const std::string& pair = pair_of(symbol);
  for (std::size_t i = rollback.size; i < out.size(); ++i) {
    out[i].symbol = cached_symbol_;
    out[i].pair = pair;
  }
  rollback.committed = true;
  return DecodeResult::of(FrameKind::kTrade);
}

DecodeResult KrakenDialect::decode_object(od::object object, od::document& doc,
                                          std::int64_t receive_time_ns, std::vector<Trade>& out) {
  Rollback rollback{out, out.size()};
  std::string_view event, status, channel, method, error_message;
  bool has_success = false, success = false, data_before_channel = false;
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return detail::invalid(ec);
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return detail::invalid(ec);
    od::value& v = field.value();
    if (key == "event") {
      (void)detail::get_string(v, event);
    } else if (key == "status") {
      (void)detail::get_string(v, status);
    } else if (key == "channel") {
      (void)detail::get_string(v, channel);
    } else if (key == "method") {
      (void)detail::get_string(v, method);
    } else if (key == "errorMessage" || key == "error") {
      (void)detail::get_string(v, error_message);
    } else if (key == "success") {
      has_success = detail::get_bool(v, success) == DecodeError::kOk;
    } else if (key == "data") {
      if (channel.empty()) {
        data_before_channel = true;
        continue;
      }
      if (channel != "trade") continue;
      od::array data;
      if (auto ec = v.get_array().get(data); ec) return detail::invalid(ec);
      for (auto item_result : data) {
        od::object item;
        if (auto ec = item_result.get_object().get(item); ec) return detail::invalid(ec);
        std::string_view symbol, side, timestamp;
        double price = 0, qty = 0;
        std::uint64_t id = 0;
        bool has_price = false, has_qty = false, has_id = false;
        detail::FieldCheck check;
        for (auto f_result : item) {
          od::field f;
          if (auto ec = std::move(f_result).get(f); ec) return detail::invalid(ec);
          std::string_view k;
          if (auto ec = f.unescaped_key().get(k); ec) return detail::invalid(ec);
          od::value& x = f.value();
          if (k == "symbol") {
            check.note(detail::get_string(x, symbol), k);
          } else if (k == "side") {
            check.note(detail::get_string(x, side), k);
          } else if (k == "price") {
            const DecodeError e = detail::get_decimal(x, price);
            has_price = e == DecodeError::kOk;
            check.note(e, k);
          } else if (k == "qty") {
            const DecodeError e = detail::get_decimal(x, qty);
            has_qty = e == DecodeError::kOk;
            check.note(e, k);
          } else if (k == "trade_id") {
            const DecodeError e = detail::get_uint(x, id);
            has_id = e == DecodeError::kOk;
            check.note(e, k);
          } else if (k == "timestamp") {
            check.note(detail::get_string(x, timestamp), k);
          }
        }
        check.require(!symbol.empty(), "symbol");
        check.require(!side.empty(), "side");
        check.require(has_price, "price");
        check.require(has_qty, "qty");
        check.require(has_id, "trade_id");
        check.require(!timestamp.empty(), "timestamp");
        if (!check.ok()) return check.result();
        Trade& t = out.emplace_back();
        if (!parse_rfc3339_ns(timestamp, t.exchange_time_ns)) {
          return DecodeResult::invalid(DecodeError::kBadValue, "timestamp");
        }
        if (side != "buy" && side != "sell")
          return DecodeResult::invalid(DecodeError::kBadValue, "side");
        if (!(price > 0) || !(qty > 0))
          return DecodeResult::invalid(DecodeError::kBadValue, "price/qty");
        t.exchange = "kraken";
        t.symbol = std::string(symbol);
        t.pair = pair_of(symbol);
        t.trade_id = id;
        t.first_trade_id = id;
        t.price = price;
        t.qty = qty;
        t.side = side == "buy" ? Side::kBuy : Side::kSell;
        t.receive_time_ns = receive_time_ns;
      }
    }
  }
  if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");

  if (channel == "trade") {
    if (data_before_channel) {
      return DecodeResult::invalid(DecodeError::kUnexpectedShape, "data before channel");
    }
    if (out.size() == rollback.size) return DecodeResult::of(FrameKind::kOther);  // empty update
    rollback.committed = true;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (channel == "heartbeat" || event == "heartbeat")
    return DecodeResult::of(FrameKind::kHeartbeat);
  if (channel == "status" || event == "systemStatus") return DecodeResult::of(FrameKind::kStatus);
  if (method == "pong" || event == "pong") return DecodeResult::of(FrameKind::kPong);
  if (event == "subscriptionStatus") {
    if (status == "subscribed") return DecodeResult::of(FrameKind::kSubscribed);
    if (status == "error") return DecodeResult::with_detail(FrameKind::kRejected, error_message);
    return DecodeResult::of(FrameKind::kStatus);  // unsubscribed
  }
  if (event == "error") return DecodeResult::with_detail(FrameKind::kRejected, error_message);
  if (!method.empty() && has_success) {
    if (!success) return DecodeResult::with_detail(FrameKind::kRejected, error_message);
    return DecodeResult::of(method == "subscribe" ? FrameKind::kSubscribed : FrameKind::kStatus);
  }
  if (!channel.empty() || !event.empty() || !method.empty())
    return DecodeResult::of(FrameKind::kOther);
  return DecodeResult::invalid(DecodeError::kUnexpectedShape);
}

ServerReply KrakenDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  // Client frames are untrusted, so they go through the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (even after the fields read here) is a malformed request, never a
  // half-walked on-demand document (the Binance fuzz finding, security.md).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object object;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc.get_object().get(object)) {
    reply.frames.push_back(v2_ ? R"({"error":"Malformed request","success":false})"
                               : R"({"event":"error","errorMessage":"Malformed request"})");
    return reply;
  }
  std::string_view op;
  if (v2_) {
    if (object["method"].get_string().get(op)) op = {};
    if (op == "ping") {
      reply.frames.push_back(
          R"({"method":"pong","time_in":"2024-08-09T00:00:00.000000Z","time_out":"2024-08-09T00:00:00.000000Z"})");
      return reply;
    }
    simdjson::dom::array symbols;
    if (op == "subscribe" && !object["params"]["symbol"].get_array().get(symbols)) {
      for (simdjson::dom::element item : symbols) {
        std::string_view s;
        if (!item.get_string().get(s)) reply.symbols.emplace_back(s);
      }
      for (const std::string& s : reply.symbols) {
        reply.frames.push_back(
            R"({"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":)" +
            json_string(s) + R"(},"success":true})");
      }
      return reply;
    }
    reply.frames.push_back(R"({"error":"Unsupported request","method":)" + json_string(op) +
                           R"(,"success":false})");
    return reply;
  }
  if (object["event"].get_string().get(op)) op = {};
  if (op == "ping") {
    reply.frames.push_back(R"({"event":"pong"})");
    return reply;
  }
  simdjson::dom::array pairs;
  if (op == "subscribe" && !object["pair"].get_array().get(pairs)) {
    for (simdjson::dom::element item : pairs) {
      std::string_view s;
      if (!item.get_string().get(s)) reply.symbols.emplace_back(s);
    }
    int channel_id = 100;
    for (const std::string& s : reply.symbols) {
      reply.frames.push_back(R"({"channelID":)" + std::to_string(channel_id++) +
                             R"(,"channelName":"trade","event":"subscriptionStatus","pair":)" +
                             json_string(s) +
                             R"(,"status":"subscribed","subscription":{"name":"trade"}})");
    }
    return reply;
  }
  reply.frames.push_back(R"({"event":"error","errorMessage":"Unsupported event"})");
  return reply;
}

std::string KrakenDialect::encode_trade(const Trade& t) const {
  if (v2_) {
    return R"({"channel":"trade","type":"update","data":[{"symbol":)" + json_string(t.symbol) +
           R"(,"side":")" + std::string(to_string(t.side)) + R"(","price":)" +
           detail::format_decimal(t.price) + R"(,"qty":)" + detail::format_decimal(t.qty) +
           R"(,"ord_type":"market","trade_id":)" + std::to_string(t.trade_id) +
           R"(,"timestamp":")" + detail::format_rfc3339_us(t.exchange_time_ns) + R"("}]})";
  }
  const std::int64_t us = t.exchange_time_ns / 1000;
  char time[40];
  std::snprintf(time, sizeof time, "%lld.%06lld", static_cast<long long>(us / 1'000'000),
                static_cast<long long>(us % 1'000'000));
  return R"([100,[[")" + detail::format_decimal(t.price) + R"(",")" +
         detail::format_decimal(t.qty) + R"(",")" + time + R"(",")" +
         (t.side == Side::kBuy ? "b" : "s") + R"(","m",""]],"trade",)" + json_string(t.symbol) +
         "]";
}

}  // namespace tickcast::feeds

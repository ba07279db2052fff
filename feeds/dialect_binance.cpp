#include "feeds/dialect_binance.hpp"

#include <utility>

#include "feeds/dialect_common.hpp"
#include "feeds/json_text.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/symbol_case.hpp"

namespace tickcast::feeds {
namespace {

namespace od = simdjson::ondemand;
using detail::to_decode_error;

std::string_view stream_suffix(BinanceDialect::Channel channel) {
  return channel == BinanceDialect::Channel::kTrade ? "@trade" : "@aggTrade";
}

// A field seen in the frame: absent, read, or present with the wrong type.
enum class Seen : std::uint8_t { kAbsent, kOk, kBad };

// Everything one pass over a Binance frame can find. Both shapes (combined
// wrapper and raw event) and the control answers land in the same struct, so
// each frame is walked exactly once, in order.
struct Fields {
  std::string_view stream, event, symbol, msg;
  std::uint64_t t = 0, f = 0, l = 0;
  double p = 0, q = 0;
  std::int64_t trade_time_ns = 0;
  bool m = false;
  Seen has_t = Seen::kAbsent, has_f = Seen::kAbsent, has_l = Seen::kAbsent;
  Seen has_p = Seen::kAbsent, has_q = Seen::kAbsent, has_time = Seen::kAbsent;
  Seen has_m = Seen::kAbsent, has_symbol = Seen::kAbsent;
  bool has_result = false, has_id = false, has_error = false, has_data = false;
  bool skipped_data = false;  // the wrapper named a stream that is not ours
};

bool is_trade_stream(std::string_view stream) {
  return stream.ends_with("@trade") || stream.ends_with("@aggTrade");
}

// Reads one field's value when it has the expected JSON type; a value of
// another type is remembered as bad and left for the iterator to skip, since
// other streams reuse the same keys with other types ("a" is a price string
// in bookTicker and an id in aggTrade).
template <typename Read>
Seen read_typed(od::value& v, od::json_type want, Read read) {
  od::json_type type;
  if (v.type().get(type) || type != want) return Seen::kBad;
  return read(v) == DecodeError::kOk ? Seen::kOk : Seen::kBad;
}

simdjson::error_code scan(od::object object, Fields& f, bool top_level) {
  for (auto field_result : object) {
    od::field field;
    if (auto ec = std::move(field_result).get(field); ec) return ec;
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key); ec) return ec;
    od::value& v = field.value();
    if (key.size() == 1) {
      switch (key[0]) {
        case 'e':
          if (auto ec = v.get_string().get(f.event); ec) return ec;
          // An event that is not a trade is not ours: stop reading it.
          if (f.event != "trade" && f.event != "aggTrade") return simdjson::SUCCESS;
          break;
        case 's':
          f.has_symbol = read_typed(v, od::json_type::string,
                                    [&](od::value& x) { return detail::get_string(x, f.symbol); });
          break;
        case 't':
          f.has_t = read_typed(v, od::json_type::number,
                               [&](od::value& x) { return detail::get_uint(x, f.t); });
          break;
        case 'f':
          f.has_f = read_typed(v, od::json_type::number,
                               [&](od::value& x) { return detail::get_uint(x, f.f); });
          break;
        case 'l':
          f.has_l = read_typed(v, od::json_type::number,
                               [&](od::value& x) { return detail::get_uint(x, f.l); });
          break;
        case 'p':
          f.has_p = read_typed(v, od::json_type::string,
                               [&](od::value& x) { return detail::get_decimal(x, f.p); });
          break;
        case 'q':
          f.has_q = read_typed(v, od::json_type::string,
                               [&](od::value& x) { return detail::get_decimal(x, f.q); });
          break;
        case 'T':
          f.has_time = read_typed(v, od::json_type::number, [&](od::value& x) {
            return detail::get_millis_ns(x, f.trade_time_ns);
          });
          break;
        case 'm':
          f.has_m = read_typed(v, od::json_type::boolean,
                               [&](od::value& x) { return detail::get_bool(x, f.m); });
          break;
        default:
          break;
      }
      continue;
    }
    if (!top_level) continue;
    if (key == "stream") {
      if (auto ec = v.get_string().get(f.stream); ec) return ec;
      if (!is_trade_stream(f.stream)) {
        f.skipped_data = true;
        return simdjson::SUCCESS;  // depth, bookTicker, ...: not ours
      }
    } else if (key == "data") {
      f.has_data = true;
      od::object data;
      if (auto ec = v.get_object().get(data); ec) return ec;
      if (auto ec = scan(data, f, false); ec) return ec;
    } else if (key == "result") {
      f.has_result = true;
    } else if (key == "id") {
      f.has_id = true;
    } else if (key == "code") {
      f.has_error = true;
    } else if (key == "msg") {
      if (auto ec = v.get_string().get(f.msg); ec) return ec;
      f.has_error = true;
    } else if (key == "error") {
      f.has_error = true;
      od::object error;
      if (v.get_object().get(error) == simdjson::SUCCESS) {
        for (auto inner : error) {
          od::field ef;
          if (std::move(inner).get(ef)) break;
          std::string_view ek;
          if (ef.unescaped_key().get(ek)) break;
          if (ek == "msg" && ef.value().get_string().get(f.msg)) break;
        }
      }
    }
  }
  return simdjson::SUCCESS;
}

DecodeError check(Seen seen) {
  return seen == Seen::kAbsent ? DecodeError::kMissingField
         : seen == Seen::kBad  ? DecodeError::kBadValue
                               : DecodeError::kOk;
}

}  // namespace

BinanceDialect::BinanceDialect(const FeedOptions& options, Channel channel)
    : symbols_(options.symbols),
      channel_(channel),
      send_subscribe_(!options.url.empty() && options.url.find("streams=") == std::string::npos) {}

std::string BinanceDialect::default_url() const {
  std::string url = "wss://stream.binance.com:9443/stream?streams=";
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (i > 0) url += '/';
    url += ascii_lower(symbols_[i]);
    url += stream_suffix(channel_);
  }
  return url;
}

std::vector<std::string> BinanceDialect::subscribe_messages() const {
  if (!send_subscribe_) return {};
  std::string msg = R"({"method":"SUBSCRIBE","params":[)";
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (i > 0) msg += ',';
    msg += json_string(ascii_lower(symbols_[i]) + std::string(stream_suffix(channel_)));
  }
  msg += R"(],"id":1})";
  return {msg};
}

DecodeResult BinanceDialect::decode(od::parser& parser, simdjson::padded_string_view frame,
                                    std::int64_t receive_time_ns, std::vector<Trade>& out) {
  od::document doc;
  od::object object;
  if (DecodeError e = detail::iterate_object(parser, frame, doc, object); e != DecodeError::kOk) {
    return DecodeResult::invalid(e);
  }
  Fields f;
  if (auto ec = scan(object, f, true); ec) return detail::invalid(ec);
  if (f.skipped_data) return DecodeResult::of(FrameKind::kOther);

  if (f.event == "trade" || f.event == "aggTrade") {
    const bool agg = f.event == "aggTrade";
    for (Seen s : {f.has_symbol, agg ? f.has_f : f.has_t, agg ? f.has_l : f.has_t, f.has_p, f.has_q,
                   f.has_time, f.has_m}) {
      if (DecodeError e = check(s); e != DecodeError::kOk) return DecodeResult::invalid(e, "trade");
    }
    if (!(f.p > 0) || !(f.q > 0) || (agg && f.f > f.l)) {
      return DecodeResult::invalid(DecodeError::kBadValue, "price, qty or id range");
    }
    if (!detail::at_end(doc)) return DecodeResult::invalid(DecodeError::kNotJson, "trailing bytes");
    if (f.symbol != cached_symbol_) {
      cached_symbol_ = f.symbol;
      cached_pair_ = normalize_concatenated_pair(f.symbol);
    }
    Trade& t = out.emplace_back();
    t.exchange = "binance";
    t.symbol = cached_symbol_;
    t.pair = cached_pair_;
    t.trade_id = agg ? f.l : f.t;
    t.first_trade_id = agg ? f.f : f.t;
    t.price = f.p;
    t.qty = f.q;
    t.side = f.m ? Side::kSell : Side::kBuy;
    t.exchange_time_ns = f.trade_time_ns;
    t.receive_time_ns = receive_time_ns;
    return DecodeResult::of(FrameKind::kTrade);
  }
  if (f.event == "serverShutdown") {
    return DecodeResult::with_detail(FrameKind::kReconnect, "serverShutdown");
  }
  // Another event, or a raw stream without "e" (bookTicker): not ours.
  if (!f.event.empty() || f.has_data || f.has_symbol != Seen::kAbsent) {
    return DecodeResult::of(FrameKind::kOther);
  }
  if (f.has_error) return DecodeResult::with_detail(FrameKind::kRejected, f.msg);
  if (f.has_result && f.has_id) return DecodeResult::of(FrameKind::kSubscribed);
  return DecodeResult::invalid(DecodeError::kUnexpectedShape);
}

std::vector<std::string> BinanceDialect::symbols_from_target(std::string_view target) const {
  // "/stream?streams=btcusdt@trade/ethusdt@trade" or "/ws/btcusdt@trade"
  std::vector<std::string> symbols;
  std::string_view list;
  if (const auto pos = target.find("streams="); pos != std::string_view::npos) {
    list = target.substr(pos + 8);
    list = list.substr(0, list.find('&'));
  } else if (target.starts_with("/ws/")) {
    list = target.substr(4);
  }
  while (!list.empty()) {
    const std::string_view item = list.substr(0, list.find('/'));
    list = item.size() < list.size() ? list.substr(item.size() + 1) : std::string_view{};
    if (const auto at = item.find('@'); at != std::string_view::npos && at > 0) {
      symbols.push_back(ascii_upper(item.substr(0, at)));
    }
  }
  return symbols;
}

ServerReply BinanceDialect::answer(std::string_view client_frame) const {
  ServerReply reply;
  // Client frames are few and untrusted, so this uses the DOM parser, which
  // validates the whole frame before anything is read from it: a syntax error
  // anywhere (fuzzing found ones inside "params") is "invalid JSON", never a
  // half-walked on-demand document.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view method;
  std::uint64_t id = 0;
  if (parser.parse(client_frame.data(), client_frame.size()).get(doc) ||
      doc["method"].get_string().get(method)) {
    reply.frames.push_back(R"({"code":3,"msg":"Invalid JSON: expected an object with a method"})");
    return reply;
  }
  std::vector<std::string> params;
  simdjson::dom::array array;
  if (!doc["params"].get_array().get(array)) {
    for (simdjson::dom::element item : array) {
      std::string_view s;
      if (!item.get_string().get(s)) params.emplace_back(s);
    }
  }
  if (doc["id"].get_uint64().get(id)) {
    reply.frames.push_back(
        R"({"code":2,"msg":"Invalid request: request ID must be an unsigned integer"})");
    return reply;
  }
  if (method != "SUBSCRIBE") {
    reply.frames.push_back(R"({"code":2,"msg":"Invalid request: unknown method","id":)" +
                           std::to_string(id) + "}");
    return reply;
  }
  for (const std::string& p : params) {
    if (const auto at = p.find('@'); at != std::string::npos && at > 0) {
      reply.symbols.push_back(ascii_upper(std::string_view(p).substr(0, at)));
    }
  }
  reply.frames.push_back(R"({"result":null,"id":)" + std::to_string(id) + "}");
  return reply;
}

std::string BinanceDialect::encode_trade(const Trade& t) const {
  const std::string time = std::to_string(t.exchange_time_ns / 1'000'000);
  const std::string m = t.side == Side::kSell ? "true" : "false";
  std::string data;
  if (channel_ == Channel::kTrade) {
    data = R"({"e":"trade","E":)" + time + R"(,"s":)" + json_string(t.symbol) + R"(,"t":)" +
           std::to_string(t.trade_id) + R"(,"p":")" + detail::format_fixed(t.price, 8) +
           R"(","q":")" + detail::format_fixed(t.qty, 8) + R"(","T":)" + time + R"(,"m":)" + m +
           R"(,"M":true})";
  } else {
    const std::uint64_t first = t.first_trade_id != 0 ? t.first_trade_id : t.trade_id;
    data = R"({"e":"aggTrade","E":)" + time + R"(,"s":)" + json_string(t.symbol) + R"(,"a":)" +
           std::to_string(t.trade_id) + R"(,"p":")" + detail::format_fixed(t.price, 8) +
           R"(","q":")" + detail::format_fixed(t.qty, 8) + R"(","f":)" + std::to_string(first) +
           R"(,"l":)" + std::to_string(t.trade_id) + R"(,"T":)" + time + R"(,"m":)" + m +
           R"(,"M":true})";
  }
  return R"({"stream":)" +
         json_string(ascii_lower(t.symbol) + std::string(stream_suffix(channel_))) + R"(,"data":)" +
         data + "}";
}

std::string BinanceDialect::encode_reconnect_request() const {
  return R"({"e":"serverShutdown","E":0})";
}

std::string BinanceDialect::encode_subscription_rejected() const {
  // The replay side does not track request ids; the client ignores them.
  return R"({"error":{"code":2,"msg":"Invalid symbol."},"id":null})";
}

std::unique_ptr<Dialect> make_binance_dialect(const FeedOptions& options, std::string& error) {
  if (options.channel.empty() || options.channel == "trade") {
    return std::make_unique<BinanceDialect>(options, BinanceDialect::Channel::kTrade);
  }
  if (options.channel == "aggTrade") {
    return std::make_unique<BinanceDialect>(options, BinanceDialect::Channel::kAggTrade);
  }
  error = "binance channel must be 'trade' or 'aggTrade', not '" + options.channel + "'";
  return nullptr;
}

}  // namespace tickcast::feeds

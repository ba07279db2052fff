#include "feeds/dialect.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "feeds/dialect_binance.hpp"
#include "feeds/dialect_bitstamp.hpp"
#include "feeds/dialect_bybit.hpp"
#include "feeds/dialect_coinbase.hpp"
#include "feeds/dialect_common.hpp"
#include "feeds/dialect_kraken.hpp"
#include "feeds/dialect_okx.hpp"
#include "feeds/text_parse.hpp"

namespace tickcast::feeds {

std::string_view to_string(FrameKind kind) {
  switch (kind) {
    case FrameKind::kTrade:
      return "trade";
    case FrameKind::kSubscribed:
      return "subscribed";
    case FrameKind::kHeartbeat:
      return "heartbeat";
    case FrameKind::kPong:
      return "pong";
    case FrameKind::kStatus:
      return "status";
    case FrameKind::kRejected:
      return "rejected";
    case FrameKind::kReconnect:
      return "reconnect";
    case FrameKind::kOther:
      return "other";
    case FrameKind::kInvalid:
      return "invalid";
  }
  return "unknown";
}

std::string_view to_string(DecodeError error) {
  switch (error) {
    case DecodeError::kOk:
      return "ok";
    case DecodeError::kEmpty:
      return "empty";
    case DecodeError::kTooLarge:
      return "too_large";
    case DecodeError::kNotJson:
      return "not_json";
    case DecodeError::kMissingField:
      return "missing_field";
    case DecodeError::kBadValue:
      return "bad_value";
    case DecodeError::kUnexpectedShape:
      return "unexpected_shape";
  }
  return "unknown";
}

DecodeResult DecodeResult::with_detail(FrameKind kind, std::string_view detail) {
  return DecodeResult{kind, DecodeError::kOk, std::string(detail.substr(0, kMaxDetail))};
}

DecodeResult DecodeResult::invalid(DecodeError error, std::string_view detail) {
  return DecodeResult{FrameKind::kInvalid, error, std::string(detail.substr(0, kMaxDetail))};
}

std::vector<std::string> Dialect::symbols_from_target(std::string_view) const {
  return {};
}

std::vector<std::string_view> dialect_names() {
  return {"binance", "coinbase", "kraken", "bitstamp", "okx", "bybit"};
}

std::unique_ptr<Dialect> make_dialect(const FeedOptions& options, std::string& error) {
  const std::string& name = options.exchange;
  if (name == "binance") return make_binance_dialect(options, error);
  const bool default_channel =
      options.channel.empty() || options.channel == "trade" || options.channel == "trades";
  if (!default_channel) {
    error = "exchange '" + name + "' has one trade channel; channel '" + options.channel +
            "' is not supported (only binance offers 'trade' and 'aggTrade')";
    return nullptr;
  }
  if (name == "coinbase") return std::make_unique<CoinbaseDialect>(options);
  if (name == "kraken") return std::make_unique<KrakenDialect>(options);
  if (name == "bitstamp") return std::make_unique<BitstampDialect>(options);
  if (name == "okx") return std::make_unique<OkxDialect>(options);
  if (name == "bybit") return std::make_unique<BybitDialect>(options);
  error = "unknown exchange '" + name +
          "' (expected binance, coinbase, kraken, bitstamp, okx or bybit)";
  return nullptr;
}

namespace detail {

DecodeError to_decode_error(simdjson::error_code code) {
  switch (code) {
    case simdjson::SUCCESS:
      return DecodeError::kOk;
    case simdjson::CAPACITY:
      return DecodeError::kTooLarge;
    case simdjson::EMPTY:
      return DecodeError::kEmpty;
    case simdjson::NO_SUCH_FIELD:
      return DecodeError::kMissingField;
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::STRING_ERROR:
    case simdjson::UTF8_ERROR:
      return DecodeError::kBadValue;
    default:
      return DecodeError::kNotJson;
  }
}

DecodeError iterate(od::parser& parser, simdjson::padded_string_view frame, od::document& doc) {
  bool blank = true;
  for (char c : std::string_view(frame)) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      blank = false;
      break;
    }
  }
  if (blank) return DecodeError::kEmpty;
  return to_decode_error(parser.iterate(frame).get(doc));
}

DecodeError iterate_object(od::parser& parser, simdjson::padded_string_view frame,
                           od::document& doc, od::object& object) {
  if (DecodeError e = iterate(parser, frame, doc); e != DecodeError::kOk) return e;
  if (auto ec = doc.get_object().get(object); ec) {
    if (ec != simdjson::INCORRECT_TYPE) return to_decode_error(ec);
    // A JSON array is well-formed but not what the dialect expects; anything
    // else that is not an object ("garbage", a bare word) is not JSON to us.
    const std::string_view text(frame);
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text[first] == '[' ? DecodeError::kUnexpectedShape
                                                                 : DecodeError::kNotJson;
  }
  return DecodeError::kOk;
}

DecodeError get_string(od::value& v, std::string_view& out) {
  return to_decode_error(v.get_string().get(out));
}

DecodeError get_decimal(od::value& v, double& out) {
  od::json_type type;
  if (auto ec = v.type().get(type); ec) return to_decode_error(ec);
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto ec = v.get_string().get(text); ec) return to_decode_error(ec);
    return parse_decimal(text, out) ? DecodeError::kOk : DecodeError::kBadValue;
  }
  if (type == od::json_type::number) return to_decode_error(v.get_double().get(out));
  return DecodeError::kBadValue;
}

DecodeError get_uint(od::value& v, std::uint64_t& out) {
  od::json_type type;
  if (auto ec = v.type().get(type); ec) return to_decode_error(ec);
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto ec = v.get_string().get(text); ec) return to_decode_error(ec);
    return parse_uint(text, out) ? DecodeError::kOk : DecodeError::kBadValue;
  }
  if (type == od::json_type::number) return to_decode_error(v.get_uint64().get(out));
  return DecodeError::kBadValue;
}

DecodeError get_bool(od::value& v, bool& out) {
  return to_decode_error(v.get_bool().get(out));
}

DecodeError get_millis_ns(od::value& v, std::int64_t& out) {
  std::uint64_t ms = 0;
  if (DecodeError e = get_uint(v, ms); e != DecodeError::kOk) return e;
  return millis_to_ns(ms, out) ? DecodeError::kOk : DecodeError::kBadValue;
}

bool at_end(od::document& doc) {
  // simdjson 3.0.1 has no document::at_end(); current_location() reports
  // OUT_OF_BOUNDS exactly when every token has been consumed.
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

DecodeResult invalid(simdjson::error_code code) {
  return DecodeResult::invalid(to_decode_error(code), simdjson::error_message(code));
}

std::string format_decimal(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string format_fixed(double value, int decimals) {
  char buf[64];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : format_decimal(value);
}

std::string format_rfc3339_us(std::int64_t ns) {
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t rem = ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(rem / 1000));
  return buf;
}

}  // namespace detail
}  // namespace tickcast::feeds

#include "daemon/stream_message.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace tickcast::daemon {
namespace {

// Builds `"key":value,...` pairs; the caller adds the braces.
class Fields {
 public:
  Fields& text(std::string_view key, std::string_view value) {
    this->key(key);
    append_json_string(out_, value);
    return *this;
  }
  Fields& integer(std::string_view key, std::int64_t value) {
    this->key(key);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
  }
  Fields& unsigned_integer(std::string_view key, std::uint64_t value) {
    this->key(key);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
  }
  // Shortest representation that reads back to the same double; JSON has
  // no NaN or infinity, so those are null.
  Fields& number(std::string_view key, double value) {
    this->key(key);
    if (std::isfinite(value)) {
      fmt::format_to(std::back_inserter(out_), "{}", value);
    } else {
      out_ += "null";
    }
    return *this;
  }
  Fields& raw(std::string_view key, std::string_view json) {
    this->key(key);
    out_ += json;
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  void key(std::string_view key) {
    if (!out_.empty()) out_ += ',';
    append_json_string(out_, key);
    out_ += ':';
  }
  std::string out_;
};

std::string scores_json(const std::vector<model::WindowScores>& scores) {
  std::string out = "[";
  for (const auto& s : scores) {
    if (out.size() > 1) out += ',';
    Fields f;
    f.integer("window", s.window)
        .unsigned_integer("n", s.n)
        .number("mae_return", s.mae_return)
        .number("rmse_return", s.rmse_return)
        .number("mae_price", s.mae_price)
        .number("rmse_price", s.rmse_price)
        .number("persistence_mae_price", s.persistence_mae_price)
        .number("persistence_rmse_price", s.persistence_rmse_price)
        .number("direction_accuracy", s.direction_accuracy)
        .number("skill", s.skill)
        .number("interval_coverage", s.interval_coverage)
        .number("interval_mean_width", s.interval_mean_width);
    out += '{';
    out += f.take();
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace

std::string bar_topic(std::string_view exchange, std::string_view symbol) {
  return fmt::format("bar:{}:{}", exchange, symbol);
}

std::string forecast_topic(std::string_view exchange, std::string_view symbol) {
  return fmt::format("forecast:{}:{}", exchange, symbol);
}

std::string_view bar_type(const Bar& bar) {
  return bar.revision == 0 ? "bar" : "bar_revision";
}

std::string bar_fields(const Bar& bar) {
  Fields f;
  f.text("exchange", bar.exchange)
      .text("symbol", bar.symbol)
      .integer("interval_ns", bar.interval_ns)
      .integer("start_ns", bar.start_ns)
      .integer("end_ns", bar.end_ns)
      .unsigned_integer("sequence", bar.sequence)
      .unsigned_integer("revision", bar.revision)
      .text("status", to_string(bar.status))
      .number("open", bar.open)
      .number("high", bar.high)
      .number("low", bar.low)
      .number("close", bar.close)
      .number("volume", bar.volume)
      .number("quote_volume", bar.quote_volume)
      .number("buy_volume", bar.buy_volume)
      .number("sell_volume", bar.sell_volume)
      .number("vwap", bar.vwap)
      .unsigned_integer("trade_count", bar.trade_count)
      .integer("first_trade_time_ns", bar.first_trade_time_ns)
      .integer("last_trade_time_ns", bar.last_trade_time_ns)
      .unsigned_integer("first_trade_id", bar.first_trade_id)
      .unsigned_integer("last_trade_id", bar.last_trade_id);
  return f.take();
}

std::string forecast_fields(const model::Forecast& fc) {
  Fields f;
  f.text("exchange", fc.exchange)
      .text("symbol", fc.symbol)
      .integer("interval_ns", fc.interval_ns)
      .unsigned_integer("bar_sequence", fc.bar_sequence)
      .integer("bar_start_ns", fc.bar_start_ns)
      .integer("bar_end_ns", fc.bar_end_ns)
      .number("close", fc.close)
      .integer("target_start_ns", fc.target_start_ns)
      .integer("target_end_ns", fc.target_end_ns)
      .number("predicted_return", fc.predicted_return)
      .number("predicted_close", fc.predicted_close)
      .number("persistence_close", fc.persistence_close)
      .number("lower", fc.lower)
      .number("upper", fc.upper)
      .number("coverage", fc.coverage)
      .text("status", model::to_string(fc.status))
      .unsigned_integer("model_version", fc.model_version)
      .integer("model_created_unix_ns", fc.model_created_unix_ns)
      .raw("scores", scores_json(fc.scores));
  return f.take();
}

std::string status_fields(const StatusEvent& event) {
  Fields f;
  f.text("exchange", event.exchange)
      .text("symbol", event.symbol)
      .text("kind", event.kind)
      .text("message", event.message)
      .unsigned_integer("model_version", event.model_version)
      .integer("time_ns", event.time_ns);
  return f.take();
}

std::string frame_text(std::string_view type, std::string_view topic, std::uint64_t seq,
                       std::string_view fields) {
  std::string out;
  out.reserve(fields.size() + topic.size() + 48);
  out += "{\"type\":";
  append_json_string(out, type);
  out += ",\"topic\":";
  append_json_string(out, topic);
  fmt::format_to(std::back_inserter(out), ",\"seq\":{}", seq);
  if (!fields.empty()) {
    out += ',';
    out += fields;
  }
  out += '}';
  return out;
}

std::string snapshot_text(std::string_view text) {
  // Every frame starts with '{"type":', so the flag goes right after '{'.
  std::string out;
  out.reserve(text.size() + 17);
  out += "{\"snapshot\":true,";
  out += text.substr(1);
  return out;
}

}  // namespace tickcast::daemon

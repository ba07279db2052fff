#include "feeds/bar_csv.hpp"

#include <charconv>
#include <cstdint>

namespace tickcast::feeds {

namespace {

template <class T>
void append_number(T value, std::string& out) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace

std::string_view bar_csv_header() {
  return "exchange,symbol,interval_ns,start_ns,end_ns,open,high,low,close,volume,quote_volume,"
         "buy_volume,sell_volume,trade_count,vwap,first_trade_time_ns,last_trade_time_ns,"
         "first_trade_id,last_trade_id,sequence,status,revision";
}

void append_bar_csv(const Bar& bar, std::string& out) {
  out += bar.exchange;
  out += ',';
  out += bar.symbol;
  for (std::int64_t v : {bar.interval_ns, bar.start_ns, bar.end_ns}) {
    out += ',';
    append_number(v, out);
  }
  for (double v : {bar.open, bar.high, bar.low, bar.close, bar.volume, bar.quote_volume,
                   bar.buy_volume, bar.sell_volume}) {
    out += ',';
    append_number(v, out);
  }
  out += ',';
  append_number(bar.trade_count, out);
  out += ',';
  append_number(bar.vwap, out);
  for (std::int64_t v : {bar.first_trade_time_ns, bar.last_trade_time_ns}) {
    out += ',';
    append_number(v, out);
  }
  for (std::uint64_t v : {bar.first_trade_id, bar.last_trade_id, bar.sequence}) {
    out += ',';
    append_number(v, out);
  }
  out += ',';
  out += to_string(bar.status);
  out += ',';
  append_number(bar.revision, out);
  out += '\n';
}

}  // namespace tickcast::feeds

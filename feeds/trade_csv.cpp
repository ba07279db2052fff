#include "feeds/trade_csv.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace tickcast::feeds {

namespace {

void split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      return;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

int column_of(const std::vector<std::string_view>& header, std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_price(std::string_view text, double& out) {
  if (!parse_number(text, out)) return false;
  return out == out && out != std::numeric_limits<double>::infinity() &&
         out != -std::numeric_limits<double>::infinity();
}

// Trade::first_trade_id arrived with aggregated trades; compile either way.
template <class T>
void set_first_trade_id(T& trade, std::uint64_t value) {
  if constexpr (requires { trade.first_trade_id; }) {
    trade.first_trade_id = value;
  } else {
    (void)value;
  }
}

}  // namespace

std::optional<TradeCsvFormat> parse_trade_csv_format(std::string_view text) {
  if (text == "auto") return TradeCsvFormat::kAuto;
  if (text == "tickcast") return TradeCsvFormat::kTickcast;
  if (text == "binance-trades-csv") return TradeCsvFormat::kBinanceTrades;
  return std::nullopt;
}

TradeCsvReader::TradeCsvReader(std::istream& in, TradeCsvFormat format, std::string exchange,
                               std::string symbol)
    : in_(in), format_(format), exchange_(std::move(exchange)), symbol_(std::move(symbol)) {}

std::optional<std::string> TradeCsvReader::read_header() {
  if (!std::getline(in_, line_)) return "the input is empty (expected a CSV header line)";
  ++line_number_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  std::vector<std::string_view> header;
  split(line_, header);

  const bool looks_binance =
      column_of(header, "trade_time_ms") >= 0 && column_of(header, "is_buyer_maker") >= 0;
  const bool looks_tickcast = column_of(header, "exchange_time_ns") >= 0;
  if (format_ == TradeCsvFormat::kAuto) {
    if (looks_binance) {
      format_ = TradeCsvFormat::kBinanceTrades;
    } else if (looks_tickcast) {
      format_ = TradeCsvFormat::kTickcast;
    } else {
      return "unrecognised CSV header \"" + line_ +
             "\" (expected tickcast's exchange_time_ns columns or Binance's trade_time_ms, "
             "is_buyer_maker)";
    }
  }

  Columns& c = columns_;
  c.trade_id = column_of(header, "trade_id");
  c.price = column_of(header, "price");
  c.qty = column_of(header, "qty");
  std::vector<std::pair<const char*, int>> required{
      {"trade_id", c.trade_id}, {"price", c.price}, {"qty", c.qty}};
  if (format_ == TradeCsvFormat::kBinanceTrades) {
    c.time = column_of(header, "trade_time_ms");
    c.buyer_maker = column_of(header, "is_buyer_maker");
    c.receive_time = column_of(header, "recv_time_ns");
    required.insert(required.end(), {{"trade_time_ms", c.time}, {"is_buyer_maker", c.buyer_maker}});
  } else {
    c.exchange = column_of(header, "exchange");
    c.symbol = column_of(header, "symbol");
    c.pair = column_of(header, "pair");
    c.first_trade_id = column_of(header, "first_trade_id");
    c.side = column_of(header, "side");
    c.time = column_of(header, "exchange_time_ns");
    c.receive_time = column_of(header, "receive_time_ns");
    required.insert(required.end(), {{"exchange", c.exchange},
                                     {"symbol", c.symbol},
                                     {"side", c.side},
                                     {"exchange_time_ns", c.time}});
  }
  int highest = -1;
  for (const auto& [name, index] : required) {
    if (index < 0) return std::string("the CSV header has no \"") + name + "\" column";
    highest = std::max(highest, index);
  }
  for (int optional_index : {c.pair, c.first_trade_id, c.receive_time}) {
    highest = std::max(highest, optional_index);
  }
  min_fields_ = static_cast<std::size_t>(highest + 1);
  return std::nullopt;
}

TradeCsvReader::Result TradeCsvReader::next(Trade& out, std::string& error) {
  while (std::getline(in_, line_)) {
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.empty()) continue;
    split(line_, fields_);
    if (auto problem = parse_line(fields_, out)) {
      error = "line " + std::to_string(line_number_) + ": " + *problem;
      return Result::kBadLine;
    }
    return Result::kTrade;
  }
  return Result::kEnd;
}

std::optional<std::string> TradeCsvReader::parse_line(const std::vector<std::string_view>& f,
                                                      Trade& out) const {
  if (f.size() < min_fields_) {
    return "expected at least " + std::to_string(min_fields_) + " fields, found " +
           std::to_string(f.size());
  }
  const Columns& c = columns_;
  auto at = [&f](int index) { return f[static_cast<std::size_t>(index)]; };
  if (!parse_number(at(c.trade_id), out.trade_id)) {
    return "bad trade_id \"" + std::string(at(c.trade_id)) + "\"";
  }
  if (!parse_price(at(c.price), out.price) || out.price <= 0) {
    return "bad price \"" + std::string(at(c.price)) + "\"";
  }
  if (!parse_price(at(c.qty), out.qty) || out.qty < 0) {
    return "bad qty \"" + std::string(at(c.qty)) + "\"";
  }
  out.receive_time_ns = 0;
  if (c.receive_time >= 0 && !parse_number(at(c.receive_time), out.receive_time_ns)) {
    return "bad receive time \"" + std::string(at(c.receive_time)) + "\"";
  }

  if (format_ == TradeCsvFormat::kBinanceTrades) {
    std::int64_t ms = 0;
    if (!parse_number(at(c.time), ms) || ms < 0 ||
        ms > std::numeric_limits<std::int64_t>::max() / 1'000'000) {
      return "bad trade_time_ms \"" + std::string(at(c.time)) + "\"";
    }
    out.exchange_time_ns = ms * 1'000'000;
    const std::string_view maker = at(c.buyer_maker);
    if (maker == "true") {
      out.side = Side::kSell;  // the buyer rested, so the seller took liquidity
    } else if (maker == "false") {
      out.side = Side::kBuy;
    } else {
      return "bad is_buyer_maker \"" + std::string(maker) + "\" (expected true or false)";
    }
    out.exchange = exchange_;
    out.symbol = symbol_;
    out.pair.clear();
    return std::nullopt;
  }

  if (!parse_number(at(c.time), out.exchange_time_ns)) {
    return "bad exchange_time_ns \"" + std::string(at(c.time)) + "\"";
  }
  const std::string_view side = at(c.side);
  if (side == "buy") {
    out.side = Side::kBuy;
  } else if (side == "sell") {
    out.side = Side::kSell;
  } else {
    return "bad side \"" + std::string(side) + "\" (expected buy or sell)";
  }
  if (at(c.exchange).empty() || at(c.symbol).empty()) return "empty exchange or symbol";
  out.exchange.assign(at(c.exchange));
  out.symbol.assign(at(c.symbol));
  if (c.pair >= 0) {
    out.pair.assign(at(c.pair));
  } else {
    out.pair.clear();
  }
  std::uint64_t first_id = 0;
  if (c.first_trade_id >= 0 && !at(c.first_trade_id).empty() &&
      !parse_number(at(c.first_trade_id), first_id)) {
    return "bad first_trade_id \"" + std::string(at(c.first_trade_id)) + "\"";
  }
  set_first_trade_id(out, first_id);
  return std::nullopt;
}

}  // namespace tickcast::feeds

#include "daemon/bar_files.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace tickcast::daemon {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// Splits one CSV line; double quotes group a field (the coinmarketcap file
// has commas inside quoted dates and numbers). Quotes are removed.
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      fields.emplace_back();
    } else if (ch != '\r') {
      fields.back() += ch;
    }
  }
  return fields;
}

bool parse_double(std::string_view s, double& out, bool allow_thousands = false) {
  std::string cleaned;
  if (allow_thousands) {
    for (char ch : s) {
      if (ch != ',') cleaned += ch;
    }
    s = cleaned;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && std::isfinite(out);
}

template <typename I>
bool parse_int(std::string_view s, I& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

std::int64_t days_ns(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  const sys_days date = year{y} / month{m} / day{d};
  return static_cast<std::int64_t>(date.time_since_epoch().count()) * 86400 * kSecond;
}

// "2023-03-01 00:00:00+00:00" (UTC only).
bool parse_iso_utc(std::string_view s, std::int64_t& ns) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), mo) ||
      !parse_int(s.substr(8, 2), d) || !parse_int(s.substr(11, 2), h) ||
      !parse_int(s.substr(14, 2), mi) || !parse_int(s.substr(17, 2), se)) {
    return false;
  }
  const std::string_view zone = s.substr(19);
  if (!zone.empty() && zone != "+00:00" && zone != "Z") return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  ns = days_ns(y, mo, d) + (static_cast<std::int64_t>(h) * 3600 + mi * 60 + se) * kSecond;
  return true;
}

// "Jul 31, 2017".
bool parse_month_day_year(std::string_view s, std::int64_t& ns) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 12 || s[3] != ' ' || s[6] != ',' || s[7] != ' ') return false;
  unsigned m = 0;
  while (m < 12 && kMonths[m] != s.substr(0, 3)) ++m;
  unsigned d = 0;
  int y = 0;
  if (m == 12 || !parse_int(s.substr(4, 2), d) || !parse_int(s.substr(8, 4), y)) return false;
  ns = days_ns(y, m + 1, d);
  return true;
}

Bar ohlcv(std::int64_t start_ns, const std::array<double, 5>& v) {
  Bar b;
  b.start_ns = start_ns;
  b.open = v[0];
  b.high = v[1];
  b.low = v[2];
  b.close = v[3];
  b.volume = v[4];
  b.status = v[4] > 0 ? BarStatus::kTraded : BarStatus::kQuiet;
  return b;
}

struct Parsed {
  std::vector<Bar> bars;
  std::vector<std::string> skipped;
  std::size_t rows = 0;
};

// Row parsers: return "" and fill `bar`, or say what is wrong with the row.
std::string parse_binanceus(const std::vector<std::string>& f, Bar& bar) {
  if (f.size() != 6) return std::to_string(f.size()) + " fields, expected 6";
  std::int64_t start = 0;
  if (!parse_iso_utc(f[0], start)) return "bad open_time \"" + f[0] + "\"";
  std::array<double, 5> v{};
  for (std::size_t i = 0; i < 5; ++i) {
    if (!parse_double(f[i + 1], v[i])) return "bad number \"" + f[i + 1] + "\"";
  }
  bar = ohlcv(start, v);
  return "";
}

std::string parse_kraken(const std::vector<std::string>& f, Bar& bar) {
  if (f.size() != 7) return std::to_string(f.size()) + " fields, expected 7";
  std::int64_t seconds = 0;
  if (!parse_int(f[0], seconds)) return "bad unix time \"" + f[0] + "\"";
  std::array<double, 5> v{};
  for (std::size_t i = 0; i < 5; ++i) {
    if (!parse_double(f[i + 1], v[i])) return "bad number \"" + f[i + 1] + "\"";
  }
  std::uint64_t count = 0;
  if (!parse_int(f[6], count)) return "bad trade count \"" + f[6] + "\"";
  bar = ohlcv(seconds * kSecond, v);
  bar.trade_count = count;
  return "";
}

std::string parse_coinmarketcap(const std::vector<std::string>& f, Bar& bar) {
  if (f.size() != 7) return std::to_string(f.size()) + " fields, expected 7";
  std::int64_t start = 0;
  if (!parse_month_day_year(f[0], start)) return "bad date \"" + f[0] + "\"";
  std::array<double, 5> v{};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!parse_double(f[i + 1], v[i], true)) return "bad number \"" + f[i + 1] + "\"";
  }
  // "-": the source did not know the volume; 0 here, and the bar stays
  // "traded" (prices moved), so only log_volume sees the hole.
  if (f[5] != "-" && !parse_double(f[5], v[4], true)) return "bad volume \"" + f[5] + "\"";
  bar = ohlcv(start, v);
  bar.status = BarStatus::kTraded;
  return "";
}

// The tickcast bar CSV, by header names (so added columns do not break it).
class TickcastColumns {
 public:
  explicit TickcastColumns(const std::vector<std::string>& header) {
    for (std::size_t i = 0; i < header.size(); ++i) index_[header[i]] = i;
  }
  std::string missing() const {
    for (const char* name : {"start_ns", "end_ns", "open", "high", "low", "close", "volume"}) {
      if (!index_.contains(name)) return name;
    }
    return "";
  }
  std::string parse(const std::vector<std::string>& f, Bar& b) const {
    if (f.size() != index_.size()) {
      return std::to_string(f.size()) + " fields, header has " + std::to_string(index_.size());
    }
    std::string error;
    auto text = [&](const char* name) -> std::string {
      auto it = index_.find(name);
      return it == index_.end() ? std::string() : f[it->second];
    };
    auto num = [&](const char* name, double& out) {
      if (const std::string s = text(name); !s.empty() && !parse_double(s, out) && error.empty()) {
        error = std::string("bad ") + name + " \"" + s + "\"";
      }
    };
    auto integer = [&](const char* name, auto& out) {
      if (const std::string s = text(name); !s.empty() && !parse_int(s, out) && error.empty()) {
        error = std::string("bad ") + name + " \"" + s + "\"";
      }
    };
    b.exchange = text("exchange");
    b.symbol = text("symbol");
    integer("interval_ns", b.interval_ns);
    integer("start_ns", b.start_ns);
    integer("end_ns", b.end_ns);
    num("open", b.open);
    num("high", b.high);
    num("low", b.low);
    num("close", b.close);
    num("volume", b.volume);
    num("quote_volume", b.quote_volume);
    num("buy_volume", b.buy_volume);
    num("sell_volume", b.sell_volume);
    integer("trade_count", b.trade_count);
    num("vwap", b.vwap);
    integer("sequence", b.sequence);
    const std::string status = text("status");
    if (status == "quiet") {
      b.status = BarStatus::kQuiet;
    } else if (status == "gap") {
      b.status = BarStatus::kGap;
    } else if (status == "traded" || status.empty()) {
      b.status = BarStatus::kTraded;
    } else if (error.empty()) {
      error = "bad status \"" + status + "\"";
    }
    return error;
  }

 private:
  std::map<std::string, std::size_t, std::less<>> index_;
};

BarFileFormat detect(std::string_view first_line) {
  if (first_line.starts_with("exchange,symbol,interval_ns")) return BarFileFormat::kTickcast;
  if (first_line.starts_with("open_time,open,high,low,close,volume")) {
    return BarFileFormat::kBinanceUs;
  }
  if (first_line.starts_with("Date,Open,High,Low,Close")) return BarFileFormat::kCoinMarketCap;
  const auto fields = split_csv(first_line);
  std::int64_t seconds = 0;
  if (fields.size() == 7 && parse_int(fields[0], seconds)) return BarFileFormat::kKrakenOhlcvt;
  return BarFileFormat::kAuto;  // unknown
}

// The most common positive spacing of consecutive starts: the bar interval.
std::int64_t infer_interval(const std::vector<Bar>& bars) {
  std::map<std::int64_t, std::size_t> counts;
  for (std::size_t i = 1; i < bars.size(); ++i) {
    const std::int64_t d = bars[i].start_ns - bars[i - 1].start_ns;
    if (d > 0) ++counts[d];
  }
  std::int64_t best = 0;
  std::size_t best_count = 0;
  for (const auto& [d, n] : counts) {
    if (n > best_count) best = d, best_count = n;
  }
  return best;
}

}  // namespace

bool parse_bar_file_format(std::string_view name, BarFileFormat& out) {
  for (auto f : {BarFileFormat::kAuto, BarFileFormat::kTickcast, BarFileFormat::kBinanceUs,
                 BarFileFormat::kKrakenOhlcvt, BarFileFormat::kCoinMarketCap}) {
    if (to_string(f) == name) {
      out = f;
      return true;
    }
  }
  return false;
}

std::string_view to_string(BarFileFormat format) {
  switch (format) {
    case BarFileFormat::kAuto:
      return "auto";
    case BarFileFormat::kTickcast:
      return "tickcast";
    case BarFileFormat::kBinanceUs:
      return "binanceus";
    case BarFileFormat::kKrakenOhlcvt:
      return "kraken-ohlcvt";
    case BarFileFormat::kCoinMarketCap:
      return "coinmarketcap";
  }
  return "unknown";
}

std::string read_bar_text(std::string_view text, BarFileFormat format, BarFile& out) {
  out = BarFile{};
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  while (!lines.empty() && (lines.back().empty() || lines.back() == "\r")) lines.pop_back();
  if (lines.empty()) return "the file is empty";
  const BarFileFormat detected = detect(lines.front());
  if (format == BarFileFormat::kAuto) {
    if (detected == BarFileFormat::kAuto) {
      return "cannot tell the format from the first line; pass --format";
    }
    format = detected;
  }
  out.format = format;
  const bool has_header = format != BarFileFormat::kKrakenOhlcvt;
  std::optional<TickcastColumns> columns;
  if (format == BarFileFormat::kTickcast) {
    columns.emplace(split_csv(lines.front()));
    if (std::string m = columns->missing(); !m.empty()) {
      return "the tickcast bar CSV header has no \"" + m + "\" column";
    }
  } else if (has_header && detected != format) {
    return "the first line is not a " + std::string(to_string(format)) + " header";
  }

  std::vector<Bar> bars;
  for (std::size_t i = has_header ? 1 : 0; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i] == "\r") continue;
    ++out.rows;
    const auto fields = split_csv(lines[i]);
    Bar bar;
    std::string error;
    switch (format) {
      case BarFileFormat::kTickcast:
        error = columns->parse(fields, bar);
        break;
      case BarFileFormat::kBinanceUs:
        error = parse_binanceus(fields, bar);
        break;
      case BarFileFormat::kKrakenOhlcvt:
        error = parse_kraken(fields, bar);
        break;
      case BarFileFormat::kCoinMarketCap:
        error = parse_coinmarketcap(fields, bar);
        break;
      case BarFileFormat::kAuto:
        break;
    }
    if (error.empty() && !(bar.close > 0 && bar.open > 0 && bar.high > 0 && bar.low > 0)) {
      error = "non-positive price";
    }
    if (!error.empty()) {
      out.skipped.push_back("line " + std::to_string(i + 1) + ": " + error);
      continue;
    }
    bars.push_back(std::move(bar));
  }
  if (format == BarFileFormat::kCoinMarketCap) std::reverse(bars.begin(), bars.end());
  if (format == BarFileFormat::kTickcast) {
    // Keep the last revision of each bar.
    std::vector<Bar> latest;
    for (auto& b : bars) {
      if (!latest.empty() && latest.back().sequence == b.sequence &&
          latest.back().start_ns == b.start_ns) {
        latest.back() = std::move(b);
      } else {
        latest.push_back(std::move(b));
      }
    }
    bars = std::move(latest);
  }
  if (bars.empty()) return "no usable bars in " + std::to_string(out.rows) + " rows";

  const std::int64_t interval =
      bars.front().interval_ns > 0 ? bars.front().interval_ns : infer_interval(bars);
  for (std::size_t i = 1; i < bars.size(); ++i) {
    if (bars[i].start_ns <= bars[i - 1].start_ns) {
      return "bars go backwards or repeat at bar " + std::to_string(i) + " (start " +
             std::to_string(bars[i].start_ns) + " ns)";
    }
  }
  // Fill missing intervals of other sources with quiet bars, and number
  // everything. tickcast's own bars are complete already: a hole in them is
  // a series break (bars.max_gap_fill_bars), which the model's gap rules see.
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (i > 0 && interval > 0 && format != BarFileFormat::kTickcast) {
      const Bar prev = out.bars.back();  // a copy: push_back below may reallocate
      for (std::int64_t t = prev.start_ns + interval; t < bars[i].start_ns; t += interval) {
        Bar quiet;
        quiet.exchange = prev.exchange;
        quiet.symbol = prev.symbol;
        quiet.start_ns = t;
        quiet.open = quiet.high = quiet.low = quiet.close = quiet.vwap = prev.close;
        quiet.status = BarStatus::kQuiet;
        quiet.interval_ns = interval;
        quiet.end_ns = t + interval;
        quiet.sequence = out.bars.size();
        out.bars.push_back(quiet);
        ++out.filled;
      }
    }
    Bar b = std::move(bars[i]);
    b.interval_ns = interval;
    if (b.end_ns == 0) b.end_ns = b.start_ns + interval;
    if (format != BarFileFormat::kTickcast) b.sequence = out.bars.size();
    out.bars.push_back(std::move(b));
  }
  return "";
}

std::string read_bar_file(const std::filesystem::path& path, BarFileFormat format, BarFile& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path.string() + ": cannot open";
  std::ostringstream s;
  s << in.rdbuf();
  std::string error = read_bar_text(s.str(), format, out);
  return error.empty() ? error : path.string() + ": " + error;
}

}  // namespace tickcast::daemon

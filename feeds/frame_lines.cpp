#include "feeds/frame_lines.hpp"

#include <charconv>
#include <vector>

#include "feeds/text_parse.hpp"

namespace tickcast::feeds {
namespace {

void append_shortest(std::string& out, double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec == std::errc()) out.append(buf, end);
}

}  // namespace

FrameLine split_frame_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || space == 0) return {0, line};
  const std::string_view word = line.substr(0, space);
  std::uint64_t ns = 0;
  std::int64_t from_seconds = 0;
  if (parse_uint(word, ns) && ns <= static_cast<std::uint64_t>(INT64_MAX)) {
    return {static_cast<std::int64_t>(ns), line.substr(space + 1)};
  }
  if (word.find('.') != std::string_view::npos && parse_decimal_seconds_ns(word, from_seconds)) {
    return {from_seconds, line.substr(space + 1)};
  }
  return {0, line};
}

std::string FrameTally::summary() const {
  std::string out = "lines=" + std::to_string(lines) + " trades=" + std::to_string(trades);
  out += " frames:";
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == 0) continue;
    out += " " + std::string(to_string(static_cast<FrameKind>(i))) + "=" + std::to_string(kinds[i]);
  }
  std::string errs;
  for (std::size_t i = 1; i < errors.size(); ++i) {
    if (errors[i] == 0) continue;
    errs +=
        " " + std::string(to_string(static_cast<DecodeError>(i))) + "=" + std::to_string(errors[i]);
  }
  if (!errs.empty()) out += " errors:" + errs;
  return out;
}

std::string format_trade_csv(const Trade& t) {
  std::string row;
  row.reserve(96);
  row += t.exchange;
  row += ',';
  row += t.symbol;
  row += ',';
  row += std::to_string(t.trade_id);
  row += ',';
  append_shortest(row, t.price);
  row += ',';
  append_shortest(row, t.qty);
  row += ',';
  row += to_string(t.side);
  row += ',';
  row += std::to_string(t.exchange_time_ns);
  row += ',';
  row += std::to_string(t.receive_time_ns);
  return row;
}

FrameTally decode_frame_lines(
    std::istream& in, FrameDecoder& decoder, std::ostream& csv,
    const std::function<void(std::uint64_t, const DecodeResult&)>& on_error) {
  FrameTally tally;
  std::string line;
  std::vector<Trade> trades;
  std::string rows;
  while (std::getline(in, line)) {
    ++tally.lines;
    const FrameLine parsed = split_frame_line(line);
    trades.clear();
    const DecodeResult r = decoder.decode_copy(parsed.frame, parsed.receive_time_ns, trades);
    ++tally.kinds[static_cast<std::size_t>(r.kind)];
    ++tally.errors[static_cast<std::size_t>(r.error)];
    if ((r.kind == FrameKind::kInvalid || r.kind == FrameKind::kRejected) && on_error) {
      on_error(tally.lines, r);
    }
    rows.clear();
    for (const Trade& t : trades) {
      rows += format_trade_csv(t);
      rows += '\n';
    }
    tally.trades += trades.size();
    csv << rows;
  }
  return tally;
}

}  // namespace tickcast::feeds

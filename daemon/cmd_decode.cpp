// `tickcast decode`: recorded exchange frames to normalized trades as CSV.
//
// Reads one frame per line (optionally prefixed by a receive time, as in
// ../shared/data/trades/raw), decodes each with the exchange's dialect -- the
// same code the live feed runs -- and writes one CSV row per trade to stdout.
// A summary of frames by kind and of decode errors goes to stderr. A bad line
// is counted and reported (the first few), never fatal.
#include <fstream>
#include <iostream>
#include <string>

#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "feeds/dialect.hpp"
#include "feeds/frame_decoder.hpp"
#include "feeds/frame_lines.hpp"
#include "feeds/input_file.hpp"

namespace tickcast::daemon {

namespace {
constexpr std::uint64_t kMaxErrorsShown = 10;
}  // namespace

int decode_main(std::span<const std::string_view> args) {
  ArgParser parser("decode",
                   "Decodes raw exchange websocket frames, one per line ('<recv_ns> <frame>' or\n"
                   "'<frame>'), into trades as CSV on stdout:\n"
                   "  exchange,symbol,trade_id,price,qty,side,exchange_time_ns,receive_time_ns\n"
                   "A summary of frames by kind and decode errors goes to stderr.");
  parser.option("exchange", "NAME", "binance, coinbase, kraken, bitstamp, okx or bybit", {}, true);
  parser.option("channel", "NAME", "binance only: trade or aggTrade (both decode either way)", "");
  parser.option("max-frame-bytes", "N", "frames above this size are counted as too_large",
                std::to_string(feeds::kDefaultMaxFrameBytes));
  parser.positional("FILE", "file of frames; standard input when absent or '-'", false);
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  auto fail = [](const std::string& message) {
    std::cerr << "tickcast decode: " << message << '\n';
    return 2;
  };

  feeds::FeedOptions options;
  options.exchange = parser.get("exchange");
  options.channel = parser.get("channel");
  std::string error;
  auto dialect = feeds::make_dialect(options, error);
  if (!dialect) return fail("--exchange: " + error);
  std::size_t max_frame = 0;
  try {
    max_frame = std::stoull(parser.get("max-frame-bytes"));
  } catch (const std::exception&) {
    return fail("--max-frame-bytes: not a number: " + parser.get("max-frame-bytes"));
  }
  if (max_frame == 0) return fail("--max-frame-bytes must be positive");

  const std::string path = parser.get("FILE");
  std::unique_ptr<std::istream> file;
  std::istream* in = &std::cin;
  if (!path.empty() && path != "-") {
    file = feeds::open_input_file(path, error);
    if (!file) return fail(error);
    in = file.get();
  }

  std::ios::sync_with_stdio(false);
  feeds::FrameDecoder decoder(std::move(dialect), max_frame);
  std::cout << feeds::kTradeCsvHeader << '\n';
  std::uint64_t shown = 0;
  const feeds::FrameTally tally = feeds::decode_frame_lines(
      *in, decoder, std::cout, [&](std::uint64_t line, const feeds::DecodeResult& r) {
        if (shown++ >= kMaxErrorsShown) return;
        std::cerr << "tickcast decode: line " << line << ": " << feeds::to_string(r.kind);
        if (r.kind == feeds::FrameKind::kInvalid)
          std::cerr << " (" << feeds::to_string(r.error) << ")";
        if (!r.detail.empty()) std::cerr << ": " << r.detail;
        std::cerr << '\n';
      });
  std::cout.flush();
  if (shown > kMaxErrorsShown) {
    std::cerr << "tickcast decode: " << (shown - kMaxErrorsShown) << " more bad lines not shown\n";
  }
  std::cerr << "tickcast decode: " << tally.summary() << '\n';
  if (!std::cout) return fail("writing to stdout failed");
  return 0;
}

}  // namespace tickcast::daemon

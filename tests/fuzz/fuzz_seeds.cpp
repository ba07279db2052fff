// Writes the seed corpora of the fuzz targets, from the project's own code
// and recordings, into <out>/<target>/:
//
//   tickcast_fuzz_seeds <out> < recorded-frame-lines
//
// stdin: lines of a recorded-frame file (e.g. zcat of ../shared/data/trades/raw);
// each becomes a frame_lines seed as is and a Binance dialect seed without its
// receive time. Every dialect also gets the trade, subscribe answer and
// reconnect frames its own encoder writes; checkpoint and bar_log get files
// written by encode_checkpoint and BarLogWriter; stream_request gets
// subscriber requests naming the dialects' exchanges and symbols. The config
// corpus is the repo's config/*.toml, and docs/protocol.md's client messages
// join the stream_request corpus: the script copies both.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/bar_log_writer.hpp"
#include "feeds/frame_lines.hpp"
#include "feeds/json_text.hpp"
#include "model/checkpoint.hpp"
#include "model/forecaster.hpp"
#include "tests/fuzz/fuzz_dialects.hpp"

namespace {

namespace fs = std::filesystem;
using namespace tickcast;

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    std::exit(1);
  }
}

std::string dialect_seed(std::size_t index, std::string_view frame) {
  std::string seed(1, static_cast<char>(index));
  seed += frame;
  return seed;
}

int write_recorded_lines(const fs::path& out) {
  int n = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    write_file(out / "frame_lines" / ("recorded-" + std::to_string(n)), line);
    write_file(out / "dialect_decode" / ("recorded-" + std::to_string(n)),
               dialect_seed(0, feeds::split_frame_line(line).frame));
    ++n;
  }
  return n;
}

void write_dialect_seeds(const fs::path& out) {
  for (std::size_t i = 0; i < fuzz::kFuzzDialects.size(); ++i) {
    const auto dialect = fuzz::make_fuzz_dialect(fuzz::kFuzzDialects[i]);
    const fs::path dir = out / "dialect_decode";
    const std::string name = std::string(dialect->name()) + "-" + std::to_string(i);
    Trade t;
    t.exchange = std::string(dialect->name());
    t.symbol = fuzz::kFuzzDialects[i].symbol;
    t.trade_id = 123456789;
    t.price = 61837.63;
    t.qty = 0.00012;
    t.side = Side::kSell;
    t.exchange_time_ns = 1723075200123000000;
    write_file(dir / (name + "-trade"), dialect_seed(i, dialect->encode_trade(t)));
    int k = 0;
    for (const auto& request : dialect->subscribe_messages()) {
      write_file(dir / (name + "-subscribe-" + std::to_string(k)), dialect_seed(i, request));
      for (const auto& reply : dialect->answer(request).frames) {
        write_file(dir / (name + "-reply-" + std::to_string(k++)), dialect_seed(i, reply));
      }
    }
    const std::string keep_alive = dialect->keep_alive().message;
    if (!keep_alive.empty()) write_file(dir / (name + "-ping"), dialect_seed(i, keep_alive));
    const std::string reconnect = dialect->encode_reconnect_request();
    if (!reconnect.empty()) write_file(dir / (name + "-reconnect"), dialect_seed(i, reconnect));
  }
}

// Requests of /v1/stream (docs/protocol.md) about the symbols the dialect
// seeds trade: every op, concrete topics and each kind of wildcard.
void write_stream_request_seeds(const fs::path& out) {
  const fs::path dir = out / "stream_request";
  int n = 0;
  const auto seed = [&](const std::string& text) {
    write_file(dir / ("request-" + std::to_string(n++)), text);
  };
  for (const auto& d : fuzz::kFuzzDialects) {
    const std::string exchange = d.exchange;
    const std::string symbol = d.symbol;
    const std::string topics = feeds::json_string("bar:" + exchange + ":" + symbol) + "," +
                               feeds::json_string("forecast:" + exchange + ":*") + "," +
                               feeds::json_string("*:*:" + symbol) + ",\"status\"";
    seed("{\"op\":\"subscribe\",\"topics\":[" + topics + "],\"id\":" + std::to_string(n) + "}");
    seed("{\"id\":{\"seq\":" + std::to_string(n) + "},\"op\":\"unsubscribe\",\"topics\":[" +
         feeds::json_string("bar:" + exchange + ":*") + "]}");
  }
  seed(R"({"op":"ping","id":"client-1"})");
  seed(R"({"op":"list","id":null})");
  seed(R"({"op":"list"})");
}

void write_checkpoint_seeds(const fs::path& out) {
  model::Checkpoint ck;
  ck.feature_names = {"log_return", "log_range", "mask"};
  ck.scaler.mean = {1e-5, 0.002, 0.01};
  ck.scaler.scale = {0.001, 0.0015, 1.0};
  ck.scaler.target_mean = 2e-6;
  ck.scaler.target_scale = 0.0011;
  ck.weights = model::LstmWeights<float>::initialised({3, 4, 2, 1}, 7);
  ck.meta.source = "fuzz seed";
  write_file(out / "checkpoint" / "stateless", model::encode_checkpoint(ck));
  ck.has_state = true;
  ck.h = {model::VectorX<float>::Constant(4, 0.25f), model::VectorX<float>::Constant(4, -0.5f)};
  ck.c = ck.h;
  ck.last_bar_sequence = 42;
  ck.last_close = 61837.63;
  ck.last_bar_end_ns = 1723075260000000000;
  write_file(out / "checkpoint" / "with-state", model::encode_checkpoint(ck));

  // A live forecaster's snapshot: that model restored and run over two
  // hundred bars of a wavy price with a few gaps, so that the online-state
  // block (scores, conformal residuals, drift, gap counters, the pending
  // forecast) is full of real values.
  model::ModelOptions options;
  options.layers = 2;
  options.hidden = 4;
  options.features = ck.feature_names;
  options.max_gap_bars = 3;
  constexpr std::int64_t kMinute = 60'000'000'000;
  model::Forecaster forecaster(options, model::ScoreOptions{{20, 100}}, "binance", "BTCUSDT",
                               kMinute);
  if (const std::string error = forecaster.restore(ck); !error.empty()) {
    std::cerr << "tickcast_fuzz_seeds: the checkpoint seed does not restore: " << error << '\n';
    std::exit(1);
  }
  Bar bar;
  bar.exchange = "binance";
  bar.symbol = "BTCUSDT";
  bar.interval_ns = kMinute;
  bar.close = ck.last_close;
  for (int i = 0; i < 200; ++i) {
    bar.sequence = ck.last_bar_sequence + 1 + static_cast<std::uint64_t>(i);
    bar.start_ns = ck.last_bar_end_ns + i * kMinute;
    bar.end_ns = bar.start_ns + kMinute;
    bar.open = bar.close;
    bar.close *= 1 + 0.001 * std::sin(i * 0.7) + 0.0005 * std::cos(i * 1.9);
    bar.high = std::max(bar.open, bar.close) * 1.0002;
    bar.low = std::min(bar.open, bar.close) * 0.9998;
    bar.volume = 1 + (i % 7);
    bar.trade_count = 10 + static_cast<std::uint64_t>(i % 13);
    // Five gap bars in a row reset the state; the 25 real bars after the last
    // ones warm it up again.
    bar.status = i % 50 >= 20 && i % 50 < 25 ? BarStatus::kGap : BarStatus::kTraded;
    (void)forecaster.on_bar(bar);
  }
  write_file(out / "checkpoint" / "online", model::encode_checkpoint(forecaster.snapshot()));
}

void write_bar_log_seed(const fs::path& out) {
  const fs::path dir = out / "bar_log-writer";
  fs::remove_all(dir);
  std::unique_ptr<feeds::BarLogWriter> writer;
  const std::int64_t now = 1723075200000000000;
  if (!feeds::BarLogWriter::open(dir, "binance", "BTCUSDT", {}, now, writer).is_ok()) {
    std::cerr << "cannot open a bar log in " << dir << "\n";
    std::exit(1);
  }
  for (int i = 0; i < 3; ++i) {
    Bar bar;
    bar.exchange = "binance";
    bar.symbol = "BTCUSDT";
    bar.interval_ns = 60'000'000'000;
    bar.start_ns = now + i * bar.interval_ns;
    bar.end_ns = bar.start_ns + bar.interval_ns;
    bar.open = bar.high = bar.low = bar.close = bar.vwap = 61837.63 + i;
    bar.volume = 1.5;
    bar.quote_volume = bar.volume * bar.close;
    bar.buy_volume = 1.0;
    bar.sell_volume = 0.5;
    bar.trade_count = 3;
    bar.sequence = static_cast<std::uint64_t>(i) + 1;
    bar.revision = i == 2 ? 1 : 0;
    if (!writer->append(bar, now).is_ok()) std::exit(1);
  }
  const fs::path segment = writer->segment_path();
  writer.reset();
  std::ifstream in(segment, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  write_file(out / "bar_log_segment" / "three-bars", bytes);
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tickcast_fuzz_seeds <out dir> < recorded-frame-lines\n";
    return 2;
  }
  const fs::path out = argv[1];
  for (const char* d : {"dialect_decode", "frame_lines", "checkpoint", "bar_log_segment", "config",
                        "stream_request"}) {
    fs::create_directories(out / d);
  }
  const int lines = write_recorded_lines(out);
  write_dialect_seeds(out);
  write_checkpoint_seeds(out);
  write_bar_log_seed(out);
  write_stream_request_seeds(out);
  std::cout << "seeds written to " << out.string() << " (" << lines << " recorded lines)\n";
  return 0;
}

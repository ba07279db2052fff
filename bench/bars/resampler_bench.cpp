// Trades per second through the Resampler, against a naive std::map group-by
// over the same trades (the reference: no watermark, no dedup, no statuses).
//
// Input: the real Binance spot recording (19,904 trades), repeated 10 times
// with times and ids shifted so the copies follow each other: 199,040 trades
// in time order, 1-minute (or 1-second) bars.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "feeds/resampler.hpp"
#include "feeds/trade_csv.hpp"

namespace tickcast::feeds {
namespace {

const std::vector<Trade>& recorded_trades() {
  static const std::vector<Trade> trades = [] {
    std::vector<Trade> once;
    for (const auto& entry : std::filesystem::directory_iterator(
             std::filesystem::path(TICKCAST_SHARED_DATA_DIR) / "trades")) {
      if (entry.path().filename().string().rfind("binance_spot_BTCUSDT_trades_", 0) != 0) continue;
      std::ifstream in(entry.path());
      TradeCsvReader reader(in, TradeCsvFormat::kAuto, "binance", "BTCUSDT");
      if (reader.read_header()) break;
      Trade t;
      std::string error;
      while (reader.next(t, error) == TradeCsvReader::Result::kTrade) once.push_back(t);
    }
    std::vector<Trade> all;
    if (once.empty()) return all;
    const std::int64_t span =
        once.back().exchange_time_ns - once.front().exchange_time_ns + 60'000'000'000;
    const std::uint64_t ids = once.back().trade_id - once.front().trade_id + 1;
    for (int copy = 0; copy < 10; ++copy) {
      for (Trade t : once) {
        t.exchange_time_ns += copy * span;
        t.receive_time_ns += copy * span;
        t.trade_id += static_cast<std::uint64_t>(copy) * ids;
        all.push_back(std::move(t));
      }
    }
    return all;
  }();
  return trades;
}

void BM_Resampler(benchmark::State& state) {
  const auto& trades = recorded_trades();
  if (trades.empty()) {
    state.SkipWithError("no recording in shared data");
    return;
  }
  ResamplerOptions options;
  options.exchange = "binance";
  options.symbol = "BTCUSDT";
  options.interval_ns = state.range(0) * 1'000'000'000LL;
  options.allowed_lateness_ns = std::min<std::int64_t>(options.interval_ns, 2'000'000'000);
  std::uint64_t bars = 0;
  for (auto _ : state) {
    Resampler resampler(options, [&bars](const BarEvent& e) {
      bars += e.bar.trade_count > 0;
      benchmark::DoNotOptimize(e.bar.close);
    });
    for (const Trade& t : trades) resampler.on_trade(t);
    resampler.finish();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trades.size()));
  state.counters["bars_per_run"] =
      static_cast<double>(bars) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Resampler)->Arg(60)->Arg(1)->Unit(benchmark::kMillisecond);

// The reference: what a straightforward group-by costs. Same per-trade work
// on the numbers (OHLC by time then id, sums), keyed through a std::map.
struct NaiveBar {
  double open = 0, high = 0, low = 0, close = 0, volume = 0, quote = 0, buy = 0, sell = 0;
  std::int64_t first_t = 0, last_t = 0;
  std::uint64_t first_id = 0, last_id = 0, count = 0;
};

void BM_NaiveMapGroupBy(benchmark::State& state) {
  const auto& trades = recorded_trades();
  if (trades.empty()) {
    state.SkipWithError("no recording in shared data");
    return;
  }
  const std::int64_t interval = state.range(0) * 1'000'000'000LL;
  for (auto _ : state) {
    std::map<std::int64_t, NaiveBar> bars;
    for (const Trade& t : trades) {
      NaiveBar& b = bars[t.exchange_time_ns / interval];
      if (b.count == 0) {
        b.open = b.high = b.low = b.close = t.price;
        b.first_t = b.last_t = t.exchange_time_ns;
        b.first_id = b.last_id = t.trade_id;
      } else {
        b.high = std::max(b.high, t.price);
        b.low = std::min(b.low, t.price);
        if (t.exchange_time_ns < b.first_t ||
            (t.exchange_time_ns == b.first_t && t.trade_id < b.first_id)) {
          b.open = t.price;
          b.first_t = t.exchange_time_ns;
          b.first_id = t.trade_id;
        }
        if (t.exchange_time_ns > b.last_t ||
            (t.exchange_time_ns == b.last_t && t.trade_id > b.last_id)) {
          b.close = t.price;
          b.last_t = t.exchange_time_ns;
          b.last_id = t.trade_id;
        }
      }
      ++b.count;
      b.volume += t.qty;
      b.quote += t.price * t.qty;
      (t.side == Side::kBuy ? b.buy : b.sell) += t.qty;
    }
    benchmark::DoNotOptimize(bars.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trades.size()));
}
BENCHMARK(BM_NaiveMapGroupBy)->Arg(60)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tickcast::feeds

BENCHMARK_MAIN();

// The Binance decoder against real recordings: every `@trade` frame of the
// hftbacktest captures in ../shared/data/trades/raw/ must give exactly the row
// of the matching CSV, which was extracted from the same frames by an
// independent tool (see PROVENANCE.md). The CSV is parsed here with strtod and
// strtoull, not with the decoder's own number parsing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/feeds/dialect_test_util.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::feeds::test {
namespace {

struct CsvTrade {
  std::uint64_t id;
  double price, qty;
  std::int64_t time_ms;
  bool buyer_maker;
  std::int64_t recv_ns;
};

std::vector<CsvTrade> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<CsvTrade> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() != 8) continue;
    rows.push_back({std::strtoull(f[0].c_str(), nullptr, 10), std::strtod(f[1].c_str(), nullptr),
                    std::strtod(f[2].c_str(), nullptr), std::strtoll(f[3].c_str(), nullptr, 10),
                    f[4] == "true", std::strtoll(f[7].c_str(), nullptr, 10)});
  }
  return rows;
}

struct Tally {
  std::vector<Trade> trades;
  std::map<std::string, int> kinds;  // "trade", "other", "invalid:unexpected_shape", ...
  int lines = 0;
};

// Decodes every line of a gzip'd recording, piped through `gzip -dc`.
Tally decode_recording(const std::filesystem::path& gz, FrameDecoder& decoder) {
  Tally tally;
  const std::string command = "gzip -dc '" + gz.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return tally;
  char* buffer = nullptr;
  std::size_t capacity = 0;
  ssize_t n;
  while ((n = getline(&buffer, &capacity, pipe.get())) > 0) {
    std::string_view line(buffer, static_cast<std::size_t>(n));
    if (line.ends_with('\n')) line.remove_suffix(1);
    ++tally.lines;
    const auto space = line.find(' ');
    const std::int64_t recv = std::strtoll(std::string(line.substr(0, space)).c_str(), nullptr, 10);
    const DecodeResult r = decoder.decode_copy(line.substr(space + 1), recv, tally.trades);
    std::string key(to_string(r.kind));
    if (r.kind == FrameKind::kInvalid) key += ":" + std::string(to_string(r.error));
    ++tally.kinds[key];
  }
  free(buffer);
  return tally;
}

void expect_same_trades(const std::vector<Trade>& decoded, const std::vector<CsvTrade>& csv,
                        std::string_view symbol) {
  ASSERT_EQ(decoded.size(), csv.size());
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const Trade& t = decoded[i];
    const CsvTrade& c = csv[i];
    ASSERT_EQ(t.trade_id, c.id) << "row " << i;
    ASSERT_EQ(t.price, c.price) << "row " << i;
    ASSERT_EQ(t.qty, c.qty) << "row " << i;
    ASSERT_EQ(t.exchange_time_ns, c.time_ms * 1'000'000) << "row " << i;
    ASSERT_EQ(t.side, c.buyer_maker ? Side::kSell : Side::kBuy) << "row " << i;
    ASSERT_EQ(t.receive_time_ns, c.recv_ns) << "row " << i;
    ASSERT_EQ(t.symbol, symbol);
    ASSERT_EQ(t.pair, "BTC-USDT");
  }
}

TEST(BinanceRecording, SpotFramesGiveExactlyTheCsvTrades) {
  const auto dir = tickcast::test::shared_data_dir() / "trades";
  auto decoder = decoder_for(options_for("binance", {"BTCUSDT"}));
  const Tally day1 =
      decode_recording(dir / "raw/hftbacktest_binance_spot_btcusdt_20240808.gz", *decoder);
  const Tally day2 =
      decode_recording(dir / "raw/hftbacktest_binance_spot_btcusdt_20240809.gz", *decoder);
  // Line counts from PROVENANCE.md.
  EXPECT_EQ(day1.lines, 41249);
  EXPECT_EQ(day2.lines, 58325);
  EXPECT_EQ(day1.kinds.at("trade"), 9757);
  EXPECT_EQ(day2.kinds.at("trade"), 10147);
  EXPECT_EQ(day1.kinds.at("other"), 28040 + 3451);  // bookTicker + depth
  EXPECT_EQ(day2.kinds.at("other"), 45134 + 3044);
  // The one REST depth snapshot in the first file has no stream wrapper.
  EXPECT_EQ(day1.kinds.at("invalid:unexpected_shape"), 1);
  EXPECT_EQ(day2.kinds.count("invalid:unexpected_shape"), 0u);

  std::vector<Trade> all = day1.trades;
  all.insert(all.end(), day2.trades.begin(), day2.trades.end());
  const auto csv = read_csv(dir / "binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv");
  ASSERT_EQ(csv.size(), 19904u);
  expect_same_trades(all, csv, "BTCUSDT");
}

TEST(BinanceRecording, UsdmFramesGiveExactlyTheCsvTrades) {
  const auto dir = tickcast::test::shared_data_dir() / "trades";
  auto decoder = decoder_for(options_for("binance", {"BTCUSDT"}));
  const Tally day =
      decode_recording(dir / "raw/hftbacktest_binance_usdm_btcusdt_20240808.gz", *decoder);
  EXPECT_EQ(day.lines, 93954);
  EXPECT_EQ(day.kinds.at("trade"), 21313);
  const auto csv =
      read_csv(dir / "binance_usdm_BTCUSDT-PERP_trades_20240808T2354Z-20240809T0000Z.csv");
  expect_same_trades(day.trades, csv, "BTCUSDT");
}

}  // namespace
}  // namespace tickcast::feeds::test

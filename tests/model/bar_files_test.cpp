// Reading bar files for `tickcast train`: each format from a few hand-written
// lines, and the real files in ../shared/data against the row counts and
// ranges their PROVENANCE.md states.
#include "daemon/bar_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace tickcast::daemon {
namespace {

using ::testing::HasSubstr;
constexpr std::int64_t kMinute = 60'000'000'000;

TEST(BarFiles, BinanceUsKlinesWithIsoTimesAndQuietZeroVolumeRows) {
  BarFile f;
  ASSERT_EQ(read_bar_text("open_time,open,high,low,close,volume\n"
                          "2023-03-01 00:00:00+00:00,23140.48,23150.77,23128.52,23142.31,2.131777\n"
                          "2023-03-01 00:01:00+00:00,23142.31,23142.31,23142.31,23142.31,0.0\n",
                          BarFileFormat::kAuto, f),
            "");
  EXPECT_EQ(f.format, BarFileFormat::kBinanceUs);
  ASSERT_EQ(f.bars.size(), 2u);
  EXPECT_EQ(f.bars[0].start_ns, 1677628800LL * 1'000'000'000);  // date -d 2023-03-01Z +%s
  EXPECT_EQ(f.bars[0].end_ns, f.bars[0].start_ns + kMinute);
  EXPECT_EQ(f.bars[0].close, 23142.31);
  EXPECT_EQ(f.bars[0].status, BarStatus::kTraded);
  EXPECT_EQ(f.bars[1].status, BarStatus::kQuiet);
  EXPECT_EQ(f.bars[1].sequence, 1u);
}

TEST(BarFiles, KrakenOhlcvtFillsMissingIntervalsWithQuietBars) {
  BarFile f;
  ASSERT_EQ(read_bar_text("1672531200,16528.7,16530.0,16505.2,16519.3,96.6,803\n"
                          "1672531260,16519.3,16539.6,16518.0,16539.0,83.5,744\n"
                          "1672531440,16539.0,16540.0,16530.0,16535.0,1.5,12\n",
                          BarFileFormat::kAuto, f),
            "");
  EXPECT_EQ(f.format, BarFileFormat::kKrakenOhlcvt);
  ASSERT_EQ(f.bars.size(), 5u);  // minutes 0, 1, (2, 3 filled), 4
  EXPECT_EQ(f.filled, 2u);
  EXPECT_EQ(f.bars[0].trade_count, 803u);
  EXPECT_EQ(f.bars[2].status, BarStatus::kQuiet);
  EXPECT_EQ(f.bars[2].close, 16539.0);
  EXPECT_EQ(f.bars[3].start_ns, 1672531380LL * 1'000'000'000);
  EXPECT_EQ(f.bars[4].sequence, 4u);
}

TEST(BarFiles, CoinMarketCapIsReversedAndReadsQuotedThousands) {
  BarFile f;
  ASSERT_EQ(read_bar_text("Date,Open,High,Low,Close,Volume,Market Cap\r\n"
                          "\"Jul 31, 2017\",2763.24,2889.62,2720.61,2875.34,\"860,575,000\","
                          "\"45,535,800,000\"\r\n"
                          "\"Jul 30, 2017\",2724.39,2758.53,2644.85,2757.18,-,\"44,890,700,000\"",
                          BarFileFormat::kAuto, f),
            "");
  EXPECT_EQ(f.format, BarFileFormat::kCoinMarketCap);
  ASSERT_EQ(f.bars.size(), 2u);
  EXPECT_EQ(f.bars[0].close, 2757.18);  // oldest first
  EXPECT_EQ(f.bars[0].volume, 0.0);     // "-"
  EXPECT_EQ(f.bars[1].volume, 860575000.0);
  EXPECT_EQ(f.bars[1].start_ns - f.bars[0].start_ns, 86400LL * 1'000'000'000);
}

TEST(BarFiles, TickcastBarCsvKeepsTheLastRevision) {
  const std::string header =
      "exchange,symbol,interval_ns,start_ns,end_ns,open,high,low,close,volume,quote_volume,"
      "buy_volume,sell_volume,trade_count,vwap,first_trade_time_ns,last_trade_time_ns,"
      "first_trade_id,last_trade_id,sequence,status,revision\n";
  BarFile f;
  ASSERT_EQ(
      read_bar_text(header + "binance,BTCUSDT,60000000000,0,60000000000,10,12,9,11,2,21,1.5,0.5,"
                             "4,10.5,1,2,1,4,7,traded,0\n"
                             "binance,BTCUSDT,60000000000,0,60000000000,10,12,9,11.5,3,21,1.5,0.5,"
                             "5,10.5,1,2,1,5,7,traded,1\n"
                             "binance,BTCUSDT,60000000000,60000000000,120000000000,11.5,11.5,11.5,"
                             "11.5,0,0,0,0,0,11.5,0,0,0,0,8,quiet,0\n",
                    BarFileFormat::kAuto, f),
      "");
  EXPECT_EQ(f.format, BarFileFormat::kTickcast);
  ASSERT_EQ(f.bars.size(), 2u);
  EXPECT_EQ(f.bars[0].close, 11.5);
  EXPECT_EQ(f.bars[0].trade_count, 5u);
  EXPECT_EQ(f.bars[0].buy_volume, 1.5);
  EXPECT_EQ(f.bars[0].sequence, 7u);
  EXPECT_EQ(f.bars[1].status, BarStatus::kQuiet);
}

TEST(BarFiles, BadRowsAreSkippedByLineAndFatalProblemsAreErrors) {
  BarFile f;
  ASSERT_EQ(read_bar_text("open_time,open,high,low,close,volume\n"
                          "2023-03-01 00:00:00+00:00,1,2,0.5,1.5,1\n"
                          "2023-03-01 00:01:00+00:00,1,2,0.5,x,1\n"
                          "2023-03-01 00:02:00+00:00,1,2,0.5,1.5\n"
                          "2023-03-01 00:03:00+00:00,1,2,0.5,1.5,1\n"
                          "2023-03-01 00:04:00+00:00,1,2,0.5,1.5,1\n"
                          "2023-03-01 00:05:00+00:00,1,2,0.5,1.5,1\n",
                          BarFileFormat::kBinanceUs, f),
            "");
  EXPECT_THAT(f.skipped,
              ::testing::ElementsAre("line 3: bad number \"x\"", "line 4: 5 fields, expected 6"));
  // The interval is the most common spacing (1 minute), and the two skipped
  // minutes come back as quiet bars.
  EXPECT_EQ(f.bars.size(), 6u);
  EXPECT_EQ(f.filled, 2u);
  EXPECT_THAT(read_bar_text("hello\n", BarFileFormat::kAuto, f), HasSubstr("pass --format"));
  EXPECT_THAT(read_bar_text("open_time,open,high,low,close,volume\n"
                            "2023-03-01 00:01:00+00:00,1,2,0.5,1.5,1\n"
                            "2023-03-01 00:00:00+00:00,1,2,0.5,1.5,1\n",
                            BarFileFormat::kAuto, f),
              HasSubstr("backwards"));
  EXPECT_THAT(read_bar_text("1672531200,1,2,0.5,1.5,1,1\n", BarFileFormat::kBinanceUs, f),
              HasSubstr("not a binanceus header"));
  EXPECT_THAT(read_bar_text("", BarFileFormat::kAuto, f), HasSubstr("empty"));
}

std::string klines(const char* name) {
  return (test::shared_data_dir() / "klines" / name).string();
}

TEST(BarFilesOnRealData, BinanceUsBtcusdtHas30240CompleteMinutesWith658QuietOnes) {
  BarFile f;
  ASSERT_EQ(
      read_bar_file(klines("binanceus_BTCUSDT_1m_20230301_20230321.csv"), BarFileFormat::kAuto, f),
      "");
  EXPECT_EQ(f.bars.size(), 30240u);
  EXPECT_EQ(f.filled, 0u);
  EXPECT_TRUE(f.skipped.empty());
  std::size_t quiet = 0;
  for (const auto& b : f.bars) quiet += b.status == BarStatus::kQuiet;
  EXPECT_EQ(quiet, 658u);
}

TEST(BarFilesOnRealData, Kraken5mHas25901RowsAnd19MissingIntervals) {
  BarFile f;
  ASSERT_EQ(read_bar_file(klines("kraken_XBTUSD_5m_ohlcvt_2023Q1.csv"), BarFileFormat::kAuto, f),
            "");
  EXPECT_EQ(f.rows, 25901u);
  EXPECT_EQ(f.filled, 19u);
  EXPECT_EQ(f.bars.size(), 25920u);
  EXPECT_EQ(f.bars.front().interval_ns, 5 * kMinute);
}

TEST(BarFilesOnRealData, NotebookDailyFileRunsFrom2013To2017OneDayApart) {
  BarFile f;
  ASSERT_EQ(
      read_bar_file(test::shared_data_dir() / "seed" / "bitcoin_price_Training - Training.csv",
                    BarFileFormat::kCoinMarketCap, f),
      "");
  EXPECT_EQ(f.bars.size(), 1556u);
  EXPECT_EQ(f.filled, 0u);
  EXPECT_EQ(f.bars.front().start_ns, 1367107200LL * 1'000'000'000);  // 2013-04-28
  EXPECT_EQ(f.bars.back().close, 2875.34);                           // Jul 31, 2017
  std::size_t unknown_volume = 0;
  for (const auto& b : f.bars) unknown_volume += b.volume == 0;
  EXPECT_EQ(unknown_volume, 243u);
}

}  // namespace
}  // namespace tickcast::daemon

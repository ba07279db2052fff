#include "feeds/symbol_case.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "feeds/feed_stats.hpp"

namespace tickcast::feeds {
namespace {

TEST(SymbolCase, FoldsAsciiLettersOnly) {
  EXPECT_EQ(ascii_upper("btc-usdt_1"), "BTC-USDT_1");
  EXPECT_EQ(ascii_lower("XBT/USD"), "xbt/usd");
  // Bytes outside ASCII are left alone, whatever the process's locale.
  EXPECT_EQ(ascii_upper("\xC3\xA9th"), "\xC3\xA9TH");
  EXPECT_TRUE(equals_ignoring_case("btcusdt", "BTCUSDT"));
  EXPECT_FALSE(equals_ignoring_case("BTCUSDT", "BTCUSD"));
  EXPECT_FALSE(equals_ignoring_case("BTC-USD", "BTC_USD"));  // '-' + 32 is not '_' either way
  EXPECT_FALSE(equals_ignoring_case("@", "`"));              // 0x40 and 0x60 are not letters
}

TEST(SymbolCase, AMapFindsASymbolInAnyCaseWithoutACopy) {
  SymbolMap<int> map;
  map.emplace("BTCUSDT", 1);
  map.emplace("XBT/USD", 2);
  const std::string_view stream_spelling = "btcusdt";
  ASSERT_NE(map.find(stream_spelling), map.end());
  EXPECT_EQ(map.find(stream_spelling)->second, 1);
  EXPECT_EQ(map.find(std::string_view("xbt/usd"))->second, 2);
  EXPECT_EQ(map.find(std::string_view("ETHUSDT")), map.end());
  EXPECT_FALSE(map.emplace("BtcUsdt", 3).second) << "one market, one entry";
  EXPECT_EQ(SymbolHash{}("BtCuSdT"), SymbolHash{}("btcusdt"));
}

TEST(SymbolCase, FeedStatsFindsTheConfiguredSymbolInTheExchangesSpelling) {
  FeedStats stats({"BTCUSDT", "ethusdt"});
  ASSERT_NE(stats.find("btcusdt"), nullptr);
  EXPECT_EQ(stats.find("btcusdt")->symbol, "BTCUSDT");
  EXPECT_EQ(stats.find("ETHUSDT")->symbol, "ethusdt");
  EXPECT_EQ(stats.find("SOLUSDT"), nullptr);
  stats.find("BtcUsdt")->trades_total++;
  EXPECT_EQ(stats.symbols.front().trades_total.load(), 1u);
}

}  // namespace
}  // namespace tickcast::feeds

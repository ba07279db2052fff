// The stream's JSON frames, read back with simdjson: every field of Bar,
// Forecast (with its WindowScores) and StatusEvent, NaN as null, strings
// escaped, the snapshot flag.
#include "daemon/stream_message.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <limits>

namespace tickcast::daemon {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  return doc;
}

TEST(StreamMessageTest, ForecastCarriesEveryFieldAndNanIsNull) {
  model::Forecast f;
  f.exchange = "coinbase";
  f.symbol = "BTC-USD";
  f.interval_ns = 60'000'000'000;
  f.bar_sequence = 4242;
  f.bar_start_ns = 1'700'000'000'000'000'000;
  f.bar_end_ns = 1'700'000'060'000'000'000;
  f.close = 37123.25;
  f.target_start_ns = 1'700'000'060'000'000'000;
  f.target_end_ns = 1'700'000'120'000'000'000;
  f.predicted_return = -0.000125;
  f.predicted_close = 37118.61;
  f.persistence_close = 37123.25;
  f.lower = 37090.5;
  f.upper = 37150.75;
  f.coverage = 0.9;
  f.status = model::ForecastStatus::kNoSkill;
  f.model_version = 7;
  f.model_created_unix_ns = 1'699'999'000'123'456'789;
  model::WindowScores s;
  s.window = 60;
  s.n = 12;
  s.mae_return = 0.001;
  s.rmse_return = 0.002;
  s.mae_price = 3.5;
  s.rmse_price = 4.25;
  s.persistence_mae_price = 3.0;
  s.persistence_rmse_price = 4.0;
  s.direction_accuracy = 0.5;
  s.skill = -0.0625;
  s.interval_coverage = 0.875;
  s.interval_mean_width = 60.25;
  f.scores.push_back(s);
  f.scores.push_back(model::WindowScores{.window = 1440});  // all NaN, n = 0

  const std::string text =
      frame_text("forecast", forecast_topic(f.exchange, f.symbol), 3, forecast_fields(f));
  simdjson::dom::parser parser;
  auto doc = parse(parser, text);
  EXPECT_EQ(std::string_view(doc["type"]), "forecast");
  EXPECT_EQ(std::string_view(doc["topic"]), "forecast:coinbase:BTC-USD");
  EXPECT_EQ(std::uint64_t(doc["seq"]), 3u);
  EXPECT_EQ(std::string_view(doc["exchange"]), "coinbase");
  EXPECT_EQ(std::string_view(doc["symbol"]), "BTC-USD");
  EXPECT_EQ(std::int64_t(doc["interval_ns"]), 60'000'000'000);
  EXPECT_EQ(std::uint64_t(doc["bar_sequence"]), 4242u);
  EXPECT_EQ(std::int64_t(doc["bar_start_ns"]), 1'700'000'000'000'000'000);
  EXPECT_EQ(std::int64_t(doc["bar_end_ns"]), 1'700'000'060'000'000'000);
  EXPECT_EQ(double(doc["close"]), 37123.25);
  EXPECT_EQ(std::int64_t(doc["target_start_ns"]), 1'700'000'060'000'000'000);
  EXPECT_EQ(std::int64_t(doc["target_end_ns"]), 1'700'000'120'000'000'000);
  EXPECT_EQ(double(doc["predicted_return"]), -0.000125);
  EXPECT_EQ(double(doc["predicted_close"]), 37118.61);
  EXPECT_EQ(double(doc["persistence_close"]), 37123.25);
  EXPECT_EQ(double(doc["lower"]), 37090.5);
  EXPECT_EQ(double(doc["upper"]), 37150.75);
  EXPECT_EQ(double(doc["coverage"]), 0.9);
  EXPECT_EQ(std::string_view(doc["status"]), "no_skill");
  EXPECT_EQ(std::uint64_t(doc["model_version"]), 7u);
  EXPECT_EQ(std::int64_t(doc["model_created_unix_ns"]), 1'699'999'000'123'456'789);

  simdjson::dom::array scores = doc["scores"];
  ASSERT_EQ(scores.size(), 2u);
  auto first = scores.at(0);
  EXPECT_EQ(std::int64_t(first["window"]), 60);
  EXPECT_EQ(std::uint64_t(first["n"]), 12u);
  EXPECT_EQ(double(first["mae_return"]), 0.001);
  EXPECT_EQ(double(first["rmse_return"]), 0.002);
  EXPECT_EQ(double(first["mae_price"]), 3.5);
  EXPECT_EQ(double(first["rmse_price"]), 4.25);
  EXPECT_EQ(double(first["persistence_mae_price"]), 3.0);
  EXPECT_EQ(double(first["persistence_rmse_price"]), 4.0);
  EXPECT_EQ(double(first["direction_accuracy"]), 0.5);
  EXPECT_EQ(double(first["skill"]), -0.0625);
  EXPECT_EQ(double(first["interval_coverage"]), 0.875);
  EXPECT_EQ(double(first["interval_mean_width"]), 60.25);
  auto second = scores.at(1);
  EXPECT_EQ(std::int64_t(second["window"]), 1440);
  EXPECT_EQ(std::uint64_t(second["n"]), 0u);
  for (const char* key : {"mae_return", "rmse_return", "mae_price", "rmse_price",
                          "persistence_mae_price", "persistence_rmse_price", "direction_accuracy",
                          "skill", "interval_coverage", "interval_mean_width"}) {
    EXPECT_TRUE(second[key].is_null()) << key << " in " << text;
  }
  // 12 scores fields each, nothing else.
  EXPECT_EQ(simdjson::dom::object(first).size(), 12u);
}

TEST(StreamMessageTest, BarAndRevision) {
  Bar bar;
  bar.exchange = "binance";
  bar.symbol = "ETHUSDT";
  bar.interval_ns = 1'000'000'000;
  bar.start_ns = 5'000'000'000;
  bar.end_ns = 6'000'000'000;
  bar.open = 2000.5;
  bar.high = 2001.0;
  bar.low = 1999.75;
  bar.close = 2000.25;
  bar.volume = 1.5;
  bar.quote_volume = 3000.5;
  bar.buy_volume = 1.0;
  bar.sell_volume = 0.5;
  bar.trade_count = 3;
  bar.vwap = 2000.333;
  bar.first_trade_time_ns = 5'100'000'000;
  bar.last_trade_time_ns = 5'900'000'000;
  bar.first_trade_id = 10;
  bar.last_trade_id = 12;
  bar.sequence = 99;
  bar.status = BarStatus::kGap;
  simdjson::dom::parser parser;
  auto doc = parse(
      parser, frame_text(bar_type(bar), bar_topic(bar.exchange, bar.symbol), 1, bar_fields(bar)));
  EXPECT_EQ(std::string_view(doc["type"]), "bar");
  EXPECT_EQ(std::string_view(doc["topic"]), "bar:binance:ETHUSDT");
  EXPECT_EQ(std::string_view(doc["status"]), "gap");
  EXPECT_EQ(std::uint64_t(doc["sequence"]), 99u);
  EXPECT_EQ(std::uint64_t(doc["revision"]), 0u);
  EXPECT_EQ(double(doc["open"]), 2000.5);
  EXPECT_EQ(double(doc["high"]), 2001.0);
  EXPECT_EQ(double(doc["low"]), 1999.75);
  EXPECT_EQ(double(doc["close"]), 2000.25);
  EXPECT_EQ(double(doc["volume"]), 1.5);
  EXPECT_EQ(double(doc["quote_volume"]), 3000.5);
  EXPECT_EQ(double(doc["buy_volume"]), 1.0);
  EXPECT_EQ(double(doc["sell_volume"]), 0.5);
  EXPECT_EQ(double(doc["vwap"]), 2000.333);
  EXPECT_EQ(std::uint64_t(doc["trade_count"]), 3u);
  EXPECT_EQ(std::int64_t(doc["start_ns"]), 5'000'000'000);
  EXPECT_EQ(std::int64_t(doc["end_ns"]), 6'000'000'000);
  EXPECT_EQ(std::int64_t(doc["first_trade_time_ns"]), 5'100'000'000);
  EXPECT_EQ(std::int64_t(doc["last_trade_time_ns"]), 5'900'000'000);
  EXPECT_EQ(std::uint64_t(doc["first_trade_id"]), 10u);
  EXPECT_EQ(std::uint64_t(doc["last_trade_id"]), 12u);

  bar.revision = 2;
  auto revised = parse(parser, frame_text(bar_type(bar), "t", 2, bar_fields(bar)));
  EXPECT_EQ(std::string_view(revised["type"]), "bar_revision");
  EXPECT_EQ(std::uint64_t(revised["revision"]), 2u);
}

TEST(StreamMessageTest, StatusStringsAreEscapedAndSnapshotIsFlagged) {
  StatusEvent event{"kraken", "XBT/USD", "feed_down", "closed: \"bye\"\n\t\\ \x01", 3, 123};
  const std::string text = frame_text("status", kStatusTopic, 5, status_fields(event));
  simdjson::dom::parser parser;
  auto doc = parse(parser, text);
  EXPECT_EQ(std::string_view(doc["kind"]), "feed_down");
  EXPECT_EQ(std::string_view(doc["symbol"]), "XBT/USD");
  EXPECT_EQ(std::string_view(doc["message"]), "closed: \"bye\"\n\t\\ \x01");
  EXPECT_EQ(std::uint64_t(doc["model_version"]), 3u);
  EXPECT_EQ(std::int64_t(doc["time_ns"]), 123);
  EXPECT_TRUE(doc["snapshot"].error() == simdjson::NO_SUCH_FIELD);

  auto snap = parse(parser, snapshot_text(text));
  EXPECT_TRUE(bool(snap["snapshot"]));
  EXPECT_EQ(std::uint64_t(snap["seq"]), 5u);
  EXPECT_EQ(std::string_view(snap["message"]), "closed: \"bye\"\n\t\\ \x01");
}

}  // namespace
}  // namespace tickcast::daemon

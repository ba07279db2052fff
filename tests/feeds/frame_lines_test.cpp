// Reading recorded frame lines: the receive-time prefix and the CSV rows.
#include "feeds/frame_lines.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/feeds/dialect_test_util.hpp"

namespace tickcast::feeds::test {
namespace {

TEST(SplitFrameLine, PrefixIsNanosecondsOrDecimalSeconds) {
  auto l = split_frame_line("1723161254087896568 {\"a\":1}\n");
  EXPECT_EQ(l.receive_time_ns, 1723161254087896568);
  EXPECT_EQ(l.frame, "{\"a\":1}");
  l = split_frame_line("1723161254.5 {\"a\":1}");
  EXPECT_EQ(l.receive_time_ns, 1723161254500000000);
  EXPECT_EQ(l.frame, "{\"a\":1}");
  l = split_frame_line("{\"a\": 1}");
  EXPECT_EQ(l.receive_time_ns, 0);
  EXPECT_EQ(l.frame, "{\"a\": 1}");
  l = split_frame_line("pong");
  EXPECT_EQ(l.frame, "pong");
  l = split_frame_line("12x {}");
  EXPECT_EQ(l.receive_time_ns, 0);
  EXPECT_EQ(l.frame, "12x {}");
}

TEST(DecodeFrameLines, WritesRowsAndTalliesEveryLine) {
  auto dec = decoder_for(options_for("okx", {"BTC-USDT"}));
  std::istringstream in(
      "5 "
      "{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-"
      "USDT\","
      "\"tradeId\":\"9\",\"px\":\"42219.9\",\"sz\":\"0.00000001\",\"side\":\"sell\",\"ts\":"
      "\"1630048897897\"}]}\n"
      "pong\n"
      "{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"bad\"}\n"
      "{broken\n");
  std::ostringstream csv;
  std::vector<std::uint64_t> reported;
  const FrameTally tally = decode_frame_lines(
      in, *dec, csv, [&](std::uint64_t line, const DecodeResult&) { reported.push_back(line); });
  EXPECT_EQ(csv.str(), "okx,BTC-USDT,9,42219.9,1e-08,sell,1630048897897000000,5\n");
  EXPECT_EQ(tally.lines, 4u);
  EXPECT_EQ(tally.trades, 1u);
  EXPECT_EQ(tally.kinds[static_cast<int>(FrameKind::kPong)], 1u);
  EXPECT_EQ(tally.kinds[static_cast<int>(FrameKind::kRejected)], 1u);
  EXPECT_EQ(tally.errors[static_cast<int>(DecodeError::kNotJson)], 1u);
  EXPECT_EQ(reported, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(tally.summary(),
            "lines=4 trades=1 frames: trade=1 pong=1 rejected=1 invalid=1 errors: not_json=1");
}

}  // namespace
}  // namespace tickcast::feeds::test

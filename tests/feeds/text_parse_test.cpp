// Decimal and time parsing: exact values that come from outside the code
// under test (compiler-rounded literals, `date -u -d ... +%s`).
#include "feeds/text_parse.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace tickcast::feeds {
namespace {

TEST(ParseDecimal, SmallestSatoshiAmountSurvivesExactly) {
  double v = 0;
  ASSERT_TRUE(parse_decimal("0.00000001", v));
  EXPECT_EQ(v, 1e-8);  // the compiler rounds the literal correctly
  EXPECT_EQ(v, std::strtod("0.00000001", nullptr));
}

TEST(ParseDecimal, TrailingZerosAndLargeValuesRoundLikeStrtod) {
  for (const char* text : {"61837.63000000", "0.02000000", "16578.50", "0.1", "123456789.12345678",
                           "42219.9", "1e-3", "-2.5"}) {
    double v = 0;
    ASSERT_TRUE(parse_decimal(text, v)) << text;
    EXPECT_EQ(v, std::strtod(text, nullptr)) << text;
  }
}

TEST(ParseDecimal, RejectsWhatIsNotAPlainDecimal) {
  double v = 7;
  for (const char* text : {"", "+1", " 1", "1 ", "1.0x", "nan", "inf", "-inf", "0x10", "-", "."}) {
    EXPECT_FALSE(parse_decimal(text, v)) << '"' << text << '"';
  }
  EXPECT_EQ(v, 7);  // untouched on failure
}

TEST(ParseUint, AcceptsDigitsOnly) {
  std::uint64_t v = 0;
  EXPECT_TRUE(parse_uint("3735683259", v));
  EXPECT_EQ(v, 3735683259u);
  EXPECT_TRUE(parse_uint("18446744073709551615", v));
  EXPECT_FALSE(parse_uint("18446744073709551616", v));
  EXPECT_FALSE(parse_uint("-1", v));
  EXPECT_FALSE(parse_uint("", v));
  EXPECT_FALSE(parse_uint("12a", v));
}

TEST(ParseTimes, DecimalSecondsKeepMicrosecondsExactly) {
  std::int64_t ns = 0;
  ASSERT_TRUE(parse_decimal_seconds_ns("1534614057.321597", ns));
  EXPECT_EQ(ns, 1534614057321597000);
  ASSERT_TRUE(parse_decimal_seconds_ns("1534614057", ns));
  EXPECT_EQ(ns, 1534614057000000000);
  EXPECT_FALSE(parse_decimal_seconds_ns("1534614057.1234567891", ns));
  EXPECT_FALSE(parse_decimal_seconds_ns("abc", ns));
}

TEST(ParseTimes, Rfc3339MatchesDateCommand) {
  std::int64_t ns = 0;
  // date -u -d "2014-11-07T08:19:27Z" +%s  ->  1415348367
  ASSERT_TRUE(parse_rfc3339_ns("2014-11-07T08:19:27.028459Z", ns));
  EXPECT_EQ(ns, 1415348367028459000);
  // date -u -d "2023-09-25T07:49:37Z" +%s  ->  1695628177
  ASSERT_TRUE(parse_rfc3339_ns("2023-09-25T07:49:37.708706Z", ns));
  EXPECT_EQ(ns, 1695628177708706000);
  // A leap day; date -u -d "2024-02-29T23:59:59Z" +%s  ->  1709251199
  ASSERT_TRUE(parse_rfc3339_ns("2024-02-29T23:59:59Z", ns));
  EXPECT_EQ(ns, 1709251199000000000);
  ASSERT_TRUE(parse_rfc3339_ns("2024-03-01T01:59:59.5+02:00", ns));
  EXPECT_EQ(ns, 1709251199500000000);
}

TEST(ParseTimes, Rfc3339RejectsMalformedTimes) {
  std::int64_t ns = 0;
  for (const char* text : {"", "2014-11-07", "2014-11-07T08:19:27", "2014-13-07T08:19:27Z",
                           "2023-02-29T00:00:00Z", "2014-11-07T24:00:00Z", "2014-11-07T08:19:27.Z",
                           "2014-11-07T08:19:27.0284591234Z", "2014-11-07T08:19:27+0100"}) {
    EXPECT_FALSE(parse_rfc3339_ns(text, ns)) << text;
  }
}

TEST(MillisToNs, FailsOnOverflow) {
  std::int64_t ns = 0;
  EXPECT_TRUE(millis_to_ns(1723161255342, ns));
  EXPECT_EQ(ns, 1723161255342000000);
  EXPECT_FALSE(millis_to_ns(10'000'000'000'000'000ULL, ns));
}

}  // namespace
}  // namespace tickcast::feeds

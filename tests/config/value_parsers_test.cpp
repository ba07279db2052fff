#include "config/value_parsers.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tickcast::config {
namespace {

using namespace std::chrono_literals;

TEST(ValueParsersTest, DurationsInEveryUnit) {
  EXPECT_EQ(*parse_duration("10ns").value, 10ns);
  EXPECT_EQ(*parse_duration("250us").value, 250us);
  EXPECT_EQ(*parse_duration("500ms").value, 500ms);
  EXPECT_EQ(*parse_duration("2s").value, 2s);
  EXPECT_EQ(*parse_duration("15m").value, 15min);
  EXPECT_EQ(*parse_duration("1h30m").value, 90min);
  EXPECT_EQ(*parse_duration("1d").value, 24h);
  EXPECT_EQ(*parse_duration("0s").value, 0s);
}

TEST(ValueParsersTest, DurationsThatAreNot) {
  for (const char* bad : {"", "s", "1", "1.5s", "-1s", "1 s", "1sec", "1mm", "99999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(ValueParsersTest, DurationFormatReadsBack) {
  for (std::chrono::nanoseconds value : std::vector<std::chrono::nanoseconds>{
           0ns, 1ns, 1500us, 2s, 90s, 61min, 25h, 3723004005006ns}) {
    std::string text = format_duration(value);
    auto parsed = parse_duration(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(*parsed.value, value) << text;
  }
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
}

TEST(ValueParsersTest, ByteSizes) {
  EXPECT_EQ(*parse_bytes("16384").value, 16384);
  EXPECT_EQ(*parse_bytes("16KiB").value, 16384);
  EXPECT_EQ(*parse_bytes("64MiB").value, 64 << 20);
  EXPECT_EQ(*parse_bytes("1GiB").value, 1 << 30);
  EXPECT_FALSE(parse_bytes("16KB"));
  EXPECT_FALSE(parse_bytes("lots"));
  EXPECT_EQ(format_bytes(65536), "64KiB");
  EXPECT_EQ(format_bytes(1000), "1000B");
}

TEST(ValueParsersTest, ListenAddresses) {
  auto v4 = parse_listen_address("127.0.0.1:9464");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4.value->host, "127.0.0.1");
  EXPECT_EQ(v4.value->port, 9464);
  auto v6 = parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6.value->host, "::1");
  EXPECT_EQ(v6.value->port, 0);
  for (const char* bad : {"127.0.0.1", "localhost:80", "::1:80", "[::1]80", "1.2.3.4:", "1.2.3.4:x",
                          "1.2.3.4:65536", "[nope]:1"}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace tickcast::config

// The JSON string escaper against simdjson's parser: whatever goes in must
// come back out of a real JSON parser byte for byte.
#include "feeds/json_text.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace tickcast::feeds {
namespace {

std::string parsed_back(const std::string& literal) {
  simdjson::dom::parser parser;
  std::string_view value;
  EXPECT_EQ(parser.parse(literal).get(value), simdjson::SUCCESS) << literal;
  return std::string(value);
}

TEST(JsonTextTest, EveryAsciiByteSurvivesARealParser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
  all += '\0';
  EXPECT_EQ(parsed_back(json_string(all)), all);
}

TEST(JsonTextTest, ControlCharactersUseShortOrUnicodeEscapes) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(json_string(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
}

TEST(JsonTextTest, Utf8PassesThroughUnchanged) {
  const std::string text = "비트코인 €";
  EXPECT_EQ(json_string(text), "\"" + text + "\"");
  EXPECT_EQ(parsed_back(json_string(text)), text);
}

TEST(JsonTextTest, AppendKeepsWhatIsAlreadyThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, R"({"k":"v")");
}

}  // namespace
}  // namespace tickcast::feeds

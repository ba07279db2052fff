// model/crc32 (slice-by-8) against zlib's crc32(), the external reference: the
// checkpoint format promises zlib's CRC-32 so Python's zlib.crc32 can verify it.
#include "model/crc32.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace tickcast::model {
namespace {

std::uint32_t zlib_crc(std::string_view bytes, std::uint32_t crc = 0) {
  return static_cast<std::uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string random_bytes(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

TEST(Crc32, MatchesZlibForEveryLengthAndAlignmentUpTo100Bytes) {
  std::mt19937 rng(7);
  const std::string buffer = random_bytes(200, rng);
  // Every start offset within a word and every length, so the 8-byte loop,
  // its tail and unaligned loads are all exercised.
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; length <= 100; ++length) {
      const std::string_view piece = std::string_view(buffer).substr(offset, length);
      ASSERT_EQ(crc32(piece), zlib_crc(piece)) << "offset " << offset << " length " << length;
    }
  }
}

TEST(Crc32, MatchesZlibOnACheckpointSizedBuffer) {
  std::mt19937 rng(11);
  const std::string big = random_bytes(300'000, rng);
  EXPECT_EQ(crc32(big), zlib_crc(big));
}

TEST(Crc32, ExtendingInPiecesEqualsZlibOverTheWhole) {
  std::mt19937 rng(13);
  const std::string all = random_bytes(4'099, rng);
  const std::string_view v(all);
  // Pieces of 3, 14, 983 and 3,099 bytes, each extending the previous result.
  const std::size_t cuts[] = {0, 3, 17, 1'000, all.size()};
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i + 1 < std::size(cuts); ++i) {
    crc = crc32(v.substr(cuts[i], cuts[i + 1] - cuts[i]), crc);
  }
  EXPECT_EQ(crc, zlib_crc(v));
  EXPECT_EQ(crc32(v.substr(100), crc32(v.substr(0, 100))),
            zlib_crc(v.substr(100), zlib_crc(v.substr(0, 100))));
}

TEST(Crc32, AllOnesAndAllZerosMatchZlib) {
  const std::string zeros(1'031, '\0');
  const std::string ones(1'031, '\xFF');
  EXPECT_EQ(crc32(zeros), zlib_crc(zeros));
  EXPECT_EQ(crc32(ones), zlib_crc(ones));
}

}  // namespace
}  // namespace tickcast::model

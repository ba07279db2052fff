#include "model/crc32.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace tickcast::model {
namespace {

// Slice-by-8 (Kounavis & Berry, "A Systematic Approach to Building High
// Performance Software-based CRC Generators", 2005). kTables[0] is the classic
// byte table: the CRC register after shifting in one byte. kTables[k][n] is
// kTables[0][n] carried k more zero bytes further, so the eight bytes of one
// 64-bit load are folded with eight independent lookups instead of a chain of
// eight dependent ones. A byte at a time was 56 % of checkpoint save/load
// (docs/performance.md).
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][n] = c;
  }
  for (std::uint32_t n = 0; n < 256; ++n) {
    for (std::size_t k = 1; k < 8; ++k) t[k][n] = t[0][t[k - 1][n] & 0xFFu] ^ (t[k - 1][n] >> 8);
  }
  return t;
}

constexpr Tables kTables = make_tables();

std::uint32_t update_bytes(std::uint32_t crc, const unsigned char* p, std::size_t n) {
  for (; n > 0; --n, ++p) crc = kTables[0][(crc ^ *p) & 0xFFu] ^ (crc >> 8);
  return crc;
}

// Eight bytes per iteration. The reflected CRC consumes the lowest byte
// first, which is the first byte in memory on a little-endian CPU, so one
// 64-bit load lines the bytes up with the tables.
std::uint32_t update_slices(std::uint32_t crc, const unsigned char* p, std::size_t n) {
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= crc;
    crc = kTables[7][word & 0xFFu] ^ kTables[6][(word >> 8) & 0xFFu] ^
          kTables[5][(word >> 16) & 0xFFu] ^ kTables[4][(word >> 24) & 0xFFu] ^
          kTables[3][(word >> 32) & 0xFFu] ^ kTables[2][(word >> 40) & 0xFFu] ^
          kTables[1][(word >> 48) & 0xFFu] ^ kTables[0][word >> 56];
  }
  return update_bytes(crc, p, n);
}

}  // namespace

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  crc = ~crc;
  if constexpr (std::endian::native == std::endian::little) {
    crc = update_slices(crc, p, bytes.size());
  } else {
    crc = update_bytes(crc, p, bytes.size());
  }
  return ~crc;
}

}  // namespace tickcast::model

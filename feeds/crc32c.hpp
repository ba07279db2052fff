// CRC-32C (Castagnoli), the checksum of the bar log, and LevelDB's masking.
//
// A CRC stored next to the data it covers is masked (rotated and offset), so
// that computing the CRC of a string that itself contains CRCs does not give
// a degenerate value (util/crc32c.h in LevelDB explains the same choice).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tickcast::feeds::crc32c {

// CRC-32C of data[0, n). value("123456789") == 0xE3069283.
[[nodiscard]] std::uint32_t value(const void* data, std::size_t n);

// CRC-32C of the concatenation of A and data[0, n), where init_crc is the
// CRC-32C of A.
[[nodiscard]] std::uint32_t extend(std::uint32_t init_crc, const void* data, std::size_t n);

constexpr std::uint32_t kMaskDelta = 0xa282ead8u;

[[nodiscard]] constexpr std::uint32_t mask(std::uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

[[nodiscard]] constexpr std::uint32_t unmask(std::uint32_t masked) {
  const std::uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace tickcast::feeds::crc32c

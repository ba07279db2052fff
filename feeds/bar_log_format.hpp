// The on-disk format of the bar log; docs/bar-log-format.md is the prose.
//
//   segment := file_header record*
//   file_header (16 bytes) := magic "TCBARLOG" (8) | version u32 (4) | masked crc32c u32 (4)
//                             (the CRC covers the 12 bytes before it)
//   record := masked crc32c u32 (4) | length u16 (2) | type u8 (1) | payload (length)
//             (the CRC covers length, type and payload)
//
// Every integer is little-endian; every double is its IEEE-754 binary64 bit
// pattern, little-endian. The first record of a segment is kSegmentInfo;
// every other one is kBar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feeds/market.hpp"

namespace tickcast::feeds::bar_log {

inline constexpr std::string_view kMagic = "TCBARLOG";
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::size_t kFileHeaderSize = 8 + 4 + 4;
inline constexpr std::size_t kRecordHeaderSize = 4 + 2 + 1;  // crc, length, type
inline constexpr std::size_t kMaxPayload = 0xffff;

enum RecordType : std::uint8_t {
  kZeroType = 0,  // never written; a zero-filled tail reads as this
  kSegmentInfo = 1,
  kBar = 2,
};

// The kBar payload of version 1 (fixed fields, 149 bytes). A reader accepts
// longer payloads and ignores the bytes after the fields it knows, so later
// versions can append fields.
inline constexpr std::size_t kBarPayloadSize = 3 * 8 + 9 * 8 + 6 * 8 + 4 + 1;
static_assert(kBarPayloadSize == 149);

struct SegmentInfo {
  std::string exchange;  // at most 255 bytes
  std::string symbol;    // at most 255 bytes
  std::int64_t created_unix_ns = 0;
};

// The file header for the current version.
[[nodiscard]] std::string encode_file_header();
// True when `header` (kFileHeaderSize bytes) is a valid header of a version
// this reader understands; `why` says what is wrong otherwise.
[[nodiscard]] bool check_file_header(std::string_view header, std::string& why);

// A complete record (header and payload) of `type`.
[[nodiscard]] std::string encode_record(RecordType type, std::string_view payload);

[[nodiscard]] std::string encode_segment_info(const SegmentInfo& info);
[[nodiscard]] std::optional<SegmentInfo> decode_segment_info(std::string_view payload);

// Every field of Bar except exchange and symbol (they live in SegmentInfo).
[[nodiscard]] std::string encode_bar(const Bar& bar);
// nullopt when the payload is too short or the status byte is unknown.
[[nodiscard]] std::optional<Bar> decode_bar(std::string_view payload);

}  // namespace tickcast::feeds::bar_log

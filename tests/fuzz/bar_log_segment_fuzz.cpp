// The bar-log segment reader on arbitrary file contents: a segment is read
// from disk, so the input is written to a per-process temp file first.
// The reader must never fail on bad data (only on I/O), and whatever it
// drops is accounted for.
//
// Each record carries a CRC-32C, which nearly every mutation breaks, so that
// the record decoders behind it would hardly ever run. Each input is
// therefore read twice: as it is, and with the file header's and every
// record's checksum made to fit (record lengths as the input has them).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/bar_log_format.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/crc32c.hpp"

namespace {

using namespace tickcast::feeds;

std::filesystem::path segment_path() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tickcast-fuzz-barlog-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / segment_file_name(1);
}

void put_masked_crc(std::string& bytes, std::size_t at, std::size_t from, std::size_t to) {
  const std::uint32_t masked = crc32c::mask(crc32c::value(bytes.data() + from, to - from));
  for (std::size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(masked >> (8 * i));
}

// `bytes` with every checksum rewritten to match (the format's layout:
// bar_log_format.hpp), walking the records by their length fields.
std::string with_fitting_checksums(std::string_view input) {
  std::string bytes(input);
  if (bytes.size() < bar_log::kFileHeaderSize) return bytes;
  put_masked_crc(bytes, bar_log::kFileHeaderSize - 4, 0, bar_log::kFileHeaderSize - 4);
  std::size_t pos = bar_log::kFileHeaderSize;
  while (pos + bar_log::kRecordHeaderSize <= bytes.size()) {
    const std::size_t length = static_cast<unsigned char>(bytes[pos + 4]) |
                               static_cast<std::size_t>(static_cast<unsigned char>(bytes[pos + 5]))
                                   << 8;
    const std::size_t end = pos + bar_log::kRecordHeaderSize + length;
    if (end > bytes.size()) break;
    put_masked_crc(bytes, pos, pos + 4, end);
    pos = end;
  }
  return bytes;
}

void read_and_check(std::string_view bytes) {
  static const std::filesystem::path path = segment_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) __builtin_trap();
  }
  const std::size_t size = bytes.size();
  std::vector<tickcast::Bar> bars;
  BarLogReadStats stats;
  std::uint64_t reported = 0;
  const IoStatus status = read_bar_log_segment(
      path,
      [&](const std::filesystem::path&, std::uint64_t offset, std::uint64_t dropped,
          std::string_view) {
        if (offset >= size || dropped == 0 || dropped > size - offset) __builtin_trap();
        ++reported;
      },
      bars, stats);
  if (!status.is_ok()) __builtin_trap();  // the file is readable: bad bytes are not I/O errors
  if (stats.bars != bars.size() || stats.corrupt_records != reported) __builtin_trap();
  if (stats.corrupt_bytes + stats.torn_tail_bytes > size) __builtin_trap();
  (void)latest_revisions(bars);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  read_and_check(bytes);
  read_and_check(with_fitting_checksums(bytes));
  return 0;
}

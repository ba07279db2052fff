// The bar-log segment reader on arbitrary file contents: a segment is read
// from disk, so the input is written to a per-process temp file first.
// The reader must never fail on bad data (only on I/O), and whatever it
// drops is accounted for.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"

namespace {

std::filesystem::path segment_path() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tickcast-fuzz-barlog-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / tickcast::feeds::segment_file_name(1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickcast::feeds;
  static const std::filesystem::path path = segment_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) __builtin_trap();
  }
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
  return 0;
}

// The recorded-frame line splitter, and the whole `tickcast decode` loop
// (decode_frame_lines) over input read as a file of lines, Binance dialect.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "feeds/frame_lines.hpp"
#include "tests/fuzz/fuzz_dialects.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickcast::feeds;
  static FrameDecoder decoder(tickcast::fuzz::make_fuzz_dialect(tickcast::fuzz::kFuzzDialects[0]),
                              64 * 1024);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // The frame is always a view into the line's own bytes.
  const FrameLine split = split_frame_line(text);
  if (!split.frame.empty() &&
      (split.frame.data() < text.data() ||
       split.frame.data() + split.frame.size() > text.data() + text.size())) {
    __builtin_trap();
  }

  std::istringstream in{std::string(text)};
  std::ostringstream csv;
  std::uint64_t last_line = 0;
  const FrameTally tally =
      decode_frame_lines(in, decoder, csv, [&](std::uint64_t line, const DecodeResult&) {
        if (line <= last_line) __builtin_trap();  // reported in order, once each
        last_line = line;
      });
  if (last_line > tally.lines) __builtin_trap();
  return 0;
}

// Every exchange dialect's frame decoder, and the replay exchange's side of
// the same protocol (answer() parses frames from untrusted clients). Input:
// one byte choosing the dialect (see fuzz_dialects.hpp), then the frame.
//
// Beyond "no crash, no sanitizer report" it checks the decoder's contract:
// only a kTrade frame appends trades, and the detail stays short.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "feeds/frame_decoder.hpp"
#include "tests/fuzz/fuzz_dialects.hpp"

namespace {

using tickcast::feeds::FrameDecoder;
using tickcast::feeds::FrameKind;

std::vector<std::unique_ptr<FrameDecoder>> make_decoders() {
  std::vector<std::unique_ptr<FrameDecoder>> out;
  // A small frame limit so that kTooLarge is reachable too.
  for (const auto& d : tickcast::fuzz::kFuzzDialects) {
    out.push_back(std::make_unique<FrameDecoder>(tickcast::fuzz::make_fuzz_dialect(d), 64 * 1024));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto decoders = make_decoders();
  if (size == 0) return 0;
  FrameDecoder& decoder = *decoders[data[0] % decoders.size()];
  const std::string_view frame(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<tickcast::Trade> trades;
  const auto result = decoder.decode_copy(frame, 1, trades);
  if (result.kind != FrameKind::kTrade && !trades.empty()) __builtin_trap();
  if (result.detail.size() > tickcast::feeds::DecodeResult::kMaxDetail) __builtin_trap();

  (void)decoder.dialect().answer(frame);
  (void)decoder.dialect().symbols_from_target(frame);
  return 0;
}

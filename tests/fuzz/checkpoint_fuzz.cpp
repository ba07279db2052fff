// The checkpoint decoder on arbitrary bytes. A checkpoint it accepts must be
// consistent enough to encode again and to decode back.
//
// The CRC-32 over the file would stop nearly every mutation at the framing,
// before the payload parser (shape, weights, scaler, the online state), so
// each input is decoded twice: as it is, for the framing, and with its length
// field and checksum made to fit, for the payload.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/checkpoint.hpp"
#include "model/crc32.hpp"

namespace {

using namespace tickcast::model;

// `bytes` with the header's payload length and the trailing CRC rewritten to
// match what is there (the encoder's little-endian layout).
std::string with_fitting_frame(std::string_view bytes) {
  std::string out(bytes);
  if (out.size() < kCheckpointHeaderSize + kCheckpointTrailerSize) return out;
  const std::uint64_t length = out.size() - kCheckpointHeaderSize - kCheckpointTrailerSize;
  std::memcpy(out.data() + kCheckpointHeaderSize - sizeof length, &length, sizeof length);
  const std::uint32_t crc = crc32(std::string_view(out).substr(0, out.size() - sizeof crc));
  std::memcpy(out.data() + out.size() - sizeof crc, &crc, sizeof crc);
  return out;
}

void decode_and_round_trip(std::string_view bytes) {
  Checkpoint checkpoint;
  if (!decode_checkpoint(bytes, checkpoint).ok()) return;
  const std::string again = encode_checkpoint(checkpoint);
  Checkpoint round_trip;
  if (!decode_checkpoint(again, round_trip).ok()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_and_round_trip(bytes);
  decode_and_round_trip(with_fitting_frame(bytes));
  return 0;
}

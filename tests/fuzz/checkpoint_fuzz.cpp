// The checkpoint decoder on arbitrary bytes. A checkpoint it accepts must be
// consistent enough to encode again and to decode back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickcast::model;
  Checkpoint checkpoint;
  const CheckpointStatus status =
      decode_checkpoint(std::string_view(reinterpret_cast<const char*>(data), size), checkpoint);
  if (!status.ok()) return 0;
  const std::string again = encode_checkpoint(checkpoint);
  Checkpoint round_trip;
  if (!decode_checkpoint(again, round_trip).ok()) __builtin_trap();
  return 0;
}

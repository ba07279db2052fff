// The byte layout of OnlineState inside a version-3 checkpoint payload
// (docs/model-format.md, "Online state"). Internal to checkpoint.cpp.
#pragma once

#include <cstddef>
#include <string>

#include "model/byte_io.hpp"
#include "model/online_state.hpp"

namespace tickcast::model {

void put_online_state(ByteWriter& out, const OnlineState& state);

// Why reading failed: the bytes ran out (malformed) or a value is out of its
// domain (bad value). `feature_count` is the checkpoint's F: the replay
// ring's rows must have that many features.
struct OnlineStateError {
  bool malformed = false;
  std::string message;  // "" on success
};
[[nodiscard]] OnlineStateError get_online_state(ByteReader& in, std::size_t feature_count,
                                                OnlineState& state);

}  // namespace tickcast::model

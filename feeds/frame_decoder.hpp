// One connection's decoding state: a dialect, one reused simdjson parser with
// a capped capacity, and a padded scratch buffer for frames that do not come
// with padding of their own.
//
// The parser is capped at the frame limit, so an oversized document fails
// with DecodeError::kTooLarge instead of growing memory for good (simdjson's
// "server loop" advice). Frames above the limit are refused before parsing.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/dialect.hpp"

namespace tickcast::feeds {

inline constexpr std::size_t kDefaultMaxFrameBytes = std::size_t{1} << 20;  // 1 MiB

class FrameDecoder {
 public:
  // REQUIRES: dialect != nullptr, max_frame_bytes > 0.
  explicit FrameDecoder(std::unique_ptr<Dialect> dialect,
                        std::size_t max_frame_bytes = kDefaultMaxFrameBytes);

  // Decodes a frame that already has SIMDJSON_PADDING readable bytes after
  // its end (e.g. a receive buffer with spare capacity): no copy.
  DecodeResult decode(simdjson::padded_string_view frame, std::int64_t receive_time_ns,
                      std::vector<Trade>& out);

  // Copies the frame into the scratch buffer first (for lines read from a
  // file); the scratch buffer never grows beyond the frame limit.
  DecodeResult decode_copy(std::string_view frame, std::int64_t receive_time_ns,
                           std::vector<Trade>& out);

  Dialect& dialect() { return *dialect_; }
  const Dialect& dialect() const { return *dialect_; }
  std::size_t max_frame_bytes() const { return max_frame_bytes_; }

 private:
  std::unique_ptr<Dialect> dialect_;
  std::size_t max_frame_bytes_;
  simdjson::ondemand::parser parser_;
  std::string scratch_;
};

}  // namespace tickcast::feeds

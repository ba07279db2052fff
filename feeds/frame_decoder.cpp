#include "feeds/frame_decoder.hpp"

#include <cstring>

namespace tickcast::feeds {

FrameDecoder::FrameDecoder(std::unique_ptr<Dialect> dialect, std::size_t max_frame_bytes)
    : dialect_(std::move(dialect)), max_frame_bytes_(max_frame_bytes), parser_(max_frame_bytes) {}

DecodeResult FrameDecoder::decode(simdjson::padded_string_view frame, std::int64_t receive_time_ns,
                                  std::vector<Trade>& out) {
  if (frame.length() > max_frame_bytes_) {
    return DecodeResult::invalid(DecodeError::kTooLarge, "frame above the limit");
  }
  return dialect_->decode(parser_, frame, receive_time_ns, out);
}

DecodeResult FrameDecoder::decode_copy(std::string_view frame, std::int64_t receive_time_ns,
                                       std::vector<Trade>& out) {
  if (frame.size() > max_frame_bytes_) {
    return DecodeResult::invalid(DecodeError::kTooLarge, "frame above the limit");
  }
  // resize() keeps the capacity, so after the first large frame this never
  // allocates again.
  scratch_.resize(frame.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(scratch_.data(), frame.data(), frame.size());
  std::memset(scratch_.data() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
  return dialect_->decode(
      parser_, simdjson::padded_string_view(scratch_.data(), frame.size(), scratch_.size()),
      receive_time_ns, out);
}

}  // namespace tickcast::feeds

// Test helpers: decode a frame with a named dialect and look at the result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "feeds/dialect.hpp"
#include "feeds/frame_decoder.hpp"

namespace tickcast::feeds::test {

struct Decoded {
  DecodeResult result;
  std::vector<Trade> trades;
};

inline FeedOptions options_for(std::string exchange, std::vector<std::string> symbols,
                               std::string url = {}, std::string channel = {}) {
  FeedOptions o;
  o.exchange = std::move(exchange);
  o.symbols = std::move(symbols);
  o.url = std::move(url);
  o.channel = std::move(channel);
  return o;
}

inline std::unique_ptr<FrameDecoder> decoder_for(const FeedOptions& options,
                                                 std::size_t max_frame = kDefaultMaxFrameBytes) {
  std::string error;
  auto dialect = make_dialect(options, error);
  if (!dialect) return nullptr;
  return std::make_unique<FrameDecoder>(std::move(dialect), max_frame);
}

inline Decoded decode(FrameDecoder& decoder, std::string_view frame, std::int64_t recv = 42) {
  Decoded d;
  d.result = decoder.decode_copy(frame, recv, d.trades);
  return d;
}

}  // namespace tickcast::feeds::test

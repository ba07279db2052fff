#include "daemon/stream_topic_pattern.hpp"

#include <algorithm>

namespace tickcast::daemon {

std::string topic_pattern_error(std::string_view pattern) {
  // kStatusTopic of stream_message.hpp (stream_hub.cpp asserts they agree);
  // spelled out so this unit needs nothing of the daemon.
  if (pattern == "status") return {};
  const std::string_view kind = pattern.substr(0, pattern.find(':'));
  const bool three_parts = std::count(pattern.begin(), pattern.end(), ':') == 2;
  if (three_parts && (kind == "bar" || kind == "forecast" || kind == "*")) return {};
  return "topic \"" + std::string(pattern) +
         "\" is not \"status\", \"bar:<exchange>:<symbol>\" or "
         "\"forecast:<exchange>:<symbol>\" (\"*\" may stand for any part)";
}

}  // namespace tickcast::daemon

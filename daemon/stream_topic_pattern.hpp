// The syntax of a topic pattern in a subscribe or unsubscribe request
// (docs/protocol.md, "Topics"): "status", or "bar:<exchange>:<symbol>" or
// "forecast:<exchange>:<symbol>" where any of the three parts may be "*".
//
// Only the syntax: whether a pattern names any configured topic is the
// hub's to say (unknown_topic). Pure, so the fuzz target checks it too.
#pragma once

#include <string>
#include <string_view>

namespace tickcast::daemon {

// Empty when `pattern` is well-formed; else the message of the bad_request
// answer, naming the pattern.
[[nodiscard]] std::string topic_pattern_error(std::string_view pattern);

}  // namespace tickcast::daemon

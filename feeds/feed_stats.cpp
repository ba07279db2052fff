#include "feeds/feed_stats.hpp"

namespace tickcast::feeds {

std::string_view to_string(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::kResolve:
      return "resolve";
    case DisconnectReason::kConnect:
      return "connect";
    case DisconnectReason::kTls:
      return "tls";
    case DisconnectReason::kHandshake:
      return "handshake";
    case DisconnectReason::kRead:
      return "read";
    case DisconnectReason::kWrite:
      return "write";
    case DisconnectReason::kRemoteClose:
      return "remote_close";
    case DisconnectReason::kStale:
      return "stale";
    case DisconnectReason::kServerRequest:
      return "server_request";
    case DisconnectReason::kRotation:
      return "rotation";
    case DisconnectReason::kStopped:
      return "stopped";
    case DisconnectReason::kRejected:
      return "rejected";
  }
  return "unknown";
}

void LatencyHistogram::observe_ns(std::int64_t ns) {
  if (ns < 0) ns = 0;  // clocks disagree; a negative latency says nothing
  const double seconds = static_cast<double>(ns) / 1e9;
  std::size_t i = 0;
  while (i < kBoundsSeconds.size() && seconds > kBoundsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

SymbolStats* FeedStats::find(std::string_view symbol) {
  const auto it = by_symbol.find(symbol);
  return it == by_symbol.end() ? nullptr : it->second;
}

const SymbolStats* FeedStats::find(std::string_view symbol) const {
  return const_cast<FeedStats*>(this)->find(symbol);
}

}  // namespace tickcast::feeds

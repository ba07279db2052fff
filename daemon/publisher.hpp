// Where a symbol's pipeline sends what it produces: closed and revised bars,
// forecasts and status changes. The subscriber websocket (/v1/stream)
// implements it; tests and commands without subscribers use NullPublisher.
//
// Calls come from the symbol's strand, one symbol at a time per strand but
// from many strands at once, so implementations must be thread-safe, and
// must return quickly: they are on the forecasting hot path and may never
// wait for a subscriber.
#pragma once

#include <cstdint>
#include <string>

#include "feeds/market.hpp"
#include "model/forecast.hpp"

namespace tickcast::daemon {

// A change of a symbol's condition worth telling subscribers about.
struct StatusEvent {
  std::string exchange;
  std::string symbol;
  // "feed_up", "feed_down", "warming_up", "model_swapped", "retrain_rejected",
  // "retrain_failed", "no_skill", "skill_restored".
  std::string kind;
  std::string message;  // one human-readable line
  std::uint64_t model_version = 0;
  std::int64_t time_ns = 0;  // local wall clock, ns since the epoch
};

class Publisher {
 public:
  virtual ~Publisher() = default;

  // A bar that just closed (bar.revision == 0) or a revision of a closed
  // bar by late trades (bar.revision > 0).
  virtual void publish_bar(const Bar& bar) = 0;
  virtual void publish_forecast(const model::Forecast& forecast) = 0;
  virtual void publish_status(const StatusEvent& event) = 0;
};

class NullPublisher final : public Publisher {
 public:
  void publish_bar(const Bar&) override {}
  void publish_forecast(const model::Forecast&) override {}
  void publish_status(const StatusEvent&) override {}
};

}  // namespace tickcast::daemon

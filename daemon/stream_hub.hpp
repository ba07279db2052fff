// The Publisher behind /v1/stream: keeps every topic's sequence number and
// latest message, and fans each published message out to the topic's
// subscribers.
//
// A message is serialized once; publishing costs one lookup under the hub's
// mutex plus, per subscriber of the topic, one pointer push into that
// subscriber's own queue (StreamSubscriber::deliver must not block). Nothing
// a subscriber does can make a publisher wait.
#pragma once

#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/publisher.hpp"
#include "daemon/stream_message.hpp"

namespace tickcast::daemon {

// Per-subscriber limits, from the [server] section; a session takes a copy
// when it starts.
struct StreamOptions {
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_ip = 100;
  std::size_t max_frame_bytes = 64 << 10;
  int max_messages_per_second = 20;
  std::size_t max_topics = 1000;
  std::size_t max_queue = 4096;
  std::chrono::nanoseconds slow_client_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(60);
};

// The receiving end of a subscription: a websocket session.
class StreamSubscriber {
 public:
  virtual ~StreamSubscriber() = default;
  // A live message of a subscribed topic. Called from publishing threads;
  // must only queue the message and return.
  virtual void deliver(const StreamMessagePtr& message) = 0;
};

// Why messages were not sent (tickcast_subscriber_dropped_total{reason}).
enum class DropReason : std::uint8_t { kConflated, kQueueFull, kClosed, kCount };

// Counters of the stream, read by the metrics collector.
struct StreamStats {
  // Fixed buckets of the two histograms.
  static constexpr std::array<double, 12> kQueueDepthBuckets = {0,  1,  2,   4,   8,    16,
                                                                32, 64, 128, 256, 1024, 4096};
  static constexpr std::array<double, 12> kFanoutBuckets = {1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5,
                                                            1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2,   1e-1};

  struct Histogram {
    std::array<std::atomic<std::uint64_t>, 13> counts{};  // last: +Inf
    std::atomic<std::uint64_t> count{0};
    std::atomic<double> sum{0};
  };

  std::atomic<std::int64_t> subscribers{0};
  std::atomic<std::uint64_t> messages{0};  // frames written to subscribers
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(DropReason::kCount)> dropped{};
  // Connections refused or closed, by reason (see collect_stream_stats).
  std::atomic<std::uint64_t> refused_unauthorized{0};
  std::atomic<std::uint64_t> refused_origin{0};
  std::atomic<std::uint64_t> refused_too_many{0};
  std::atomic<std::uint64_t> closed_slow{0};
  std::atomic<std::uint64_t> closed_frame_too_big{0};
  std::atomic<std::uint64_t> closed_flood{0};
  std::atomic<std::uint64_t> rate_limited{0};
  Histogram queue_depth;
  Histogram fanout_seconds;

  void drop(DropReason reason, std::uint64_t n = 1) {
    dropped[static_cast<std::size_t>(reason)].fetch_add(n, std::memory_order_relaxed);
  }
  static void observe(Histogram& h, const std::array<double, 12>& bounds, double value);
};

class StreamHub final : public Publisher {
 public:
  struct SymbolInfo {
    std::string exchange;
    std::string symbol;
    std::int64_t interval_ns = 0;
  };

  // `symbols` are the configured ones: their topics exist from the start,
  // so wildcards and "list" know them before their first message.
  explicit StreamHub(std::vector<SymbolInfo> symbols, StreamOptions options = {});
  ~StreamHub() override;

  // Publisher. Thread-safe, never blocks on a subscriber.
  void publish_bar(const Bar& bar) override;
  void publish_forecast(const model::Forecast& forecast) override;
  void publish_status(const StatusEvent& event) override;

  struct SubscribeResult {
    std::string error_code;  // "" on success, else "bad_request", "unknown_topic", "forbidden"
    std::string error_message;
    std::vector<std::string> topics;  // the concrete topics the patterns named
  };

  // Adds `patterns` ("bar:coinbase:*", "status", ...) to the subscriber's
  // topics. All or nothing: on error nothing changes. On success, while no
  // message can be published, calls on_subscribed(result, snapshots) with the
  // latest message of each newly subscribed topic (snapshot_text), so the
  // subscriber can queue them before any live message of those topics.
  // `held` is the number of topics the subscriber holds now; the call fails
  // with "forbidden" when held + new topics > max_topics.
  SubscribeResult subscribe(
      const std::shared_ptr<StreamSubscriber>& subscriber, const std::vector<std::string>& patterns,
      std::size_t held,
      const std::function<void(const SubscribeResult&, std::vector<std::string> snapshots)>&
          on_subscribed);

  // Removes the topics the patterns name; unknown ones are an error.
  SubscribeResult unsubscribe(const std::shared_ptr<StreamSubscriber>& subscriber,
                              const std::vector<std::string>& patterns);

  // Forgets the subscriber entirely (its session ended).
  void remove(const StreamSubscriber* subscriber);

  // The body of the "list" answer: "symbols":[{...},...].
  [[nodiscard]] std::string list_fields() const;

  // Connection slots. admit() returns "" and counts the connection, or why
  // not ("too many subscribers", "too many subscribers from <ip>").
  [[nodiscard]] std::string admit(const std::string& ip);
  void release(const std::string& ip);

  void set_options(const StreamOptions& options);
  [[nodiscard]] StreamOptions options() const;

  [[nodiscard]] StreamStats& stats() { return stats_; }
  [[nodiscard]] const StreamStats& stats() const { return stats_; }

 private:
  struct Topic;
  using SubscriberList = std::vector<std::shared_ptr<StreamSubscriber>>;

  void publish(const std::string& topic_name, std::string_view type, const std::string& fields);
  Topic& topic_locked(const std::string& name);
  // The concrete topics a pattern names, or an error code and message.
  std::string expand_locked(const std::string& pattern, std::vector<Topic*>& out,
                            std::string& message);

  mutable std::mutex mutex_;  // guards everything below
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  std::vector<SymbolInfo> symbols_;
  StreamOptions options_;
  std::map<std::string, std::size_t> connections_by_ip_;
  std::size_t connections_ = 0;

  StreamStats stats_;
};

// tickcast_subscriber* and tickcast_publish_fanout_seconds.
std::vector<prometheus::MetricFamily> collect_stream_stats(const StreamStats& stats);

}  // namespace tickcast::daemon

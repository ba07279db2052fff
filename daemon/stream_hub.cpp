#include "daemon/stream_hub.hpp"

#include <algorithm>
#include <limits>

#include "daemon/metric_family.hpp"
#include "daemon/stream_topic_pattern.hpp"

namespace tickcast::daemon {

struct StreamHub::Topic {
  explicit Topic(std::string topic_name) : name(std::move(topic_name)) {}
  const std::string name;
  std::uint64_t seq = 0;
  StreamMessagePtr latest;
  // Copy on write: a publisher takes the pointer under the mutex and
  // delivers outside it, while (un)subscribing swaps in a new list.
  std::shared_ptr<const SubscriberList> subscribers = std::make_shared<SubscriberList>();
};

// topic_pattern_error spells the status topic out.
static_assert(kStatusTopic == "status");

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool matches(std::string_view pattern_part, std::string_view part) {
  return pattern_part == "*" || pattern_part == part;
}

}  // namespace

void StreamStats::observe(Histogram& h, const std::array<double, 12>& bounds, double value) {
  std::size_t i = 0;
  while (i < bounds.size() && value > bounds[i]) ++i;
  h.counts[i].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  double sum = h.sum.load(std::memory_order_relaxed);
  while (!h.sum.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

StreamHub::StreamHub(std::vector<SymbolInfo> symbols, StreamOptions options)
    : symbols_(std::move(symbols)), options_(options) {
  topic_locked(std::string(kStatusTopic));
  for (const auto& s : symbols_) {
    topic_locked(bar_topic(s.exchange, s.symbol));
    topic_locked(forecast_topic(s.exchange, s.symbol));
  }
}

StreamHub::~StreamHub() = default;

StreamHub::Topic& StreamHub::topic_locked(const std::string& name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) it = topics_.emplace(name, std::make_unique<Topic>(name)).first;
  return *it->second;
}

void StreamHub::publish_bar(const Bar& bar) {
  publish(bar_topic(bar.exchange, bar.symbol), bar_type(bar), bar_fields(bar));
}

void StreamHub::publish_forecast(const model::Forecast& forecast) {
  publish(forecast_topic(forecast.exchange, forecast.symbol), "forecast",
          forecast_fields(forecast));
}

void StreamHub::publish_status(const StatusEvent& event) {
  publish(std::string(kStatusTopic), "status", status_fields(event));
}

void StreamHub::publish(const std::string& topic_name, std::string_view type,
                        const std::string& fields) {
  const auto start = std::chrono::steady_clock::now();
  StreamMessagePtr message;
  std::shared_ptr<const SubscriberList> subscribers;
  {
    std::lock_guard lock(mutex_);
    Topic& topic = topic_locked(topic_name);
    auto m = std::make_shared<StreamMessage>();
    m->topic_id = &topic;
    m->seq = ++topic.seq;
    m->text = frame_text(type, topic.name, m->seq, fields);
    message = std::move(m);
    topic.latest = message;
    subscribers = topic.subscribers;
  }
  for (const auto& subscriber : *subscribers) subscriber->deliver(message);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  StreamStats::observe(stats_.fanout_seconds, StreamStats::kFanoutBuckets, took.count());
}

std::string StreamHub::expand_locked(const std::string& pattern, std::vector<Topic*>& out,
                                     std::string& message) {
  message = topic_pattern_error(pattern);
  if (!message.empty()) return "bad_request";
  const auto parts = split(pattern, ':');
  const bool status = pattern == kStatusTopic;
  const std::size_t before = out.size();
  for (auto& [name, topic] : topics_) {
    if (status) {
      if (name == kStatusTopic) out.push_back(topic.get());
      continue;
    }
    const auto have = split(name, ':');
    if (have.size() == 3 && matches(parts[0], have[0]) && matches(parts[1], have[1]) &&
        matches(parts[2], have[2])) {
      out.push_back(topic.get());
    }
  }
  if (out.size() == before) {
    message = "no topic matches \"" + pattern + "\" (send {\"op\":\"list\"} for the symbols)";
    return "unknown_topic";
  }
  return {};
}

StreamHub::SubscribeResult StreamHub::subscribe(
    const std::shared_ptr<StreamSubscriber>& subscriber, const std::vector<std::string>& patterns,
    std::size_t held,
    const std::function<void(const SubscribeResult&, std::vector<std::string>)>& on_subscribed) {
  SubscribeResult result;
  std::lock_guard lock(mutex_);
  std::vector<Topic*> wanted;
  for (const auto& pattern : patterns) {
    result.error_code = expand_locked(pattern, wanted, result.error_message);
    if (!result.error_code.empty()) return result;
  }
  // By name, so acks and snapshots come in a stable order.
  std::sort(wanted.begin(), wanted.end(),
            [](const Topic* a, const Topic* b) { return a->name < b->name; });
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<Topic*> added;
  for (Topic* topic : wanted) {
    const auto& list = *topic->subscribers;
    if (std::find(list.begin(), list.end(), subscriber) == list.end()) added.push_back(topic);
  }
  if (held + added.size() > options_.max_topics) {
    result.error_code = "forbidden";
    result.error_message = "this would hold " + std::to_string(held + added.size()) +
                           " topics; server.stream_max_topics is " +
                           std::to_string(options_.max_topics);
    return result;
  }
  std::vector<std::string> snapshots;
  for (Topic* topic : added) {
    auto list = std::make_shared<SubscriberList>(*topic->subscribers);
    list->push_back(subscriber);
    topic->subscribers = std::move(list);
    result.topics.push_back(topic->name);
    if (topic->latest) snapshots.push_back(snapshot_text(topic->latest->text));
  }
  // Still under the mutex: no message of these topics can be delivered
  // before the snapshots are queued.
  on_subscribed(result, std::move(snapshots));
  return result;
}

StreamHub::SubscribeResult StreamHub::unsubscribe(
    const std::shared_ptr<StreamSubscriber>& subscriber, const std::vector<std::string>& patterns) {
  SubscribeResult result;
  std::lock_guard lock(mutex_);
  std::vector<Topic*> named;
  for (const auto& pattern : patterns) {
    result.error_code = expand_locked(pattern, named, result.error_message);
    if (!result.error_code.empty()) return result;
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  for (Topic* topic : named) {
    const auto& list = *topic->subscribers;
    if (std::find(list.begin(), list.end(), subscriber) == list.end()) continue;
    auto next = std::make_shared<SubscriberList>(list);
    std::erase(*next, subscriber);
    topic->subscribers = std::move(next);
    result.topics.push_back(topic->name);
  }
  return result;
}

void StreamHub::remove(const StreamSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    const auto& list = *topic->subscribers;
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const auto& s) { return s.get() == subscriber; });
    if (it == list.end()) continue;
    auto next = std::make_shared<SubscriberList>(list);
    next->erase(next->begin() + (it - list.begin()));
    topic->subscribers = std::move(next);
  }
}

std::string StreamHub::list_fields() const {
  std::lock_guard lock(mutex_);
  std::string out = "\"symbols\":[";
  bool first = true;
  for (const auto& s : symbols_) {
    if (!first) out += ',';
    first = false;
    out += "{\"exchange\":";
    append_json_string(out, s.exchange);
    out += ",\"symbol\":";
    append_json_string(out, s.symbol);
    out += ",\"interval_ns\":" + std::to_string(s.interval_ns) + ",\"topics\":[";
    append_json_string(out, bar_topic(s.exchange, s.symbol));
    out += ',';
    append_json_string(out, forecast_topic(s.exchange, s.symbol));
    out += "]}";
  }
  out += "],\"topics\":[";
  first = true;
  for (const auto& [name, topic] : topics_) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
  }
  out += ']';
  return out;
}

std::string StreamHub::admit(const std::string& ip) {
  std::lock_guard lock(mutex_);
  if (connections_ >= options_.max_connections) {
    return "too many subscribers (server.stream_max_connections)";
  }
  std::size_t& from_ip = connections_by_ip_[ip];
  if (from_ip >= options_.max_connections_per_ip) {
    if (from_ip == 0) connections_by_ip_.erase(ip);
    return "too many subscribers from " + ip + " (server.stream_max_connections_per_ip)";
  }
  ++from_ip;
  ++connections_;
  return {};
}

void StreamHub::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = connections_by_ip_.find(ip);
  if (it != connections_by_ip_.end() && --it->second == 0) connections_by_ip_.erase(it);
  if (connections_ > 0) --connections_;
}

void StreamHub::set_options(const StreamOptions& options) {
  std::lock_guard lock(mutex_);
  options_ = options;
}

StreamOptions StreamHub::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

namespace {

prometheus::MetricFamily histogram_family(std::string name, std::string help,
                                          const StreamStats::Histogram& h,
                                          const std::array<double, 12>& bounds) {
  auto family = make_family(std::move(name), std::move(help), prometheus::MetricType::Histogram);
  prometheus::ClientMetric metric;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += h.counts[i].load(std::memory_order_relaxed);
    metric.histogram.bucket.push_back({cumulative, bounds[i]});
  }
  cumulative += h.counts[bounds.size()].load(std::memory_order_relaxed);
  metric.histogram.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
  // The count is the +Inf bucket, so the exposition stays consistent even
  // while observations race with the scrape.
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = h.sum.load(std::memory_order_relaxed);
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

std::vector<prometheus::MetricFamily> collect_stream_stats(const StreamStats& stats) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;

  auto subscribers = make_family("tickcast_subscribers", "Websocket subscribers connected now.",
                                 MetricType::Gauge);
  add_sample(subscribers, static_cast<double>(stats.subscribers.load()));
  families.push_back(std::move(subscribers));

  auto messages = make_family("tickcast_subscriber_messages_total",
                              "Messages written to subscribers.", MetricType::Counter);
  add_sample(messages, static_cast<double>(stats.messages.load()));
  families.push_back(std::move(messages));

  auto dropped = make_family("tickcast_subscriber_dropped_total",
                             "Messages not sent to a subscriber: conflated (a newer message of "
                             "the topic replaced it), queue_full, or closed (the subscriber "
                             "was closed with it still queued).",
                             MetricType::Counter);
  static constexpr std::array<std::string_view, 3> kReasons = {"conflated", "queue_full", "closed"};
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    add_sample(dropped, static_cast<double>(stats.dropped[i].load()),
               {{"reason", std::string(kReasons[i])}});
  }
  families.push_back(std::move(dropped));

  auto refused = make_family("tickcast_subscriber_refused_total",
                             "Upgrades to /v1/stream refused, by reason.", MetricType::Counter);
  add_sample(refused, static_cast<double>(stats.refused_unauthorized.load()),
             {{"reason", "unauthorized"}});
  add_sample(refused, static_cast<double>(stats.refused_origin.load()), {{"reason", "origin"}});
  add_sample(refused, static_cast<double>(stats.refused_too_many.load()), {{"reason", "too_many"}});
  families.push_back(std::move(refused));

  auto closed = make_family("tickcast_subscriber_closed_total",
                            "Subscribers closed by the server for breaking a limit, by reason.",
                            MetricType::Counter);
  add_sample(closed, static_cast<double>(stats.closed_slow.load()), {{"reason", "slow"}});
  add_sample(closed, static_cast<double>(stats.closed_frame_too_big.load()),
             {{"reason", "frame_too_big"}});
  add_sample(closed, static_cast<double>(stats.closed_flood.load()), {{"reason", "flood"}});
  families.push_back(std::move(closed));

  auto limited = make_family("tickcast_subscriber_rate_limited_total",
                             "Subscriber requests answered rate_limited.", MetricType::Counter);
  add_sample(limited, static_cast<double>(stats.rate_limited.load()));
  families.push_back(std::move(limited));

  families.push_back(
      histogram_family("tickcast_subscriber_queue_depth",
                       "Messages already waiting in a subscriber's queue when another is queued.",
                       stats.queue_depth, StreamStats::kQueueDepthBuckets));
  families.push_back(histogram_family("tickcast_publish_fanout_seconds",
                                      "Time to publish one message: sequence it, build its frame "
                                      "once, queue it for every subscriber.",
                                      stats.fanout_seconds, StreamStats::kFanoutBuckets));
  return families;
}

}  // namespace tickcast::daemon

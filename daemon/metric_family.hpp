// Helpers for collectors that build prometheus-cpp metric families at
// scrape time from plain stats structs, so the hot path never touches a
// shared registry (the structs are read, not written, when /metrics is asked).
#pragma once

#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace tickcast::daemon {

using LabelPairs = std::initializer_list<std::pair<std::string, std::string>>;

inline prometheus::MetricFamily make_family(std::string name, std::string help,
                                            prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

// Appends one sample. Counters and gauges only; histograms are built by
// their owners.
inline void add_sample(prometheus::MetricFamily& family, double value, LabelPairs labels = {}) {
  prometheus::ClientMetric metric;
  for (const auto& [name, label_value] : labels) metric.label.push_back({name, label_value});
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace tickcast::daemon

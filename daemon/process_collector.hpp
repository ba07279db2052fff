// The standard process_* metrics every Prometheus client exports
// (process_cpu_seconds_total, process_resident_memory_bytes, ...), read from
// /proc/self at scrape time. prometheus-cpp does not ship one.
#pragma once

#include <prometheus/collectable.h>

namespace tickcast::daemon {

class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace tickcast::daemon

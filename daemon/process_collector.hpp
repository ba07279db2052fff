// The standard process_* metrics every Prometheus client exports
// (process_cpu_seconds_total, process_resident_memory_bytes, ...), read from
// /proc/self at scrape time. prometheus-cpp does not ship one. Beside them,
// tickcast_heap_in_use_bytes and tickcast_heap_free_bytes from glibc's
// mallinfo2(), to tell a leak from a fragmented heap when RSS grows.
#pragma once

#include <prometheus/collectable.h>

namespace tickcast::daemon {

class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace tickcast::daemon

// The daemon's metrics: one prometheus-cpp registry for families owned by the
// daemon, plus collectors that read plain stats structs at scrape time.
// Served as Prometheus text by the HTTP server's /metrics.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tickcast::daemon {

class Metrics {
 public:
  // Registers tickcast_build_info and the process_* metrics.
  Metrics();

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Adds a collector read at every scrape. Thread-safe.
  void add_collector(std::shared_ptr<prometheus::Collectable> collector);

  // Everything, in the Prometheus text exposition format. Thread-safe.
  [[nodiscard]] std::string scrape() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex collectors_mutex_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectors_;
};

}  // namespace tickcast::daemon

#include "daemon/metrics.hpp"

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "daemon/build_info.hpp"
#include "daemon/process_collector.hpp"

namespace tickcast::daemon {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("tickcast_build_info")
      .Help("Always 1; the labels say which build is running.")
      .Register(*registry_)
      .Add({{"version", std::string(build_version())}, {"commit", std::string(build_commit())}})
      .Set(1);
  add_collector(std::make_shared<ProcessCollector>());
}

void Metrics::add_collector(std::shared_ptr<prometheus::Collectable> collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::scrape() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  {
    std::lock_guard lock(collectors_mutex_);
    for (const auto& collector : collectors_) {
      auto more = collector->Collect();
      families.insert(families.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

}  // namespace tickcast::daemon

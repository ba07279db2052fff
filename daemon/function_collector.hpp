// A prometheus-cpp Collectable made from a function, for metrics computed
// from plain stats structs at scrape time.
#pragma once

#include <prometheus/collectable.h>

#include <functional>
#include <memory>
#include <vector>

namespace tickcast::daemon {

class FunctionCollector final : public prometheus::Collectable {
 public:
  using Collect_fn = std::function<std::vector<prometheus::MetricFamily>()>;
  explicit FunctionCollector(Collect_fn collect) : collect_(std::move(collect)) {}
  std::vector<prometheus::MetricFamily> Collect() const override { return collect_(); }

 private:
  Collect_fn collect_;
};

inline std::shared_ptr<prometheus::Collectable> make_collector(FunctionCollector::Collect_fn fn) {
  return std::make_shared<FunctionCollector>(std::move(fn));
}

}  // namespace tickcast::daemon

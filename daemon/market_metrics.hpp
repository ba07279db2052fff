// Prometheus families for the feeds, resamplers and bar logs, built at scrape
// time from their plain stats structs (the hot path never touches a registry).
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "daemon/market_data.hpp"

namespace tickcast::daemon {

std::vector<prometheus::MetricFamily> collect_market_metrics(const MarketData& market);

}  // namespace tickcast::daemon

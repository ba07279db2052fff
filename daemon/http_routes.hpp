// What the daemon's HTTP server answers: /metrics, /healthz, /readyz and the
// live page at /. 404 for other paths, 405 (with Allow) for other methods.
// (/v1/stream and the access checks are handled by HttpSession before this.)
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "daemon/http_server.hpp"
#include "daemon/metrics.hpp"
#include "daemon/readiness.hpp"

namespace tickcast::daemon {

// The handler reads `metrics` and `readiness` at request time; both must
// outlive the server.
HttpHandler make_http_routes(const Metrics& metrics, const Readiness& readiness);

// tickcast_http_* metrics from the server's counters.
std::vector<prometheus::MetricFamily> collect_http_stats(const HttpStats& stats);

}  // namespace tickcast::daemon

// Helpers shared by the online-forecasting daemon tests: reading /metrics.
#pragma once

#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"

namespace tickcast::test {

// Polls /metrics on `port` every 250 ms until `done` or `timeout`; returns
// the last body.
inline std::string wait_for_metrics(int port, const std::function<bool(const std::string&)>& done,
                                    std::chrono::seconds timeout) {
  std::string metrics;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = http_get(port, "/metrics").body;
    if (done(metrics)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return metrics;
}

inline std::string wait_for_metrics(RunningDaemon& daemon,
                                    const std::function<bool(const std::string&)>& done,
                                    std::chrono::seconds timeout) {
  return wait_for_metrics(daemon.port(), done, timeout);
}

}  // namespace tickcast::test

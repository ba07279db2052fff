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

namespace tickcast::test {

// Sum of every sample of `family` whose labels contain all of `labels`
// (e.g. {"status=\"ok\""}), or -1 if there is none.
inline double sum_samples(const std::string& metrics, const std::string& family,
                          const std::vector<std::string>& labels = {}) {
  double sum = 0;
  bool found = false;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(family + "{", 0) != 0 && line.rfind(family + " ", 0) != 0) continue;
    bool match = true;
    for (const std::string& label : labels) match = match && line.find(label) != std::string::npos;
    if (!match) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    found = true;
  }
  return found ? sum : -1;
}

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

// A real Prometheus server (Debian's `prometheus`) scrapes the daemon on
// loopback every second; `up` must turn 1 and the daemon's series must be
// queryable. This is the proof that /metrics works for the tool it is for.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using namespace std::chrono_literals;

// The value of a single-series instant query, or "" while there is none.
std::string query_value(int prometheus_port, const std::string& promql_urlencoded) {
  HttpReply reply = http_get(prometheus_port, "/api/v1/query?query=" + promql_urlencoded);
  if (reply.status != 200) return {};
  std::smatch match;
  if (!std::regex_search(reply.body, match, std::regex("\"value\":\\[[0-9.]+,\"([^\"]*)\"\\]"))) {
    return {};
  }
  return match[1];
}

TEST(PrometheusScrapeTest, RealPrometheusScrapesTheDaemonWithUpEqualOne) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/prometheus"))
      << "Debian's prometheus package is required: run scripts/install-deps.sh";
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();

  TempDir dir;
  const int prometheus_port = free_port();
  auto config = dir.write("prometheus.yml",
                          "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                          "scrape_configs:\n  - job_name: tickcast\n    static_configs:\n"
                          "      - targets: ['127.0.0.1:" +
                              std::to_string(daemon.port()) + "']\n");
  Process prometheus({"/usr/bin/prometheus", "--config.file=" + config.string(),
                      "--storage.tsdb.path=" + (dir.path() / "data").string(),
                      "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
                     dir.path() / "prometheus.log");

  std::string up;
  auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline) {
    up = query_value(prometheus_port, "up%7Bjob%3D%22tickcast%22%7D");
    if (up == "1") break;
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_EQ(up, "1") << "prometheus log:\n" << prometheus.output();

  // The scraped series are there with their values, not only `up`.
  EXPECT_EQ(query_value(prometheus_port, "tickcast_build_info"), "1");
  EXPECT_EQ(query_value(prometheus_port, "tickcast_ready"), "0");
  EXPECT_NE(query_value(prometheus_port, "process_resident_memory_bytes%7Bjob%3D%22tickcast%22%7D"),
            "");
  // Prometheus reports no samples it had to drop or mangle.
  EXPECT_EQ(query_value(prometheus_port,
                        "scrape_samples_post_metric_relabeling%7Bjob%3D%22tickcast%22%7D"),
            query_value(prometheus_port, "scrape_samples_scraped%7Bjob%3D%22tickcast%22%7D"));
}

}  // namespace
}  // namespace tickcast::test

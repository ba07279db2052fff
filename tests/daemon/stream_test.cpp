// /v1/stream against the real binary over real sockets, driven by an
// independent client: Debian's python3-websockets (stream_client.py). The
// daemon streams the built-in replay exchange (binance BTCUSDT, 1 s bars).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Runs one scenario of stream_client.py; returns its exit status and output.
CommandResult scenario(const std::string& name, int port, const std::string& extra = "") {
  return run_command(
      {"/bin/sh", "-c",
       "/usr/bin/python3 '" + (source_dir() / "tests/daemon/stream_client.py").string() + "' " +
           name + " --port " + std::to_string(port) + " " + extra + " 2>&1"},
      60s);
}

void expect_scenario(const std::string& name, int port, const std::string& extra = "") {
  CommandResult r = scenario(name, port, extra);
  EXPECT_EQ(r.status, 0) << name << ":\n" << r.output;
}

void stop(RunningDaemon& daemon) {
  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.process().output();
}

TEST(StreamTest, ProtocolSnapshotAndMetrics) {
  RunningDaemon daemon(replay_config(11));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  ASSERT_TRUE(daemon.process().wait_for_output("feed binance: connected", 10s))
      << daemon.process().output();

  expect_scenario("protocol", daemon.port());
  expect_scenario("snapshot", daemon.port());
  expect_scenario("not_upgrade", daemon.port());
  expect_scenario("origins", daemon.port());
  EXPECT_THAT(http_get(daemon.port(), "/").body, HasSubstr("/v1/stream"));

  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  for (const char* name : {"tickcast_subscribers ", "tickcast_subscriber_messages_total ",
                           "tickcast_subscriber_dropped_total{reason=\"conflated\"} ",
                           "tickcast_subscriber_queue_depth_bucket{le=\"+Inf\"} ",
                           "tickcast_publish_fanout_seconds_count ",
                           "tickcast_subscriber_refused_total{reason=\"origin\"} 1"}) {
    EXPECT_THAT(metrics, HasSubstr(name));
  }
  // The scenarios above were written at least a dozen messages.
  std::size_t at = metrics.find("\ntickcast_subscriber_messages_total ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stod(metrics.substr(at + 36)), 12);
  auto scraped = daemon.dir().write("scrape.txt", metrics);
  CommandResult check =
      run_command({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + scraped.string()});
  EXPECT_EQ(check.status, 0) << check.output;
  stop(daemon);
}

TEST(StreamTest, LimitsAnswerOrClose) {
  RunningDaemon daemon(
      replay_config(11,
                    "stream_max_topics = 1\nstream_max_messages_per_second = 5\n"
                    "stream_max_frame_bytes = \"1KiB\"\nstream_max_connections_per_ip = 2\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  expect_scenario("max_topics", daemon.port());
  expect_scenario("rate_limit", daemon.port());
  expect_scenario("frame_too_big", daemon.port());
  expect_scenario("per_ip_limit", daemon.port());
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("tickcast_subscriber_closed_total{reason=\"flood\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("tickcast_subscriber_closed_total{reason=\"frame_too_big\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("tickcast_subscriber_refused_total{reason=\"too_many\"} 1"));
  stop(daemon);
}

TEST(StreamTest, TokensAreRequiredAndReloadedOnSighup) {
  TempDir tokens_dir;
  const auto tokens =
      tokens_dir.write("tokens", "# subscribers\nalpha-token-1\n\n  beta-token-2  \n");
  RunningDaemon daemon(replay_config(
      11, "auth_tokens_file = \"" + tokens.string() + "\"\nprotect_metrics = true\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();

  expect_scenario("auth_required", daemon.port(), "--token alpha-token-1");
  expect_scenario("auth_accepted", daemon.port(), "--token beta-token-2");
  expect_scenario("auth_refused", daemon.port(), "--token '# subscribers'");
  // The token never reaches the log.
  EXPECT_THAT(daemon.process().output(), HasSubstr("401 on /v1/stream"));
  EXPECT_THAT(daemon.process().output(), ::testing::Not(HasSubstr("wrong-alpha")));

  EXPECT_EQ(http_get(daemon.port(), "/metrics").status, 401);
  EXPECT_EQ(http_request(daemon.port(), "GET", "/metrics", "Authorization: Bearer beta-token-2\r\n")
                .status,
            200);
  EXPECT_EQ(http_get(daemon.port(), "/metrics?token=alpha-token-1").status, 200);
  EXPECT_EQ(http_get(daemon.port(), "/healthz").status, 200);

  // SIGHUP re-reads the file: alpha is gone, gamma is new.
  { std::ofstream(tokens) << "gamma-token-3\n"; }
  daemon.process().signal(SIGHUP);
  ASSERT_TRUE(daemon.process().wait_for_output("reload:", 10s)) << daemon.process().output();
  std::this_thread::sleep_for(200ms);
  expect_scenario("auth_refused", daemon.port(), "--token alpha-token-1");
  expect_scenario("auth_accepted", daemon.port(), "--token gamma-token-3");
  stop(daemon);
}

TEST(StreamTest, AllowedOriginsReplaceTheSameOriginRule) {
  RunningDaemon daemon(replay_config(11, "allowed_origins = [\"https://good.example\"]\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  expect_scenario("allowed_origin", daemon.port());
  stop(daemon);
}

TEST(StreamTest, TlsOnTheSamePort) {
  TempDir certs;
  const auto cert = certs.path() / "cert.pem";
  const auto key = certs.path() / "key.pem";
  CommandResult made = run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                    key.string(), "-out", cert.string(), "-days", "1", "-subj",
                                    "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.status, 0) << made.output;
  RunningDaemon daemon(replay_config(
      11, "tls_cert = \"" + cert.string() + "\"\ntls_key = \"" + key.string() + "\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  expect_scenario("tls", daemon.port(), "--tls-ca " + cert.string());
  stop(daemon);
}

TEST(StreamTest, TlsKeyWithoutCertificateStopsTheStart) {
  RunningDaemon daemon(replay_config(11, "tls_key = \"/nonexistent/key.pem\"\n"));
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_NE(*status, 0);
  EXPECT_THAT(daemon.process().output(),
              HasSubstr("server.tls_cert and server.tls_key go together"));
}

TEST(StreamTest, UnreadableTokensFileStopsTheStart) {
  RunningDaemon daemon(replay_config(11, "auth_tokens_file = \"/nonexistent/tokens\"\n"));
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_NE(*status, 0);
  EXPECT_THAT(daemon.process().output(),
              HasSubstr("cannot read server.auth_tokens_file /nonexistent/tokens"));
}

}  // namespace
}  // namespace tickcast::test

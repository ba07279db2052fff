// Process faults against the real daemon (docs/reliability.md): SIGTERM
// while it is busy, and kill -9 at random moments while it checkpoints
// every bar. (kill_loop_test.cpp kills a writer a few hundred times; SIGHUP
// with a broken config is tests/daemon/lifecycle_test.cpp.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <random>
#include <regex>
#include <thread>

#include "feeds/bar_log_reader.hpp"
#include "model/checkpoint.hpp"
#include "tests/faults/fault_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The newest bar in the log (revisions included) and how many corruptions
// reading it reported.
std::pair<std::uint64_t, int> newest_logged_bar(const fs::path& dir) {
  std::vector<Bar> bars;
  feeds::BarLogReadStats stats;
  int reports = 0;
  EXPECT_TRUE(
      feeds::read_bar_log(
          dir, [&](const fs::path&, std::uint64_t, std::uint64_t, std::string_view) { ++reports; },
          bars, stats)
          .is_ok());
  std::uint64_t newest = 0;
  for (const Bar& bar : bars) newest = std::max(newest, bar.sequence);
  return {newest, reports};
}

TEST(ProcessFaultTest, SigtermUnderLoadStopsCleanlyWithTheLastBarCheckpointed) {
  TempDir dir;
  auto started = start_with_a_model(dir, /*preload=*/false);
  FaultDaemon& daemon = *started;
  ASSERT_TRUE(daemon.started());

  // Load: four clients scraping and probing as fast as they can while the
  // feed streams and bars close.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      while (!stop.load()) {
        const HttpReply reply = http_get(daemon.port(), i % 2 == 0 ? "/metrics" : "/healthz");
        if (reply.status == 200) answered.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  const auto signalled = std::chrono::steady_clock::now();
  daemon.process().signal(SIGTERM);
  const auto status = daemon.process().wait_exit(15s);
  stop = true;
  for (auto& client : clients) client.join();
  ASSERT_TRUE(status) << daemon.output();
  EXPECT_EQ(*status, 0) << daemon.output();
  // Within daemon.shutdown_timeout (5 s) and then some.
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 7s);
  EXPECT_GT(answered.load(), 20);
  EXPECT_THAT(daemon.output(), HasSubstr("SIGTERM: shutting down"));
  EXPECT_THAT(daemon.output(), Not(HasSubstr("shutdown timeout")));

  // Nothing lost: live.model holds the state after the newest logged bar.
  const auto [newest, reports] = newest_logged_bar(daemon.bar_log_dir());
  EXPECT_EQ(reports, 0);
  model::Checkpoint checkpoint;
  const auto loaded = model::load_checkpoint(daemon.models_dir() / "live.model", checkpoint);
  ASSERT_TRUE(loaded.ok()) << loaded.message;
  EXPECT_EQ(checkpoint.last_bar_sequence, newest);

  // And a restart takes it from there without catching up on anything.
  daemon.restart();
  ASSERT_TRUE(daemon.started()) << daemon.output();
  EXPECT_THAT(daemon.output(), HasSubstr("restored from live.model (state after bar " +
                                         std::to_string(newest) + "), caught up on 0 logged bars"));
  EXPECT_EQ(http_get(daemon.port(), "/readyz").status, 200);
}

TEST(ProcessFaultTest, KillNineWhileCheckpointingEveryBarAlwaysRestarts) {
  TempDir dir;
  auto started = start_with_a_model(dir, /*preload=*/false);
  FaultDaemon& daemon = *started;
  ASSERT_TRUE(daemon.started());
  std::mt19937 random(77);
  constexpr int kKills = 6;
  for (int kill = 0; kill < kKills; ++kill) {
    // Somewhere within a few bars (a checkpoint and a bar-log append each).
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + random() % 2200));
    daemon.process().signal(SIGKILL);
    ASSERT_TRUE(daemon.process().wait_exit(5s));
    const auto [newest, reports] = newest_logged_bar(daemon.bar_log_dir());
    EXPECT_EQ(reports, 0) << "bar log corrupt after kill " << kill;

    daemon.restart();
    ASSERT_TRUE(daemon.started()) << daemon.output();
    const std::string log = daemon.output();
    // The live checkpoint always loads: old or new, never torn.
    EXPECT_THAT(log, HasSubstr("restored from live.model")) << "after kill " << kill;
    EXPECT_THAT(log, Not(HasSubstr("unusable checkpoint"))) << "after kill " << kill;
    const std::string metrics = daemon.metrics();
    EXPECT_EQ(sum_samples(metrics, "tickcast_checkpoints_corrupt_total"), 0);
    EXPECT_EQ(sum_samples(metrics, "tickcast_bar_log_dropped_bytes_total", {"reason=\"corrupt\""}),
              0);
    EXPECT_EQ(http_get(daemon.port(), "/readyz").status, 200) << log;
    // The series continues after the newest bar that survived the kill.
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("state after bar ([0-9]+)")));
    EXPECT_LE(std::stoull(match[1]), newest);
  }
  daemon.process().signal(SIGTERM);
  EXPECT_TRUE(daemon.process().wait_exit(15s));
}

}  // namespace
}  // namespace tickcast::test

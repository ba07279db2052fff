// GET / in a real browser against the real binary: the daemon streams the
// built-in replay exchange (binance BTCUSDT, 1 s bars) and
// live_page_browser.js (headless chromium through playwright-core) checks
// that the page draws its uPlot chart and keeps it and its numbers updating,
// with no console errors and nothing fetched from outside the daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Runs live_page_browser.js on `page_url`; its output is in the result.
CommandResult open_in_browser(const std::string& page_url, const TempDir& out) {
  return run_command({"/usr/bin/env", std::string("NODE_PATH=") + TICKCAST_NODE_MODULES,
                      TICKCAST_NODE, (source_dir() / "tests/daemon/live_page_browser.js").string(),
                      page_url, "binance:BTCUSDT", out.path().string()},
                     90s);
}

void stop(RunningDaemon& daemon) {
  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.process().output();
}

// The screenshot stays in the build tree for a human to look at.
void keep_screenshot(const TempDir& out, const std::string& name) {
  const auto shot = out.path() / "live_page.png";
  ASSERT_TRUE(std::filesystem::exists(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 10'000u);
  std::filesystem::copy_file(shot, build_dir() / name,
                             std::filesystem::copy_options::overwrite_existing);
}

TEST(LivePageTest, ChartAppearsAndUpdatesInChromium) {
  RunningDaemon daemon(replay_config(5));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  // One self-contained document: uPlot inlined, nothing to fetch.
  const HttpReply page = http_get(daemon.port(), "/");
  EXPECT_THAT(page.body, HasSubstr("uPlot"));
  EXPECT_THAT(page.body, ::testing::Not(HasSubstr("<script src")));

  TempDir out;
  CommandResult browser =
      open_in_browser("http://127.0.0.1:" + std::to_string(daemon.port()) + "/", out);
  EXPECT_EQ(browser.status, 0) << browser.output;
  keep_screenshot(out, "live_page.png");
  stop(daemon);
}

TEST(LivePageTest, TokenInThePageAddressReachesTheStream) {
  TempDir tokens_dir;
  const auto tokens = tokens_dir.write("tokens", "page-token-7\n");
  RunningDaemon daemon(replay_config(5, "auth_tokens_file = \"" + tokens.string() + "\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  TempDir out;
  CommandResult browser = open_in_browser(
      "http://127.0.0.1:" + std::to_string(daemon.port()) + "/?token=page-token-7", out);
  EXPECT_EQ(browser.status, 0) << browser.output;
  // The stream was refused nowhere: the page's only subscriber got in.
  EXPECT_THAT(daemon.process().output(), ::testing::Not(HasSubstr("401 on /v1/stream")));
  stop(daemon);
}

}  // namespace
}  // namespace tickcast::test

// Starting, reloading and stopping the real daemon: clear one-line errors on
// every start failure, graceful SIGTERM, SIGHUP with good and bad files, and
// the sd_notify conversation a systemd Type=notify service must hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

TEST(LifecycleTest, SigtermStopsGracefullyWithExitZero) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  auto start = std::chrono::steady_clock::now();
  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait_exit(5s);
  ASSERT_TRUE(status) << "still running 5 s after SIGTERM";
  EXPECT_EQ(*status, 0) << daemon.process().output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(daemon.process().output(), HasSubstr("SIGTERM: shutting down"));
  EXPECT_THAT(daemon.process().output(), HasSubstr("stopped"));
}

TEST(LifecycleTest, SigtermWithAnIdleKeepAliveConnectionStillStopsPromptly) {
  RunningDaemon daemon(with_server_keys("idle_timeout = \"1h\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  // A client that connected and never asked anything must not hold up the stop.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(daemon.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  std::this_thread::sleep_for(100ms);
  daemon.process().signal(SIGINT);
  auto status = daemon.process().wait_exit(2s);
  ::close(fd);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0);
}

TEST(LifecycleTest, InvalidConfigRefusesToStartWithKeyAndLine) {
  TempDir dir;
  auto config = dir.write(
      "bad.toml", "[daemon]\nstate_dir = \"" + dir.path().string() + "\"\n[model]\nhidden = 0\n");
  CommandResult result = run_command({tickcast_binary(), "run", "--config", config});
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.output, HasSubstr("config error: model.hidden at line 4: must be between 1 "
                                       "and 1024, got 0"));
  EXPECT_THAT(result.output, HasSubstr("refusing to start"));
}

TEST(LifecycleTest, PortInUseIsAOneLineErrorAndNonZeroExit) {
  RunningDaemon first;
  ASSERT_TRUE(first.started());
  TempDir dir;
  auto config = dir.write(
      "t.toml", "[daemon]\nstate_dir = \"" + (dir.path() / "s").string() +
                    "\"\n[server]\nlisten = \"127.0.0.1:" + std::to_string(first.port()) + "\"\n");
  CommandResult result = run_command({tickcast_binary(), "run", "--config", config});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("cannot listen on 127.0.0.1:" +
                                       std::to_string(first.port()) + ": Address already in use"));
}

TEST(LifecycleTest, UnwritableStateDirIsAOneLineErrorAndNonZeroExit) {
  TempDir dir;
  auto blocker = dir.write("a-file", "not a directory");
  auto config = dir.write("t.toml", "[daemon]\nstate_dir = \"" + (blocker / "state").string() +
                                        "\"\n[server]\nlisten = \"127.0.0.1:0\"\n");
  CommandResult result = run_command({tickcast_binary(), "run", "--config", config});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("state dir " + (blocker / "state").string() +
                                       " cannot be created: Not a directory"));
}

TEST(LifecycleTest, TwoDaemonsCannotShareAStateDir) {
  RunningDaemon first;
  ASSERT_TRUE(first.started());
  TempDir dir;
  auto config =
      dir.write("t.toml", "[daemon]\nstate_dir = \"" + (first.dir().path() / "state").string() +
                              "\"\n[server]\nlisten = \"127.0.0.1:0\"\n");
  CommandResult result = run_command({tickcast_binary(), "run", "--config", config});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("is in use by another tickcast process"));
}

TEST(LifecycleTest, SighupAppliesLiveKeysAndReportsRestartKeys) {
  DaemonConfig config;
  RunningDaemon daemon(config);
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  // Change a live key (log level), a live server limit and a restart-only key.
  config.daemon_keys = "log_level = \"debug\"\nnetwork_threads = 2\n";
  config.server_keys = "max_connections = 7\n";
  std::ofstream(daemon.config_path()) << RunningDaemon::render(daemon.dir(), config);
  daemon.process().signal(SIGHUP);
  ASSERT_TRUE(daemon.process().wait_for_output(
      "reload: daemon.network_threads changed but needs a restart", 5s))
      << daemon.process().output();
  const std::string log = daemon.process().output();
  EXPECT_THAT(log, HasSubstr("reload: daemon.log_level applied"));
  EXPECT_THAT(log, HasSubstr("reload: server.max_connections applied"));
  std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("tickcast_config_reloads_total{result=\"applied\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("tickcast_config_last_reload_successful 1"));
}

TEST(LifecycleTest, SighupWithABrokenFileKeepsTheRunningConfig) {
  DaemonConfig config = with_server_keys("max_connections = 3\n");
  RunningDaemon daemon(config);
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  std::ofstream(daemon.config_path()) << "[server]\nmax_connections = -1\n";
  daemon.process().signal(SIGHUP);
  ASSERT_TRUE(daemon.process().wait_for_output("reload rejected", 5s)) << daemon.process().output();
  EXPECT_THAT(daemon.process().output(),
              HasSubstr("config error: server.max_connections at line 2: must be between 1 and "
                        "100000, got -1"));
  std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("tickcast_config_reloads_total{result=\"rejected\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("tickcast_config_last_reload_successful 0"));

  // Still serving with the old config; a fixed file then reloads fine.
  std::ofstream(daemon.config_path()) << RunningDaemon::render(daemon.dir(), config);
  daemon.process().signal(SIGHUP);
  ASSERT_TRUE(daemon.process().wait_for_output("reload: no changes", 5s))
      << daemon.process().output();
  EXPECT_THAT(http_get(daemon.port(), "/metrics").body,
              HasSubstr("tickcast_config_last_reload_successful 1"));
}

// A stand-in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    timeval timeout{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { ::close(fd_); }

  // Every datagram received within `window`, concatenated.
  std::string receive_for(std::chrono::milliseconds window) {
    std::string all;
    auto end = std::chrono::steady_clock::now() + window;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < end) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) all.append(buffer, static_cast<std::size_t>(n)).append("\n");
    }
    return all;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

TEST(LifecycleTest, TalksToSystemdReadyWatchdogAndStopping) {
  TempDir socket_dir;
  NotifySocket notify(socket_dir.path() / "notify");
  RunningDaemon daemon({}, {{"NOTIFY_SOCKET", (socket_dir.path() / "notify").string()},
                            {"WATCHDOG_USEC", "200000"}});
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  std::string messages = notify.receive_for(1000ms);
  EXPECT_THAT(messages, HasSubstr("READY=1\nSTATUS=serving on 127.0.0.1:"));
  // At half of 200 ms, about ten pings a second; the loop drives them.
  std::size_t pings = 0;
  for (std::size_t at = messages.find("WATCHDOG=1"); at != std::string::npos;
       at = messages.find("WATCHDOG=1", at + 1)) {
    ++pings;
  }
  EXPECT_GE(pings, 5u) << messages;
  EXPECT_LE(pings, 15u) << messages;

  daemon.process().signal(SIGTERM);
  ASSERT_TRUE(daemon.process().wait_exit(5s));
  EXPECT_THAT(notify.receive_for(300ms), HasSubstr("STOPPING=1"));
}

TEST(LifecycleTest, NoWatchdogPingsWithoutWatchdogUsec) {
  TempDir socket_dir;
  NotifySocket notify(socket_dir.path() / "notify");
  RunningDaemon daemon({}, {{"NOTIFY_SOCKET", (socket_dir.path() / "notify").string()}});
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  std::string messages = notify.receive_for(500ms);
  EXPECT_THAT(messages, HasSubstr("READY=1"));
  EXPECT_THAT(messages, Not(HasSubstr("WATCHDOG=1")));
}

}  // namespace
}  // namespace tickcast::test

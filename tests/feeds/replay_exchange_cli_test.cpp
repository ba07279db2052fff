// `tickcast replay-exchange` as a process: it announces its port, serves the
// synthetic stream to a FeedClient, and takes fault commands on stdin.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "feeds/feed_client.hpp"
#include "tests/support/paths.hpp"

namespace tickcast::feeds {
namespace {

using namespace std::chrono_literals;

// The child process with a pipe to its stdin and one from its stdout.
struct Child {
  pid_t pid = -1;
  FILE* to = nullptr;
  FILE* from = nullptr;
  ~Child() {
    if (to) fclose(to);
    if (pid > 0) {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
    if (from) fclose(from);
  }
};

bool spawn(Child& child, const std::vector<std::string>& argv) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return false;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  child.to = fdopen(in[1], "w");
  child.from = fdopen(out[0], "r");
  return child.pid > 0;
}

TEST(ReplayExchangeCli, AnnouncesItsPortServesTradesAndTakesFaultCommands) {
  Child child;
  ASSERT_TRUE(spawn(child, {tickcast::test::tickcast_binary().string(), "replay-exchange",
                            "--dialect", "okx", "--listen", "127.0.0.1:0", "--speed", "4"}));
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, child.from), nullptr);
  const std::string announced(line);
  ASSERT_EQ(announced.rfind("listening on ws://127.0.0.1:", 0), 0u) << announced;
  const std::string url = "ws" + announced.substr(announced.find("://"));

  boost::asio::io_context ioc;
  FeedOptions o;
  o.exchange = "okx";
  o.symbols = {"BTC-USDT"};
  o.url = url.substr(0, url.size() - 1) + "/";  // drop the newline
  FeedCallbacks callbacks;
  std::string error;
  auto client = FeedClient::create(ioc, o, callbacks, error);
  ASSERT_TRUE(client) << error;
  client->start();
  std::thread runner([&] { ioc.run_for(6s); });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (client->stats().symbols[0].trades_total < 10 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(client->stats().symbols[0].trades_total, 10u);
  fputs("garbage\n", child.to);
  fflush(child.to);
  while (client->stats().errors_of(DecodeError::kNotJson) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(client->stats().errors_of(DecodeError::kNotJson), 1u);
  EXPECT_EQ(client->stats().connects_total, 1u);
  client->stop();
  runner.join();
}

}  // namespace
}  // namespace tickcast::feeds

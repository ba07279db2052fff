// open_bar_logs: every log opened, each by its own writer, in order; one that
// cannot be opened fails the whole call and is named.
#include "daemon/bar_log_opener.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"

namespace tickcast::daemon {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kNow = 1'723'161'240'000'000'000;  // a wall time in 2024

class BarLogOpenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tickcast_bar_log_opener_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<BarLogToOpen> symbols(int count) {
    std::vector<BarLogToOpen> logs;
    for (int i = 0; i < count; ++i) logs.push_back({"binance", "SYM" + std::to_string(i)});
    return logs;
  }

  fs::path dir_;
};

TEST_F(BarLogOpenerTest, OpensEveryLogInOrderOnSeveralThreads) {
  const auto logs = symbols(40);
  std::vector<std::unique_ptr<feeds::BarLogWriter>> writers;
  std::string error;
  ASSERT_TRUE(open_bar_logs(dir_, logs, {}, kNow, 8, writers, error)) << error;
  ASSERT_EQ(writers.size(), logs.size());
  for (std::size_t i = 0; i < logs.size(); ++i) {
    ASSERT_TRUE(writers[i]);
    const fs::path expected = feeds::bar_log_dir(dir_, "binance", logs[i].symbol);
    EXPECT_EQ(writers[i]->segment_path().parent_path(), expected) << i;
    EXPECT_TRUE(fs::exists(writers[i]->segment_path())) << i;
    EXPECT_EQ(feeds::list_bar_log_segments(expected).size(), 1u) << i;
  }
}

TEST_F(BarLogOpenerTest, NamesTheFirstLogThatCannotBeOpened) {
  const auto logs = symbols(6);
  // A file where SYM3's directory should be: create_directories fails.
  const fs::path blocked = feeds::bar_log_dir(dir_, "binance", "SYM3");
  fs::create_directories(blocked.parent_path());
  std::ofstream(blocked) << "not a directory";
  std::vector<std::unique_ptr<feeds::BarLogWriter>> writers;
  std::string error;
  EXPECT_FALSE(open_bar_logs(dir_, logs, {}, kNow, 4, writers, error));
  EXPECT_TRUE(writers.empty());
  EXPECT_EQ(error.rfind("binance:SYM3: opening the bar log: ", 0), 0u) << error;
}

TEST_F(BarLogOpenerTest, NoLogsIsNoWork) {
  std::vector<std::unique_ptr<feeds::BarLogWriter>> writers;
  std::string error;
  EXPECT_TRUE(open_bar_logs(dir_, {}, {}, kNow, 16, writers, error));
  EXPECT_TRUE(writers.empty());
}

}  // namespace
}  // namespace tickcast::daemon

// Crash safety of the bar log with real processes: a child appends bars as
// fast as it can and is killed with SIGKILL at a random moment, over and over
// on the same directory, each child resuming after the bars its predecessors
// left. After every kill:
//   - process crash: every bar an append() returned for is read back intact,
//     no earlier record is ever damaged, and nothing is reported corrupt;
//   - machine crash, simulated on a copy by cutting the log back to what the
//     child had fdatasync'ed (as LevelDB's fault_injection_test drops unsynced
//     data): still no corruption, and every bar appended more than the fsync
//     window before the kill survives.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/bar_log_writer.hpp"
#include "tests/support/numbered_bar.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Progress {
  std::uint64_t sequence;
  std::int64_t appended_at_ns;
  std::uint64_t synced_segment;
  std::int64_t synced_bytes;
};

// The child: resume after the last bar on disk and append until killed,
// reporting each append and how much is durable.
[[noreturn]] void run_child(const fs::path& dir, const BarLogOptions& options, int report_fd) {
  std::vector<Bar> records;
  BarLogReadStats stats;
  if (!read_bar_log(dir, nullptr, records, stats).is_ok()) ::_exit(3);
  std::uint64_t next = records.empty() ? 0 : latest_revisions(records).back().sequence + 1;
  std::unique_ptr<BarLogWriter> writer;
  if (!BarLogWriter::open(dir, "binance", "BTCUSDT", options, steady_ns(), writer).is_ok()) {
    ::_exit(4);
  }
  char line[128];
  while (true) {
    if (!writer->append(test::numbered_bar(next), steady_ns()).is_ok()) ::_exit(5);
    const int n =
        std::snprintf(line, sizeof line, "%llu %lld %llu %lld\n",
                      static_cast<unsigned long long>(next), static_cast<long long>(steady_ns()),
                      static_cast<unsigned long long>(writer->segment_number()),
                      static_cast<long long>(writer->synced_bytes()));
    if (::write(report_fd, line, static_cast<std::size_t>(n)) != n) ::_exit(6);
    ++next;
    // Pace the appends so that a segment spans several fsync windows; a child
    // that fills segments faster than the window would be synced by rotation
    // alone and could not show a missing periodic sync.
    ::usleep(100);
  }
}

std::vector<Progress> parse_reports(const std::string& text) {
  std::vector<Progress> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line cut by the kill has no newline
    Progress p{};
    std::istringstream fields(line);
    fields >> p.sequence >> p.appended_at_ns >> p.synced_segment >> p.synced_bytes;
    out.push_back(p);
  }
  return out;
}

// Reads `dir`; checks it holds exactly bars 0..n-1, undamaged and uncorrupted.
std::uint64_t expect_intact_prefix(const fs::path& dir, const std::string& what) {
  std::vector<Bar> records;
  BarLogReadStats stats;
  std::vector<std::string> reports;
  const IoStatus status = read_bar_log(
      dir,
      [&](const fs::path& f, std::uint64_t at, std::uint64_t n, std::string_view why) {
        reports.push_back(f.filename().string() + "@" + std::to_string(at) + "+" +
                          std::to_string(n) + " " + std::string(why));
      },
      records, stats);
  EXPECT_TRUE(status.is_ok()) << what << ": " << status.message();
  EXPECT_TRUE(reports.empty()) << what << ": " << reports.front();
  EXPECT_EQ(stats.corrupt_bytes, 0u) << what;
  const auto bars = latest_revisions(records);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (bars[i] != test::numbered_bar(i)) {
      ADD_FAILURE() << what << ": bar " << i << " is missing or damaged (found sequence "
                    << bars[i].sequence << ")";
      break;
    }
  }
  return bars.size();
}

TEST(BarLogCrash, KillDashNineNeverCorruptsEarlierBarsAndLosesAtMostTheFsyncWindow) {
  const fs::path root =
      fs::temp_directory_path() / ("tickcast_bar_log_crash_" + std::to_string(::getpid()));
  const fs::path dir = root / "log";
  const fs::path copy = root / "power_loss";
  fs::remove_all(root);
  fs::create_directories(dir);

  BarLogOptions options;
  options.fsync_interval_ns = 2'000'000;  // 2 ms
  std::mt19937 rng(20240809);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int kills = 0;
  int rotations_seen = 0;
  std::uint64_t total_bars = 0;

  for (int iteration = 0; iteration < 60 && std::chrono::steady_clock::now() < deadline;
       ++iteration) {
    // Even iterations rotate every 6 bars (kills land around rotations); odd
    // ones keep one segment, so only the periodic sync makes bars durable.
    options.segment_bytes = iteration % 2 == 0 ? 1024 : 1 << 20;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_child(dir, options, fds[1]);
    }
    ::close(fds[1]);
    // Read the child's reports while it runs, then kill it at a random moment.
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    std::string reports;
    const auto kill_at =
        std::chrono::steady_clock::now() + std::chrono::microseconds(500 + rng() % 40'000);
    char buffer[65536];
    while (std::chrono::steady_clock::now() < kill_at) {
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0) reports.append(buffer, static_cast<std::size_t>(n));
      if (n <= 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "child exited on its own with " << WEXITSTATUS(wstatus);
    ++kills;
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
      reports.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    const auto progress = parse_reports(reports);
    if (!progress.empty() && progress.front().synced_segment != progress.back().synced_segment) {
      ++rotations_seen;
    }
    const std::string what = "after kill " + std::to_string(kills);

    // Process crash: the page cache survives, so every returned append does.
    const std::uint64_t on_disk = expect_intact_prefix(dir, what);
    if (!progress.empty()) {
      EXPECT_GT(on_disk, progress.back().sequence) << what;
    }
    total_bars = on_disk;
    if (progress.empty()) continue;

    // Machine crash: keep only what had been fdatasync'ed when the child last
    // reported.
    fs::remove_all(copy);
    fs::copy(dir, copy);
    const Progress& last = progress.back();
    for (const auto& segment : list_bar_log_segments(copy)) {
      const auto number = *parse_segment_file_name(segment.filename().string());
      if (number > last.synced_segment) {
        fs::remove(segment);
      } else if (number == last.synced_segment) {
        fs::resize_file(segment, static_cast<std::uintmax_t>(last.synced_bytes));
      }
    }
    const std::uint64_t durable = expect_intact_prefix(copy, what + " and power loss");
    // Every bar appended at least two fsync windows before the last report
    // must have been synced (one window, plus slack for a slow append).
    for (const Progress& p : progress) {
      if (p.appended_at_ns <= last.appended_at_ns - 2 * options.fsync_interval_ns) {
        EXPECT_LT(p.sequence, durable) << what << ": bar " << p.sequence
                                       << " was appended long before the kill but not synced";
      }
    }
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GE(kills, 20);
  EXPECT_GT(total_bars, 100u) << "the children must actually have written";
  EXPECT_GT(rotations_seen, 0) << "some child must have rotated segments before its kill";
  std::printf("%d kills, %d with rotations, %llu bars survived\n", kills, rotations_seen,
              static_cast<unsigned long long>(total_bars));
  fs::remove_all(root);
}

}  // namespace
}  // namespace tickcast::feeds

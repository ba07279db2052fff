// kill -9 at random moments during state writes, a few hundred times
// (docs/reliability.md, process faults). A forked child does what the daemon
// does to its state dir, as fast as it can: appends bars to a bar log
// (BarLogWriter, synced every append, small segments so rotations happen)
// and, after each bar, replaces a checkpoint-sized file with
// model::write_file_atomically (what save_checkpoint and the model store
// use), reporting each completed call on a pipe. The parent kills it at a
// random moment and checks what a restart would read:
//   - the bar log reads back with no corruption reported, its bars are
//     contiguous, intact, and include every bar an append() returned for;
//   - the checkpoint file is one whole generation, never a mix: the newest
//     one reported done or the one being written;
// then starts the next child on the same directory. At the end the model
// store, opened as the daemon opens it, removes the temp files the kills
// left behind.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <thread>

#include "daemon/model_store.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/bar_log_writer.hpp"
#include "model/atomic_file.hpp"
#include "tests/support/numbered_bar.hpp"
#include "tests/support/process.hpp"

namespace tickcast::test {
namespace {

namespace fs = std::filesystem;
constexpr int kKills = 300;

// A checkpoint stand-in that proves its own integrity: generation, body
// length, a body drawn from a PRNG seeded by the generation, and an FNV-1a
// hash of all of it. 4 KiB to 128 KiB, so kills land inside writes.
std::string generation_file(std::uint64_t generation) {
  std::mt19937_64 random(generation);
  const std::size_t body = 4096 + random() % (128 * 1024 - 4096);
  std::string bytes(16 + body, '\0');
  std::memcpy(bytes.data(), &generation, 8);
  const std::uint64_t length = body;
  std::memcpy(bytes.data() + 8, &length, 8);
  for (std::size_t i = 16; i < bytes.size(); i += 8) {
    const std::uint64_t word = random();
    std::memcpy(bytes.data() + i, &word, std::min<std::size_t>(8, bytes.size() - i));
  }
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  bytes.append(reinterpret_cast<const char*>(&hash), 8);
  return bytes;
}

// The generation a file holds if it is exactly generation_file(g), else -1.
std::int64_t read_generation(const fs::path& path) {
  const std::string bytes = read_file(path);
  if (bytes.size() < 24) return -1;
  std::uint64_t generation = 0;
  std::memcpy(&generation, bytes.data(), 8);
  return bytes == generation_file(generation) ? static_cast<std::int64_t>(generation) : -1;
}

// The child: appends bars from `next_bar` and rewrites the checkpoint from
// `next_generation` until killed, reporting "B <seq>" and "C <gen>" lines.
[[noreturn]] void run_child(const fs::path& log_dir, const fs::path& checkpoint,
                            std::uint64_t next_bar, std::uint64_t next_generation, int report) {
  feeds::BarLogOptions options;
  options.fsync_interval_ns = 0;
  options.segment_bytes = 4096;
  std::unique_ptr<feeds::BarLogWriter> writer;
  // Wall time: retention compares it with the segments' mtimes.
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  if (!feeds::BarLogWriter::open(log_dir, "binance", "BTCUSDT", options, now, writer).is_ok()) {
    ::_exit(2);
  }
  auto say = [report](char kind, std::uint64_t value) {
    char line[32];
    const int n =
        std::snprintf(line, sizeof line, "%c %llu\n", kind, static_cast<unsigned long long>(value));
    if (::write(report, line, static_cast<std::size_t>(n)) != n) ::_exit(3);
  };
  for (;;) {
    if (!writer->append(numbered_bar(next_bar), now).is_ok()) ::_exit(4);
    say('B', next_bar++);
    if (!model::write_file_atomically(checkpoint, generation_file(next_generation)).empty()) {
      ::_exit(5);
    }
    say('C', next_generation++);
  }
}

struct Reports {
  std::int64_t last_bar = -1;
  std::int64_t last_generation = -1;
};

Reports parse_reports(const std::string& text) {
  Reports reports;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 3) continue;  // the last line may be cut
    const auto value = std::stoll(line.substr(2));
    if (line[0] == 'B') reports.last_bar = value;
    if (line[0] == 'C') reports.last_generation = value;
  }
  return reports;
}

TEST(KillLoopTest, KillNineDuringBarLogAndCheckpointWritesNeverLeavesACorruptState) {
  TempDir dir;
  const fs::path state = dir.path() / "state";
  const fs::path log_dir = feeds::bar_log_dir(state, "binance", "BTCUSDT");
  std::vector<std::string> store_log;
  daemon::ModelStore store(
      state, "binance", "BTCUSDT", 3,
      [&](feeds::LogLevel, std::string_view line) { store_log.emplace_back(line); });
  ASSERT_EQ(store.open(), "");
  const fs::path checkpoint = store.live_path();

  std::mt19937 random(20261128);
  std::uint64_t next_bar = 0;
  std::uint64_t next_generation = 1;
  std::int64_t on_disk_generation = 0;  // generations start at 1
  int kills_mid_checkpoint = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
  int kills = 0;
  for (; kills < kKills && std::chrono::steady_clock::now() < deadline; ++kills) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_child(log_dir, checkpoint, next_bar, next_generation, fds[1]);
    }
    ::close(fds[1]);
    // Kill at a random moment: from before the first write to a few
    // checkpoint rewrites in.
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 25'000));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child failed on its own with status " << status;
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    const Reports reports = parse_reports(text);

    // The bar log: nothing corrupt, contiguous from 0, every bar intact, and
    // nothing an append() returned for is missing.
    std::vector<Bar> bars;
    feeds::BarLogReadStats read_stats;
    int corruptions = 0;
    ASSERT_TRUE(
        feeds::read_bar_log(
            log_dir,
            [&](const fs::path&, std::uint64_t, std::uint64_t, std::string_view) { ++corruptions; },
            bars, read_stats)
            .is_ok());
    ASSERT_EQ(corruptions, 0) << "after kill " << kills;
    for (std::size_t i = 0; i < bars.size(); ++i) {
      ASSERT_EQ(bars[i].sequence, i) << "after kill " << kills;
      ASSERT_TRUE(bars[i] == numbered_bar(i)) << "bar " << i << " damaged after kill " << kills;
    }
    if (reports.last_bar >= 0) {
      ASSERT_GE(static_cast<std::int64_t>(bars.size()), reports.last_bar + 1);
    }
    next_bar = bars.size();

    // The checkpoint: the newest completed generation or the one in flight.
    if (fs::exists(checkpoint)) {
      const std::int64_t generation = read_generation(checkpoint);
      ASSERT_GE(generation, 1) << "torn checkpoint after kill " << kills;
      const std::int64_t newest_done = std::max(reports.last_generation, on_disk_generation);
      ASSERT_GE(generation, newest_done) << "after kill " << kills;
      ASSERT_LE(generation, newest_done + 1) << "after kill " << kills;
      if (generation != on_disk_generation && generation == newest_done + 1) {
        ++kills_mid_checkpoint;  // renamed, but killed before it reported
      }
      on_disk_generation = generation;
      next_generation = static_cast<std::uint64_t>(generation) + 1;
    } else {
      ASSERT_EQ(reports.last_generation, -1) << "a reported checkpoint vanished";
    }
  }
  EXPECT_EQ(kills, kKills) << "the loop ran out of time";
  // The kills landed everywhere: many bars and checkpoints completed, and
  // some kills fell between a checkpoint's rename and its report.
  EXPECT_GT(next_bar, static_cast<std::uint64_t>(kKills / 4));
  EXPECT_GT(on_disk_generation, kKills / 4);
  EXPECT_GT(kills_mid_checkpoint, 0);

  // Temp files of interrupted writes are left behind by kill -9 (nothing
  // can run then); the model store removes them when it opens.
  auto temp_files = [&] {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(store.directory())) {
      count += entry.path().filename().string().find(".tmp.") != std::string::npos;
    }
    return count;
  };
  EXPECT_GT(temp_files(), 0);
  ASSERT_EQ(store.open(), "");
  EXPECT_EQ(temp_files(), 0);
  EXPECT_THAT(store_log,
              ::testing::Contains(::testing::HasSubstr("left by an interrupted checkpoint write")));
  EXPECT_EQ(read_generation(checkpoint), on_disk_generation);
}

}  // namespace
}  // namespace tickcast::test

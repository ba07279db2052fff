// Disk faults against the real daemon (docs/reliability.md): the state dir
// fills up, its fsyncs fail, or it turns read-only while the daemon runs,
// through the fault_fs LD_PRELOAD shim. Each time the daemon must keep
// forecasting, count every failed write, say so in one log line per outage
// and flip tickcast_persist_ok to 0; once the fault clears it must persist
// again by itself, say so once, and leave a bar log and checkpoints that read
// back cleanly. Also: a state dir that is read-only at start, and checkpoints
// and bar logs damaged on disk before a start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "feeds/bar_log_reader.hpp"
#include "model/checkpoint.hpp"
#include "tests/daemon/seed_bars.hpp"
#include "tests/faults/fault_daemon.hpp"
#include "tests/support/http_client.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::vector<std::string> kBarLog = {"what=\"bar_log\""};
const std::vector<std::string> kCheckpoint = {"what=\"checkpoint\""};

double persist_ok(const std::string& metrics, const std::vector<std::string>& what) {
  return sum_samples(metrics, "tickcast_persist_ok", what);
}

double forecasts(const std::string& metrics) {
  return sum_samples(metrics, "tickcast_forecasts_total");
}

// Every record of the bar log, and how many corruptions reading it reported.
struct LogContents {
  std::vector<Bar> bars;
  feeds::BarLogReadStats stats;
  int reports = 0;
};

LogContents read_log(const fs::path& dir) {
  LogContents contents;
  auto reporter = [&](const fs::path&, std::uint64_t, std::uint64_t, std::string_view) {
    ++contents.reports;
  };
  EXPECT_TRUE(feeds::read_bar_log(dir, reporter, contents.bars, contents.stats).is_ok());
  return contents;
}

std::uint64_t highest_sequence(const std::vector<Bar>& bars) {
  std::uint64_t highest = 0;
  for (const Bar& bar : bars) highest = std::max(highest, bar.sequence);
  return highest;
}

struct DiskFault {
  const char* name;
  const char* spec;    // for the shim
  const char* reason;  // strerror text the log line must carry
};

// For test listings: the fault's name, not its bytes.
void PrintTo(const DiskFault& fault, std::ostream* out) {
  *out << fault.name;
}

class DiskFaultTest : public ::testing::TestWithParam<DiskFault> {};

TEST_P(DiskFaultTest, KeepsForecastingCountsLogsOnceAndRecoversByItself) {
  const DiskFault& fault = GetParam();
  TempDir dir;
  auto started = start_with_a_model(dir, /*preload=*/true);
  FaultDaemon& daemon = *started;
  ASSERT_TRUE(daemon.started());
  const std::string before = daemon.metrics();
  ASSERT_EQ(sum_samples(before, "tickcast_bar_log_errors_total"), 0) << daemon.output();
  ASSERT_EQ(sum_samples(before, "tickcast_checkpoint_errors_total"), 0) << daemon.output();

  // The fault: bar log appends and live.model rewrites (every bar) fail.
  daemon.inject(fault.spec);
  const std::string during = daemon.wait_for_metrics(
      [&](const std::string& m) {
        return sum_samples(m, "tickcast_bar_log_errors_total") >= 3 &&
               sum_samples(m, "tickcast_checkpoint_errors_total") >= 3 &&
               forecasts(m) >= forecasts(before) + 3;
      },
      20s);
  ASSERT_GE(sum_samples(during, "tickcast_bar_log_errors_total"), 3) << daemon.output();
  ASSERT_GE(sum_samples(during, "tickcast_checkpoint_errors_total"), 3) << daemon.output();
  EXPECT_EQ(persist_ok(during, kBarLog), 0);
  EXPECT_EQ(persist_ok(during, kCheckpoint), 0);
  // The frame recorder writes (it flushes its gzip stream every second but
  // never fsyncs) and counts its failures too.
  if (std::string(fault.spec).find("write") != std::string::npos) {
    EXPECT_GT(sum_samples(during, "tickcast_frame_record_errors_total"), 0);
  }
  // Still forecasting (from memory), still alive and ready.
  EXPECT_GE(forecasts(during), forecasts(before) + 3);
  EXPECT_EQ(http_get(daemon.port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(daemon.port(), "/readyz").status, 200);
  // One line per outage, however many writes failed, naming the reason.
  std::string log = daemon.output();
  EXPECT_EQ(count_occurrences(log, "cannot persist bars"), 1) << log;
  EXPECT_EQ(count_occurrences(log, "cannot persist the model"), 1) << log;
  EXPECT_THAT(log, HasSubstr(std::string("cannot persist bars: ")));
  EXPECT_THAT(log, HasSubstr(fault.reason));

  // The fault clears: both writers recover without help.
  const double bars_at_clear = sum_samples(daemon.metrics(), "tickcast_bars_total");
  daemon.clear();
  const std::string after = daemon.wait_for_metrics(
      [&](const std::string& m) {
        return persist_ok(m, kBarLog) == 1 && persist_ok(m, kCheckpoint) == 1 &&
               sum_samples(m, "tickcast_bar_log_appends_total") >
                   sum_samples(during, "tickcast_bar_log_appends_total") + 1;
      },
      20s);
  ASSERT_EQ(persist_ok(after, kBarLog), 1) << daemon.output();
  ASSERT_EQ(persist_ok(after, kCheckpoint), 1) << daemon.output();
  log = daemon.output();
  EXPECT_EQ(count_occurrences(log, "bar log writable again"), 1) << log;
  EXPECT_EQ(count_occurrences(log, "model checkpoints written again"), 1) << log;
  // No more errors once the disk is healthy.
  const double errors = sum_samples(after, "tickcast_bar_log_errors_total") +
                        sum_samples(after, "tickcast_checkpoint_errors_total");
  std::this_thread::sleep_for(2500ms);
  const std::string later = daemon.metrics();
  EXPECT_EQ(sum_samples(later, "tickcast_bar_log_errors_total") +
                sum_samples(later, "tickcast_checkpoint_errors_total"),
            errors);

  if (std::string(fault.name) == "disk_full") {
    // The frame recorder retries with a fresh file 10 s after an error;
    // after that its errors stop too.
    std::this_thread::sleep_for(9s);
    const double frame_errors = sum_samples(daemon.metrics(), "tickcast_frame_record_errors_total");
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(sum_samples(daemon.metrics(), "tickcast_frame_record_errors_total"), frame_errors);
  }

  daemon.process().signal(SIGTERM);
  const auto status = daemon.process().wait_exit(20s);
  ASSERT_TRUE(status) << daemon.output();
  EXPECT_EQ(*status, 0) << daemon.output();

  // On disk: the bar log reads back without a corrupt record and holds bars
  // closed after the fault cleared; live.model loads and carries the state
  // after a bar at least that new.
  const LogContents contents = read_log(daemon.bar_log_dir());
  EXPECT_EQ(contents.reports, 0);
  // Seeded bars are 0..299; the k-th bar the daemon closed is 299 + k.
  const auto first_after_clear = static_cast<std::uint64_t>(299 + bars_at_clear + 1);
  EXPECT_GE(highest_sequence(contents.bars), first_after_clear);
  model::Checkpoint checkpoint;
  const model::CheckpointStatus loaded =
      model::load_checkpoint(daemon.models_dir() / "live.model", checkpoint);
  ASSERT_TRUE(loaded.ok()) << loaded.message;
  EXPECT_GE(checkpoint.last_bar_sequence, first_after_clear);
  EXPECT_LE(checkpoint.last_bar_sequence, highest_sequence(contents.bars));
  // Failed checkpoint writes leave no temp files behind.
  for (const auto& entry : fs::directory_iterator(daemon.models_dir())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp")));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, DiskFaultTest,
    ::testing::Values(DiskFault{"disk_full", "ENOSPC write fsync", "No space left on device"},
                      DiskFault{"fsync_fails", "EIO fsync", "Input/output error"},
                      DiskFault{"read_only", "EROFS open write fsync rename mkdir unlink",
                                "Read-only file system"}),
    [](const ::testing::TestParamInfo<DiskFault>& param) { return std::string(param.param.name); });

TEST(DiskFaultStartTest, AReadOnlyStateDirAtStartIsOneClearLineAndExitStatusOne) {
  // Refusing to start is deliberate: a daemon that could never persist
  // anything would lose every model it trains. systemd restarts it.
  TempDir dir;
  dir.write("fault", "EROFS open mkdir rename unlink write");
  FaultDaemon daemon(dir, with_fault_fs(true));
  EXPECT_FALSE(daemon.started());
  const auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 1);
  EXPECT_THAT(daemon.output(), HasSubstr("Read-only file system"));
  EXPECT_THAT(daemon.output(), HasSubstr((dir.path() / "state").string()));
}

// Damage both kinds of checkpoint (tests/daemon/online_test.cpp covers a
// damaged live.model with a good version beside it): nothing is restored
// from a file that fails its checks, each is moved aside and counted, and
// the symbol warms up a new model whose version continues after them.
TEST(DiskFaultStartTest, TruncatedAndBitFlippedCheckpointsAreNeverServed) {
  TempDir dir;
  {
    auto first = start_with_a_model(dir, /*preload=*/false);
    ASSERT_TRUE(first->started());
    first->process().signal(SIGTERM);
    ASSERT_TRUE(first->process().wait_exit(20s));
  }
  const fs::path models = dir.path() / "state/models/binance/BTCUSDT";
  ASSERT_TRUE(fs::exists(models / "v000001.model"));
  // live.model cut to half its length; v000001.model with one bit flipped.
  fs::resize_file(models / "live.model", fs::file_size(models / "live.model") / 2);
  {
    std::fstream file(models / "v000001.model", std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(100);
    const char byte = static_cast<char>(file.get());
    file.seekp(100);
    file.put(static_cast<char>(byte ^ 0x10));
  }

  FaultDaemon second(dir, FaultDaemonOptions{});
  ASSERT_TRUE(second.started()) << second.output();
  const std::string metrics = second.metrics();
  EXPECT_EQ(sum_samples(metrics, "tickcast_checkpoints_corrupt_total"), 2) << second.output();
  const std::string log = second.output();
  EXPECT_THAT(log, HasSubstr("unusable checkpoint (truncated)"));
  EXPECT_THAT(log, HasSubstr("unusable checkpoint (checksum mismatch)"));
  EXPECT_THAT(log, Not(HasSubstr("restored from live.model")));
  EXPECT_THAT(log, Not(HasSubstr("restored from v000001.model")));
  EXPECT_EQ(http_get(second.port(), "/readyz").status, 503);
  // Until a new model exists, forecasts are persistence, marked warming up.
  const std::string later = second.wait_for_metrics(
      [](const std::string& m) { return sum_samples(m, "tickcast_model_version") >= 2; }, 45s);
  EXPECT_EQ(sum_samples(later, "tickcast_model_version"), 2) << second.output();
  EXPECT_GT(sum_samples(later, "tickcast_forecasts_total", {"status=\"warming_up\""}), 0);
  int moved = 0;
  for (const auto& entry : fs::directory_iterator(models)) {
    moved += entry.path().filename().string().find(".corrupt-") != std::string::npos;
  }
  EXPECT_EQ(moved, 2);
}

// A bar log whose newest segment ends in half a record (a crash mid-append)
// and whose older bytes hold a flipped bit: the daemon starts, counts what it
// skipped by reason, logs the corruption once with its offset, and continues
// the series after the newest intact bar without reusing a sequence.
TEST(DiskFaultStartTest, ATornAndCorruptBarLogIsCountedAndTheSeriesContinues) {
  TempDir dir;
  const fs::path state = dir.path() / "state";
  seed_bar_log(state, 200);
  const fs::path log_dir = state / "bars/binance/BTCUSDT";
  const std::vector<fs::path> segments = feeds::list_bar_log_segments(log_dir);
  ASSERT_EQ(segments.size(), 1u);
  const fs::path segment = segments.front();
  const auto size = fs::file_size(segment);
  {
    // A bit flipped in a record near the middle...
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(size / 2));
    const char byte = static_cast<char>(file.get());
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put(static_cast<char>(byte ^ 0x01));
  }
  // ...and the last record cut in half.
  const LogContents intact = read_log(log_dir);
  ASSERT_EQ(intact.reports, 1);
  const std::uint64_t newest = highest_sequence(intact.bars);
  fs::resize_file(segment, size - 40);
  const LogContents torn = read_log(log_dir);
  ASSERT_GT(torn.stats.torn_tail_bytes, 0u);
  const std::uint64_t newest_intact = highest_sequence(torn.bars);
  ASSERT_EQ(newest_intact + 1, newest);

  FaultDaemon daemon(dir, FaultDaemonOptions{});
  ASSERT_TRUE(daemon.started()) << daemon.output();
  const std::string metrics = daemon.wait_for_metrics(
      [](const std::string& m) { return sum_samples(m, "tickcast_bar_log_appends_total") >= 2; },
      15s);
  EXPECT_EQ(sum_samples(metrics, "tickcast_bar_log_dropped_bytes_total", {"reason=\"torn_tail\""}),
            static_cast<double>(torn.stats.torn_tail_bytes));
  EXPECT_EQ(sum_samples(metrics, "tickcast_bar_log_dropped_bytes_total", {"reason=\"corrupt\""}),
            static_cast<double>(torn.stats.corrupt_bytes));
  EXPECT_EQ(count_occurrences(daemon.output(),
                              "skipped " + std::to_string(torn.stats.corrupt_bytes) + " bytes"),
            1)
      << daemon.output();
  daemon.process().signal(SIGTERM);
  ASSERT_TRUE(daemon.process().wait_exit(20s));

  // The new bars continue after the newest intact one: the torn bar's
  // sequence is given to the first new bar, never to two different bars.
  const LogContents after = read_log(log_dir);
  std::vector<std::uint64_t> new_sequences;
  for (const Bar& bar : after.bars) {
    if (bar.revision == 0 && bar.sequence > newest_intact) new_sequences.push_back(bar.sequence);
  }
  ASSERT_FALSE(new_sequences.empty());
  EXPECT_EQ(new_sequences.front(), newest_intact + 1);
  for (std::size_t i = 1; i < new_sequences.size(); ++i) {
    EXPECT_EQ(new_sequences[i], new_sequences[i - 1] + 1);
  }
}

}  // namespace
}  // namespace tickcast::test

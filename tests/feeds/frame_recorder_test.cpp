// The frame recorder writes `<recv_ns> <frame>` lines that gzip itself
// (the `zcat` tool, an independent reader) and our own input reader agree on,
// rotates at UTC midnight, appends on restart, and survives a crash.
#include "feeds/frame_recorder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/frame_lines.hpp"
#include "feeds/input_file.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::TempDir;

// 2024-08-08T23:59:59Z and one second later, in ns.
constexpr std::int64_t kBeforeMidnight = 1723161599'000'000'000;
constexpr std::int64_t kAfterMidnight = 1723161600'000'000'000;

std::string zcat(const fs::path& file) {
  const auto result = run_command({"/usr/bin/zcat", file.string()});
  EXPECT_EQ(result.status, 0) << result.output;
  return result.output;
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::string error;
  auto in = open_input_file(file, error);
  EXPECT_TRUE(in) << error;
  std::vector<std::string> lines;
  if (!in) return lines;
  for (std::string line; std::getline(*in, line);) lines.push_back(line);
  return lines;
}

TEST(FrameRecorder, WritesReceiveTimeAndFrameVerbatimAndRotatesAtUtcMidnight) {
  TempDir dir;
  std::string error;
  auto recorder = FrameRecorder::open(dir.path(), "binance", {}, error);
  ASSERT_TRUE(recorder) << error;
  const std::string frame1 = R"({"e":"trade","p":"61837.63000000","q":"0.001"})";
  const std::string frame2 = R"({"result":null,"id":1})";
  const std::string frame3 = "  {\"spaces\" : \"kept\"}\t";
  recorder->record(kBeforeMidnight - 5, frame1);
  recorder->record(kBeforeMidnight, frame2);
  recorder->record(kAfterMidnight, frame3);
  recorder->close();

  const fs::path day1 = dir.path() / "binance" / "2024-08-08.frames.gz";
  const fs::path day2 = dir.path() / "binance" / "2024-08-09.frames.gz";
  EXPECT_EQ(recorder->file_for(kBeforeMidnight), day1);
  EXPECT_EQ(recorder->file_for(kAfterMidnight), day2);
  EXPECT_EQ(zcat(day1), std::to_string(kBeforeMidnight - 5) + " " + frame1 + "\n" +
                            std::to_string(kBeforeMidnight) + " " + frame2 + "\n");
  EXPECT_EQ(zcat(day2), std::to_string(kAfterMidnight) + " " + frame3 + "\n");
  EXPECT_EQ(recorder->stats().frames.load(), 3u);
  EXPECT_EQ(recorder->stats().files_opened.load(), 2u);
  EXPECT_EQ(recorder->stats().errors.load(), 0u);

  // The line splitter the replay exchange and `decode` use gives back the
  // exact receive time and frame bytes.
  const auto lines = read_lines(day2);
  ASSERT_EQ(lines.size(), 1u);
  const FrameLine parsed = split_frame_line(lines[0]);
  EXPECT_EQ(parsed.receive_time_ns, kAfterMidnight);
  EXPECT_EQ(parsed.frame, frame3);
}

TEST(FrameRecorder, RestartOnTheSameDayAppendsAMemberThatReadersConcatenate) {
  TempDir dir;
  std::string error;
  for (int run = 0; run < 2; ++run) {
    auto recorder = FrameRecorder::open(dir.path(), "kraken", {}, error);
    ASSERT_TRUE(recorder) << error;
    recorder->record(kAfterMidnight + run, "frame-of-run-" + std::to_string(run));
  }
  const fs::path file = dir.path() / "kraken" / "2024-08-09.frames.gz";
  const std::string expected = std::to_string(kAfterMidnight) + " frame-of-run-0\n" +
                               std::to_string(kAfterMidnight + 1) + " frame-of-run-1\n";
  EXPECT_EQ(zcat(file), expected);
  EXPECT_EQ(read_lines(file),
            (std::vector<std::string>{std::to_string(kAfterMidnight) + " frame-of-run-0",
                                      std::to_string(kAfterMidnight + 1) + " frame-of-run-1"}));
}

TEST(FrameRecorder, AFrameWithALineBreakIsCountedNotWritten) {
  TempDir dir;
  std::string error;
  auto recorder = FrameRecorder::open(dir.path(), "okx", {}, error);
  ASSERT_TRUE(recorder) << error;
  recorder->record(kAfterMidnight, "{\"a\":\n1}");
  recorder->record(kAfterMidnight + 1, "pong");
  recorder->close();
  EXPECT_EQ(recorder->stats().skipped_frames.load(), 1u);
  EXPECT_EQ(recorder->stats().frames.load(), 1u);
  EXPECT_EQ(zcat(dir.path() / "okx" / "2024-08-09.frames.gz"),
            std::to_string(kAfterMidnight + 1) + " pong\n");
}

TEST(FrameRecorder, ACrashLeavesEverythingUpToTheLastFlushReadable) {
  TempDir dir;
  std::string error;
  auto recorder = FrameRecorder::open(dir.path(), "binance", {}, error);
  ASSERT_TRUE(recorder) << error;
  recorder->set_flush_interval(std::chrono::nanoseconds(0));  // flush every frame
  for (int i = 0; i < 100; ++i) {
    recorder->record(kAfterMidnight + i, "{\"n\":" + std::to_string(i) + "}");
  }
  // Copy the file while the recorder still holds it open: what a kill -9
  // would leave behind (no gzip trailer).
  const fs::path file = dir.path() / "binance" / "2024-08-09.frames.gz";
  const fs::path crashed = dir.path() / "crashed.frames.gz";
  fs::copy_file(file, crashed);
  const auto lines = read_lines(crashed);
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(lines.back(), std::to_string(kAfterMidnight + 99) + " {\"n\":99}");
}

TEST(FrameRecorder, OpenNamesTheDirectoryItCannotCreate) {
  TempDir dir;
  const fs::path blocker = dir.path() / "not-a-directory";
  std::ofstream(blocker) << "x";
  std::string error;
  auto recorder = FrameRecorder::open(blocker, "binance", {}, error);
  EXPECT_FALSE(recorder);
  EXPECT_NE(error.find(blocker.string()), std::string::npos) << error;
}

TEST(InputFile, ReadsPlainFilesUnchangedAndNamesMissingOnes) {
  TempDir dir;
  const fs::path plain = dir.path() / "plain.txt";
  std::ofstream(plain) << "a b\nc\n";
  EXPECT_EQ(read_lines(plain), (std::vector<std::string>{"a b", "c"}));
  std::string error;
  EXPECT_FALSE(open_input_file(dir.path() / "missing.gz", error));
  EXPECT_NE(error.find("missing.gz"), std::string::npos) << error;
}

TEST(InputFile, ReadsTheSharedRawRecordingLikeZcat) {
  const fs::path raw =
      test::shared_data_dir() / "trades/raw/hftbacktest_binance_spot_btcusdt_20240808.gz";
  ASSERT_TRUE(fs::exists(raw)) << raw;
  std::string error;
  auto in = open_input_file(raw, error);
  ASSERT_TRUE(in) << error;
  std::ostringstream ours;
  ours << in->rdbuf();
  EXPECT_EQ(ours.str(), zcat(raw));
}

}  // namespace
}  // namespace tickcast::feeds

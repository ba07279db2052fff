// The bar log's format, reader and writer, broken on purpose in the manner of
// LevelDB's log_test: each corruption test writes a few bars, damages the
// file with one verb (shrink, flip a byte, append zeros), and asserts what is
// read back, how many bytes were dropped, and what was reported.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "feeds/bar_log_format.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/bar_log_writer.hpp"
#include "feeds/crc32c.hpp"
#include "feeds/file_syncer.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kT0 = 1'723'161'240 * kSec;  // a wall time in 2024

Bar make_bar(std::uint64_t seq) {
  Bar b;
  b.exchange = "binance";
  b.symbol = "BTC/USDT";
  b.interval_ns = 60 * kSec;
  b.start_ns = kT0 + static_cast<std::int64_t>(seq) * 60 * kSec;
  b.end_ns = b.start_ns + 60 * kSec;
  b.open = 61000.5 + static_cast<double>(seq);
  b.high = b.open + 10.25;
  b.low = b.open - 3.125;
  b.close = b.open + 1.0 / 3.0;
  b.volume = 12.43238 + static_cast<double>(seq);
  b.quote_volume = b.volume * 61000.1;
  b.buy_volume = 6.32003;
  b.sell_volume = b.volume - 6.32003;
  b.trade_count = 875 + seq;
  b.vwap = b.quote_volume / b.volume;
  b.first_trade_time_ns = b.start_ns + 342'000'000;
  b.last_trade_time_ns = b.end_ns - 1'000'000;
  b.first_trade_id = 3735683259ULL + seq * 1000;
  b.last_trade_id = b.first_trade_id + 874;
  b.sequence = seq;
  b.status = static_cast<BarStatus>(seq % 3);
  b.revision = static_cast<std::uint32_t>(seq % 2);
  return b;
}

void expect_same(const Bar& a, const Bar& b) {
  EXPECT_EQ(a.exchange, b.exchange);
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.interval_ns, b.interval_ns);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.close, b.close);
  EXPECT_EQ(a.volume, b.volume);
  EXPECT_EQ(a.quote_volume, b.quote_volume);
  EXPECT_EQ(a.buy_volume, b.buy_volume);
  EXPECT_EQ(a.sell_volume, b.sell_volume);
  EXPECT_EQ(a.trade_count, b.trade_count);
  EXPECT_EQ(a.vwap, b.vwap);
  EXPECT_EQ(a.first_trade_time_ns, b.first_trade_time_ns);
  EXPECT_EQ(a.last_trade_time_ns, b.last_trade_time_ns);
  EXPECT_EQ(a.first_trade_id, b.first_trade_id);
  EXPECT_EQ(a.last_trade_id, b.last_trade_id);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.revision, b.revision);
}

TEST(Crc32c, MatchesTheStandardCheckValueAndMasksReversibly) {
  EXPECT_EQ(crc32c::value("123456789", 9), 0xE3069283u);  // RFC 3720 / iSCSI check value
  const std::uint32_t crc = crc32c::value("hello", 5);
  EXPECT_EQ(crc32c::extend(crc32c::value("hel", 3), "lo", 2), crc);
  EXPECT_NE(crc32c::mask(crc), crc);
  EXPECT_EQ(crc32c::unmask(crc32c::mask(crc)), crc);
}

TEST(BarLogFormat, BarRecordLayoutIsPinned) {
  // Byte positions from docs/bar-log-format.md.
  const Bar bar = make_bar(7);
  const std::string payload = bar_log::encode_bar(bar);
  ASSERT_EQ(payload.size(), 149u);
  auto u64_at = [&payload](std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(payload[at + i]);
    return v;
  };
  EXPECT_EQ(u64_at(0), static_cast<std::uint64_t>(bar.interval_ns));
  EXPECT_EQ(u64_at(8), static_cast<std::uint64_t>(bar.start_ns));
  EXPECT_EQ(u64_at(24), std::bit_cast<std::uint64_t>(bar.open));
  EXPECT_EQ(u64_at(88), std::bit_cast<std::uint64_t>(bar.vwap));
  EXPECT_EQ(u64_at(96), bar.trade_count);
  EXPECT_EQ(u64_at(136), bar.sequence);
  EXPECT_EQ(static_cast<unsigned char>(payload[144]), bar.revision);
  EXPECT_EQ(static_cast<unsigned char>(payload[148]), static_cast<unsigned>(bar.status));

  const std::string record = bar_log::encode_record(bar_log::kBar, payload);
  ASSERT_EQ(record.size(), 7u + 149u);
  EXPECT_EQ(static_cast<unsigned char>(record[4]), 149u);
  EXPECT_EQ(static_cast<unsigned char>(record[5]), 0u);
  EXPECT_EQ(static_cast<unsigned char>(record[6]), 2u);
  std::uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) stored = (stored << 8) | static_cast<unsigned char>(record[i]);
  EXPECT_EQ(crc32c::unmask(stored), crc32c::value(record.data() + 4, 3 + 149));

  const std::string header = bar_log::encode_file_header();
  EXPECT_EQ(header.substr(0, 8), "TCBARLOG");
  EXPECT_EQ(header.size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>(header[8]), 1u);
}

TEST(BarLogFormat, DecodeIgnoresAppendedFieldsAndRejectsShortPayloads) {
  const Bar bar = make_bar(4);
  std::string payload = bar_log::encode_bar(bar);
  auto decoded = bar_log::decode_bar(payload + "future-fields");
  ASSERT_TRUE(decoded);
  Bar expected = bar;
  expected.exchange.clear();
  expected.symbol.clear();
  expect_same(*decoded, expected);
  EXPECT_FALSE(bar_log::decode_bar(payload.substr(0, 148)));
  payload[148] = 7;  // no such status
  EXPECT_FALSE(bar_log::decode_bar(payload));
}

TEST(BarLogPaths, EscapesNamesIntoOneSafeComponent) {
  EXPECT_EQ(escape_path_component("XBT/USD"), "XBT%2FUSD");
  EXPECT_EQ(escape_path_component("BTC-USDT_1.5"), "BTC-USDT_1.5");
  EXPECT_EQ(escape_path_component(".."), "%2E%2E");
  EXPECT_EQ(bar_log_dir("/s", "kraken", "XBT/USD"), fs::path("/s/bars/kraken/XBT%2FUSD"));
  EXPECT_EQ(segment_file_name(42), "000000000000002a.barlog");
  EXPECT_EQ(parse_segment_file_name("000000000000002a.barlog"), 42u);
  EXPECT_FALSE(parse_segment_file_name("000000000000002a.barlog.tmp"));
  EXPECT_FALSE(parse_segment_file_name("00000000000000zz.barlog"));
}

class BarLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tickcast_bar_log_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Verbs.
  void write_bars(std::uint64_t first, std::uint64_t count, BarLogOptions options = {}) {
    std::unique_ptr<BarLogWriter> writer;
    ASSERT_TRUE(BarLogWriter::open(dir_, "binance", "BTC/USDT", options, now_, writer).is_ok());
    for (std::uint64_t s = first; s < first + count; ++s) {
      ASSERT_TRUE(writer->append(make_bar(s), now_).is_ok());
    }
  }
  fs::path only_segment() {
    const auto segments = list_bar_log_segments(dir_);
    EXPECT_EQ(segments.size(), 1u);
    return segments.empty() ? fs::path() : segments.front();
  }
  void shrink_to(const fs::path& file, std::uintmax_t size) { fs::resize_file(file, size); }
  void increment_byte(const fs::path& file, std::streamoff offset, int delta) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char c = 0;
    f.get(c);
    f.seekp(offset);
    f.put(static_cast<char>(c + delta));
  }
  void append_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream f(file, std::ios::binary | std::ios::app);
    f << bytes;
  }
  std::vector<Bar> read() {
    bars_.clear();
    stats_ = {};
    reports_.clear();
    const IoStatus status = read_bar_log(
        dir_,
        [this](const fs::path&, std::uint64_t offset, std::uint64_t dropped, std::string_view why) {
          reports_.push_back(std::to_string(offset) + "+" + std::to_string(dropped) + ": " +
                             std::string(why));
        },
        bars_, stats_);
    EXPECT_TRUE(status.is_ok()) << status.message();
    return bars_;
  }

  static constexpr std::int64_t kHead =
      16 + 7 + 1 + 7 + 1 + 8 + 8;  // header + info("binance","BTC/USDT")
  static constexpr std::int64_t kRecord = 7 + 149;

  fs::path dir_;
  std::int64_t now_ = kT0;
  std::vector<Bar> bars_;
  BarLogReadStats stats_;
  std::vector<std::string> reports_;
};

TEST_F(BarLogTest, BarsRoundTripAcrossSegmentsInOrder) {
  BarLogOptions options;
  options.segment_bytes = kHead + 4 * kRecord;  // four bars per segment
  write_bars(0, 10, options);
  EXPECT_EQ(list_bar_log_segments(dir_).size(), 3u);
  const auto bars = read();
  ASSERT_EQ(bars.size(), 10u);
  for (std::uint64_t i = 0; i < 10; ++i) expect_same(bars[i], make_bar(i));
  EXPECT_EQ(stats_.segments, 3u);
  EXPECT_EQ(stats_.corrupt_bytes, 0u);
  EXPECT_TRUE(reports_.empty());
}

TEST_F(BarLogTest, SegmentHeadIsWhereTheDocSaysItIs) {
  write_bars(0, 1);
  EXPECT_EQ(static_cast<std::int64_t>(fs::file_size(only_segment())), kHead + kRecord);
}

TEST_F(BarLogTest, ATornTailAtAnyOffsetIsACleanEnd) {
  write_bars(0, 3);
  const fs::path segment = only_segment();
  const auto full = fs::file_size(segment);
  const std::string original = [&] {
    std::ifstream f(segment, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }();
  for (std::uintmax_t size = static_cast<std::uintmax_t>(kHead); size <= full; ++size) {
    {
      std::ofstream f(segment, std::ios::binary | std::ios::trunc);
      f << original.substr(0, size);
    }
    const auto bars = read();
    const auto complete = (size - static_cast<std::uintmax_t>(kHead)) / kRecord;
    ASSERT_EQ(bars.size(), complete) << "size " << size;
    EXPECT_EQ(stats_.corrupt_bytes, 0u) << "size " << size;
    EXPECT_TRUE(reports_.empty()) << "size " << size;
    EXPECT_EQ(stats_.torn_tail_bytes, (size - kHead) % kRecord) << "size " << size;
  }
}

TEST_F(BarLogTest, ACorruptRecordInTheMiddleIsReportedAndSkipped) {
  write_bars(0, 3);
  increment_byte(only_segment(), kHead + kRecord + 50, 1);  // inside bar 1's payload
  const auto bars = read();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].sequence, 0u);
  EXPECT_EQ(bars[1].sequence, 2u);
  EXPECT_EQ(stats_.corrupt_bytes, static_cast<std::uint64_t>(kRecord));
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0], std::to_string(kHead + kRecord) + "+" + std::to_string(kRecord) +
                             ": checksum mismatch or malformed record");
}

// Found by fuzz_bar_log_segment: a segment-info record with a valid checksum
// but a payload that is no segment info was reported and not counted, so
// tickcast_bar_log_dropped_bytes_total missed it; and it undid the good info
// before it, so every later bar was dropped as "before the segment info".
TEST_F(BarLogTest, AMalformedSegmentInfoIsCountedAndKeepsTheGoodOne) {
  write_bars(0, 1);
  const std::string bad_info = bar_log::encode_record(bar_log::kSegmentInfo,
                                                      "\x05"
                                                      "ab");
  append_bytes(only_segment(), bad_info);
  append_bytes(only_segment(),
               bar_log::encode_record(bar_log::kBar, bar_log::encode_bar(make_bar(1))));
  const auto bars = read();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[1].sequence, 1u);
  EXPECT_EQ(bars[1].symbol, "BTC/USDT");
  EXPECT_EQ(stats_.corrupt_records, 1u);
  EXPECT_EQ(stats_.corrupt_bytes, bad_info.size());
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0], std::to_string(kHead + kRecord) + "+" + std::to_string(bad_info.size()) +
                             ": malformed segment info");
}

TEST_F(BarLogTest, ACorruptLengthInTheMiddleIsReportedAndSkipped) {
  write_bars(0, 4);
  increment_byte(only_segment(), kHead + kRecord + 5, 3);  // bar 1's length high byte
  const auto bars = read();
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[1].sequence, 2u);
  EXPECT_EQ(stats_.corrupt_bytes, static_cast<std::uint64_t>(kRecord));
  EXPECT_EQ(reports_.size(), 1u);
}

TEST_F(BarLogTest, ACorruptLastRecordIsATornTail) {
  write_bars(0, 3);
  increment_byte(only_segment(), kHead + 2 * kRecord + 10, 1);
  const auto bars = read();
  EXPECT_EQ(bars.size(), 2u);
  EXPECT_EQ(stats_.torn_tail_bytes, static_cast<std::uint64_t>(kRecord));
  EXPECT_TRUE(reports_.empty()) << "the writer may have died mid-record";
}

TEST_F(BarLogTest, AZeroFilledTailIsATornTail) {
  write_bars(0, 2);
  append_bytes(only_segment(), std::string(4096, '\0'));
  EXPECT_EQ(read().size(), 2u);
  EXPECT_EQ(stats_.torn_tail_bytes, 4096u);
  EXPECT_TRUE(reports_.empty());
}

TEST_F(BarLogTest, AFileThatIsNotABarLogIsReportedWhole) {
  write_bars(0, 2);
  increment_byte(only_segment(), 0, 1);  // magic
  EXPECT_TRUE(read().empty());
  EXPECT_EQ(stats_.unusable_segments, 1u);
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_NE(reports_[0].find("bad magic"), std::string::npos);
}

TEST_F(BarLogTest, ReopeningStartsANewSegmentAfterATornTail) {
  write_bars(0, 3);
  const fs::path first = only_segment();
  shrink_to(first, fs::file_size(first) - 20);
  write_bars(2, 3);  // bar 2 again, then 3 and 4
  const auto bars = read();
  ASSERT_EQ(bars.size(), 5u);
  for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(bars[i].sequence, i);
  EXPECT_TRUE(reports_.empty());
  EXPECT_EQ(list_bar_log_segments(dir_).size(), 2u);
}

TEST_F(BarLogTest, RetentionDeletesOldClosedSegmentsOnly) {
  BarLogOptions options;
  options.segment_bytes = kHead + 2 * kRecord;
  options.retention_ns = 3600 * kSec;
  write_bars(0, 6, options);  // segments 1, 2, 3
  auto segments = list_bar_log_segments(dir_);
  ASSERT_EQ(segments.size(), 3u);
  // Age segment 1 past the retention; now_ is the writer's idea of wall time.
  now_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count();
  fs::last_write_time(segments[0], fs::file_time_type::clock::now() - std::chrono::hours(2));
  write_bars(6, 1, options);  // opens segment 4 and sweeps
  segments = list_bar_log_segments(dir_);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].filename(), segment_file_name(2));
  const auto bars = read();
  ASSERT_EQ(bars.size(), 5u);
  EXPECT_EQ(bars.front().sequence, 2u);
}

TEST_F(BarLogTest, SyncsWhenTheIntervalHasPassed) {
  BarLogOptions options;
  options.fsync_interval_ns = kSec;
  std::unique_ptr<BarLogWriter> w;
  ASSERT_TRUE(BarLogWriter::open(dir_, "binance", "BTC/USDT", options, kT0, w).is_ok());
  ASSERT_TRUE(w->append(make_bar(0), kT0 + kSec / 2).is_ok());
  ASSERT_TRUE(w->append(make_bar(1), kT0 + kSec / 2 + 1).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 0u);
  EXPECT_EQ(w->synced_bytes(), kHead);
  ASSERT_TRUE(w->sync_if_due(kT0 + kSec - 1).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 0u);
  ASSERT_TRUE(w->sync_if_due(kT0 + kSec).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 1u);
  EXPECT_EQ(w->synced_bytes(), kHead + 2 * kRecord);
  ASSERT_TRUE(w->sync_if_due(kT0 + 5 * kSec).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 1u) << "nothing new to sync";
  ASSERT_TRUE(w->append(make_bar(2), kT0 + 10 * kSec).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 2u) << "the last sync is older than the interval";
}

TEST_F(BarLogTest, ZeroIntervalSyncsEveryAppend) {
  BarLogOptions options;
  options.fsync_interval_ns = 0;
  std::unique_ptr<BarLogWriter> w;
  ASSERT_TRUE(BarLogWriter::open(dir_, "binance", "BTC/USDT", options, kT0, w).is_ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(w->append(make_bar(static_cast<std::uint64_t>(i)), kT0).is_ok());
  EXPECT_EQ(w->stats().fsyncs.load(), 3u);
  EXPECT_EQ(w->synced_bytes(), w->segment_bytes());
}

// Polls `done` for up to five seconds (the syncer's thread runs on its own).
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(FileSyncer, SyncsAFileAndReportsWhatFdatasyncRefuses) {
  FileSyncer syncer;
  const fs::path file =
      fs::temp_directory_path() / ("tickcast_syncer_" + std::to_string(::getpid()));
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  auto kept = std::make_shared<const SharedFd>(fd);
  auto good = syncer.submit(kept);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[0]);
  // fdatasync(2) on a pipe: EINVAL. Nobody but the syncer holds this one.
  auto bad = syncer.submit(std::make_shared<const SharedFd>(pipe_fds[1]));
  ASSERT_TRUE(eventually([&] { return good->done() && bad->done(); }));
  EXPECT_EQ(good->error(), 0);
  EXPECT_EQ(bad->error(), EINVAL);
  EXPECT_EQ(::fcntl(pipe_fds[1], F_GETFD), -1) << "the last owner closes it";
  EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "a descriptor someone still holds stays open";
  kept.reset();
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
  fs::remove(file);
}

TEST_F(BarLogTest, BackgroundSyncCoversWhatWasAppendedBeforeIt) {
  FileSyncer syncer;
  BarLogOptions options;
  options.fsync_interval_ns = kSec;
  options.syncer = &syncer;
  std::unique_ptr<BarLogWriter> w;
  ASSERT_TRUE(BarLogWriter::open(dir_, "binance", "BTC/USDT", options, kT0, w).is_ok());
  ASSERT_TRUE(w->append(make_bar(0), kT0 + kSec / 2).is_ok());
  ASSERT_TRUE(w->append(make_bar(1), kT0 + kSec / 2 + 1).is_ok());
  ASSERT_TRUE(w->sync_if_due(kT0 + kSec).is_ok());  // submits
  ASSERT_TRUE(w->append(make_bar(2), kT0 + kSec + 1).is_ok());
  ASSERT_TRUE(eventually([&] {
    EXPECT_TRUE(w->sync_if_due(kT0 + kSec + 2).is_ok());
    return w->stats().fsyncs.load() == 1;
  }));
  EXPECT_EQ(w->synced_bytes(), kHead + 2 * kRecord) << "the third bar came after the submit";
  EXPECT_TRUE(w->stats().ok.load());
  // The third bar is due a second later, and the next call submits it.
  ASSERT_TRUE(eventually([&] {
    EXPECT_TRUE(w->sync_if_due(kT0 + 3 * kSec).is_ok());
    return w->stats().fsyncs.load() == 2;
  }));
  EXPECT_EQ(w->synced_bytes(), w->segment_bytes());
  EXPECT_EQ(read().size(), 3u);
}

TEST_F(BarLogTest, ABackgroundSyncOfARotatedSegmentLeavesTheNewOneAlone) {
  FileSyncer syncer;
  BarLogOptions options;
  options.fsync_interval_ns = kSec;
  options.segment_bytes = kHead + kRecord;  // one bar per segment
  options.syncer = &syncer;
  std::unique_ptr<BarLogWriter> w;
  ASSERT_TRUE(BarLogWriter::open(dir_, "binance", "BTC/USDT", options, kT0, w).is_ok());
  ASSERT_TRUE(w->append(make_bar(0), kT0).is_ok());
  ASSERT_TRUE(w->sync_if_due(kT0 + kSec).is_ok());          // submits for segment 1
  ASSERT_TRUE(w->append(make_bar(1), kT0 + kSec).is_ok());  // rotates to segment 2
  EXPECT_EQ(w->segment_number(), 2u);
  ASSERT_TRUE(eventually([&] {
    EXPECT_TRUE(w->sync_if_due(kT0 + kSec).is_ok());
    return w->stats().fsyncs.load() == 1;
  }));
  EXPECT_EQ(w->synced_bytes(), kHead) << "segment 1's sync says nothing about segment 2";
  EXPECT_EQ(read().size(), 2u);
}

TEST(BarLogRevisions, LatestRevisionPerSequenceWins) {
  std::vector<Bar> records{make_bar(0), make_bar(1), make_bar(2)};
  Bar revised = make_bar(1);
  revised.revision = 3;
  revised.close = 1;
  records.push_back(revised);
  const auto bars = latest_revisions(records);
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[1].revision, 3u);
  EXPECT_EQ(bars[1].close, 1);
}

}  // namespace
}  // namespace tickcast::feeds

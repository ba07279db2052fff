// Restart: bars logged by one Resampler are read back, and the next
// Resampler continues the series where the log ends.
#include "feeds/bar_history.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_writer.hpp"
#include "feeds/resampler.hpp"

namespace tickcast::feeds {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kMin = 60 * kSec;

Trade trade(std::uint64_t id, std::int64_t t_ns, double price) {
  Trade t;
  t.exchange = "binance";
  t.symbol = "BTCUSDT";
  t.trade_id = id;
  t.exchange_time_ns = t_ns;
  t.price = price;
  t.qty = 1;
  return t;
}

class BarHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = fs::temp_directory_path() / ("tickcast_bar_history_" + std::to_string(::getpid()));
    fs::remove_all(state_dir_);
  }
  void TearDown() override { fs::remove_all(state_dir_); }

  // One daemon run: load the history, resume, resample `trades`, log bars.
  std::vector<Bar> run_daemon(const std::vector<Trade>& trades, std::int64_t interval_ns = kMin) {
    BarHistory history;
    EXPECT_TRUE(
        load_bar_history(state_dir_, "binance", "BTCUSDT", interval_ns, nullptr, history).is_ok());
    std::unique_ptr<BarLogWriter> writer;
    EXPECT_TRUE(BarLogWriter::open(bar_log_dir(state_dir_, "binance", "BTCUSDT"), "binance",
                                   "BTCUSDT", {}, 0, writer)
                    .is_ok());
    ResamplerOptions options;
    options.exchange = "binance";
    options.symbol = "BTCUSDT";
    options.interval_ns = interval_ns;
    std::vector<Bar> emitted;
    Resampler resampler(options, [&](const BarEvent& e) {
      EXPECT_TRUE(writer->append(e.bar, 0).is_ok());
      emitted.push_back(e.bar);
    });
    if (history.resume_from) {
      resampler.resume_after(*history.resume_from);
    } else {
      resampler.start_sequence_at(history.next_sequence);
    }
    for (const Trade& t : trades) resampler.on_trade(t);
    return emitted;  // no finish(): a daemon stops with its open bar unwritten
  }

  BarHistory load(std::int64_t interval_ns = kMin) {
    BarHistory history;
    EXPECT_TRUE(
        load_bar_history(state_dir_, "binance", "BTCUSDT", interval_ns, nullptr, history).is_ok());
    return history;
  }

  fs::path state_dir_;
};

TEST_F(BarHistoryTest, AnEmptyStateDirIsAnEmptyHistory) {
  const BarHistory h = load();
  EXPECT_TRUE(h.bars.empty());
  EXPECT_FALSE(h.resume_from);
  EXPECT_EQ(h.next_sequence, 0u);
}

TEST_F(BarHistoryTest, ARestartContinuesTheSeriesWithGapsForTheDowntime) {
  // Run 1: minutes 0..3 traded, closed by a trade in minute 4.
  std::vector<Trade> first;
  for (std::uint64_t m = 0; m <= 4; ++m) {
    first.push_back(trade(m + 1, static_cast<std::int64_t>(m) * kMin + 30 * kSec, 100.0 + m));
  }
  const auto run1 = run_daemon(first);
  ASSERT_EQ(run1.size(), 4u);  // minutes 0..3; minute 4 stays open

  // Run 2 starts in minute 7: minutes 4..6 were missed, minute 7 is partial.
  const auto run2 =
      run_daemon({trade(20, 7 * kMin + 10 * kSec, 200), trade(21, 8 * kMin + 5 * kSec, 201),
                  trade(22, 9 * kMin + 5 * kSec, 202)});
  ASSERT_EQ(run2.size(), 5u);  // minutes 4..8
  for (std::size_t i = 0; i < run2.size(); ++i) {
    EXPECT_EQ(run2[i].sequence, 4 + i);
    EXPECT_EQ(run2[i].start_ns, static_cast<std::int64_t>(4 + i) * kMin);
  }
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(run2[i].status, BarStatus::kGap) << i;
  EXPECT_EQ(run2[0].close, 103) << "empty gap bars carry the logged close";
  EXPECT_EQ(run2[4].status, BarStatus::kTraded);

  const BarHistory h = load();
  ASSERT_EQ(h.bars.size(), 9u);
  for (std::size_t i = 0; i < h.bars.size(); ++i) EXPECT_EQ(h.bars[i].sequence, i);
  ASSERT_TRUE(h.resume_from);
  EXPECT_EQ(h.resume_from->sequence, 8u);
  EXPECT_EQ(h.next_sequence, 9u);
}

TEST_F(BarHistoryTest, AnIntervalChangeStartsANewSeriesWithFreshSequenceNumbers) {
  run_daemon({trade(1, 30 * kSec, 1), trade(2, 90 * kSec, 2), trade(3, 150 * kSec, 3)});
  BarHistory h = load(5 * kMin);
  EXPECT_TRUE(h.bars.empty());
  EXPECT_FALSE(h.resume_from);
  EXPECT_EQ(h.next_sequence, 2u);
  const auto run2 = run_daemon({trade(10, 20 * kMin, 5), trade(11, 26 * kMin, 6)}, 5 * kMin);
  ASSERT_EQ(run2.size(), 1u);
  EXPECT_EQ(run2[0].sequence, 2u);
  h = load(5 * kMin);
  ASSERT_EQ(h.bars.size(), 1u);
  EXPECT_TRUE(h.resume_from);
}

// A log of many small segments: 60 one-minute bars, each fifth revised two
// bars later (so some revisions land in a newer segment than their bar),
// then an interval change to five minutes and 20 more bars.
void write_long_log(const fs::path& state_dir) {
  BarLogOptions options;
  options.segment_bytes = 1500;  // a handful of records per segment
  std::unique_ptr<BarLogWriter> writer;
  ASSERT_TRUE(BarLogWriter::open(bar_log_dir(state_dir, "binance", "BTCUSDT"), "binance", "BTCUSDT",
                                 options, 0, writer)
                  .is_ok());
  const auto bar = [](std::uint64_t sequence, std::int64_t interval_ns, std::uint32_t revision) {
    Bar b;
    b.exchange = "binance";
    b.symbol = "BTCUSDT";
    b.interval_ns = interval_ns;
    b.sequence = sequence;
    b.start_ns = static_cast<std::int64_t>(sequence) * interval_ns;
    b.end_ns = b.start_ns + interval_ns;
    b.revision = revision;
    b.close = 100.0 + static_cast<double>(sequence) + revision / 10.0;
    b.open = b.high = b.low = b.close;
    return b;
  };
  for (std::uint64_t q = 0; q < 60; ++q) {
    ASSERT_TRUE(writer->append(bar(q, kMin, 0), 0).is_ok());
    if (q >= 2 && (q - 2) % 5 == 0) {
      ASSERT_TRUE(writer->append(bar(q - 2, kMin, 1), 0).is_ok());
    }
  }
  for (std::uint64_t q = 60; q < 80; ++q) {
    ASSERT_TRUE(writer->append(bar(q, 5 * kMin, 0), 0).is_ok());
  }
}

TEST_F(BarHistoryTest, RecentBarsAreTheTailOfTheWholeHistoryReadFromTheNewestSegmentsOnly) {
  write_long_log(state_dir_);
  const std::size_t segments =
      list_bar_log_segments(bar_log_dir(state_dir_, "binance", "BTCUSDT")).size();
  ASSERT_GT(segments, 10u) << "the log should span many segments";
  for (const std::int64_t interval_ns : {kMin, 5 * kMin}) {
    const BarHistory whole = load(interval_ns);  // every segment, every record
    for (const std::uint64_t up_to : {0ull, 7ull, 40ull, 59ull, 65ull, 79ull, 1000ull}) {
      for (const std::size_t count : {0u, 1u, 5u, 12u, 30u, 100u}) {
        SCOPED_TRACE("interval " + std::to_string(interval_ns / kSec) + " s, up to " +
                     std::to_string(up_to) + ", count " + std::to_string(count));
        std::vector<Bar> expected;
        for (const Bar& b : whole.bars) {
          if (b.sequence <= up_to) expected.push_back(b);
        }
        if (expected.size() > count) expected.erase(expected.begin(), expected.end() - count);

        std::vector<Bar> recent;
        BarLogReadStats stats;
        ASSERT_TRUE(load_recent_bars(state_dir_, "binance", "BTCUSDT", interval_ns, up_to, count,
                                     nullptr, recent, stats)
                        .is_ok());
        ASSERT_EQ(recent.size(), expected.size());
        for (std::size_t i = 0; i < recent.size(); ++i) {
          EXPECT_EQ(recent[i].sequence, expected[i].sequence) << i;
          EXPECT_EQ(recent[i].revision, expected[i].revision) << i;
          EXPECT_EQ(recent[i].close, expected[i].close) << i;
          EXPECT_EQ(recent[i].symbol, "BTCUSDT");
        }
      }
    }
  }
  // The newest few bars come from the newest few segments, not the log.
  std::vector<Bar> recent;
  BarLogReadStats stats;
  ASSERT_TRUE(
      load_recent_bars(state_dir_, "binance", "BTCUSDT", 5 * kMin, 79, 5, nullptr, recent, stats)
          .is_ok());
  EXPECT_EQ(recent.size(), 5u);
  EXPECT_LE(stats.segments, 3u) << "of " << segments;
}

TEST_F(BarHistoryTest, RecentBarsOfAMissingLogAreNone) {
  std::vector<Bar> recent{Bar{}};
  BarLogReadStats stats;
  ASSERT_TRUE(
      load_recent_bars(state_dir_, "binance", "BTCUSDT", kMin, 100, 10, nullptr, recent, stats)
          .is_ok());
  EXPECT_TRUE(recent.empty());
}

}  // namespace
}  // namespace tickcast::feeds

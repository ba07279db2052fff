// `tickcast bars dump`: bars written through the Resampler into a bar log
// must print exactly what `tickcast resample` prints for the same trades.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "feeds/bar_log_paths.hpp"
#include "feeds/bar_log_writer.hpp"
#include "feeds/resampler.hpp"
#include "feeds/trade_csv.hpp"
#include "tests/support/paths.hpp"

namespace tickcast {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    r.out.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path spot_trades() {
  for (const auto& entry : fs::directory_iterator(test::shared_data_dir() / "trades")) {
    if (entry.path().filename().string().rfind("binance_spot_BTCUSDT_trades_", 0) == 0) {
      return entry.path();
    }
  }
  return {};
}

class BarsDumpCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = fs::temp_directory_path() / ("tickcast_bars_dump_" + std::to_string(::getpid()));
    fs::remove_all(state_dir_);
  }
  void TearDown() override { fs::remove_all(state_dir_); }

  // The daemon's path for closed bars: Resampler -> BarLogWriter, fed from
  // the recording through the library's CSV reader.
  void log_bars_of(const fs::path& trades, std::int64_t segment_bytes) {
    feeds::BarLogOptions log_options;
    log_options.segment_bytes = segment_bytes;
    std::unique_ptr<feeds::BarLogWriter> writer;
    ASSERT_TRUE(feeds::BarLogWriter::open(feeds::bar_log_dir(state_dir_, "binance", "BTCUSDT"),
                                          "binance", "BTCUSDT", log_options, 0, writer)
                    .is_ok());
    feeds::ResamplerOptions options;
    options.exchange = "binance";
    options.symbol = "BTCUSDT";
    bool ok = true;
    feeds::Resampler resampler(
        options, [&](const feeds::BarEvent& e) { ok = ok && writer->append(e.bar, 0).is_ok(); });
    std::ifstream in(trades);
    feeds::TradeCsvReader reader(in, feeds::TradeCsvFormat::kAuto, "binance", "BTCUSDT");
    ASSERT_FALSE(reader.read_header());
    Trade trade;
    std::string error;
    while (reader.next(trade, error) == feeds::TradeCsvReader::Result::kTrade) {
      resampler.on_trade(trade);
    }
    resampler.finish();
    ASSERT_TRUE(ok);
  }

  fs::path state_dir_;
};

TEST_F(BarsDumpCli, PrintsWhatResamplePrintsForTheSameTrades) {
  const fs::path trades = spot_trades();
  ASSERT_FALSE(trades.empty());
  log_bars_of(trades, 600);  // three bars per segment: the dump spans segments
  const auto resampled = run(test::tickcast_binary().string() + " resample --interval 1m '" +
                             trades.string() + "' 2>/dev/null");
  const auto dumped = run(test::tickcast_binary().string() + " bars dump '" + state_dir_.string() +
                          "' BTCUSDT 2>/dev/null");
  ASSERT_EQ(resampled.exit_code, 0);
  ASSERT_EQ(dumped.exit_code, 0);
  EXPECT_GT(std::count(dumped.out.begin(), dumped.out.end(), '\n'), 12);
  EXPECT_EQ(dumped.out, resampled.out);
}

TEST_F(BarsDumpCli, ReportsCorruptionAndKeepsDumping) {
  log_bars_of(spot_trades(), 1 << 20);
  const fs::path dir = feeds::bar_log_dir(state_dir_, "binance", "BTCUSDT");
  const fs::path segment = *fs::directory_iterator(dir);
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(47 + 156 * 3 + 40);  // inside the fourth bar
    f.put('\x7f');
  }
  const std::string err = (state_dir_ / "err.txt").string();
  const auto dumped = run(test::tickcast_binary().string() + " bars dump '" + state_dir_.string() +
                          "' BTCUSDT 2>" + err);
  ASSERT_EQ(dumped.exit_code, 0);
  EXPECT_EQ(std::count(dumped.out.begin(), dumped.out.end(), '\n'), 1 + 12 - 1);
  std::ifstream e(err);
  const std::string messages((std::istreambuf_iterator<char>(e)), {});
  EXPECT_NE(messages.find("corruption at byte " + std::to_string(47 + 156 * 3) + ", 156 bytes"),
            std::string::npos)
      << messages;
}

TEST_F(BarsDumpCli, NamesWhatIsMissing) {
  EXPECT_EQ(run(test::tickcast_binary().string() + " bars dump '" + state_dir_.string() +
                "' ETHUSDT 2>/dev/null")
                .exit_code,
            2);
  EXPECT_EQ(run(test::tickcast_binary().string() + " bars list /tmp X 2>/dev/null").exit_code, 2);
}

}  // namespace
}  // namespace tickcast

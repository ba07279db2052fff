// Bars per second appended to the bar log without fsync (the write path the
// strand pays per closed bar), against writing the same bytes with plain
// write(2) (the reference: the cost of the syscall alone).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "feeds/bar_log_format.hpp"
#include "feeds/bar_log_writer.hpp"

namespace tickcast::feeds {
namespace {

Bar sample_bar(std::uint64_t seq) {
  Bar b;
  b.interval_ns = 60'000'000'000;
  b.start_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(seq) * b.interval_ns;
  b.end_ns = b.start_ns + b.interval_ns;
  b.open = b.high = b.low = b.close = b.vwap = 61000.5;
  b.volume = 12.5;
  b.trade_count = 900;
  b.sequence = seq;
  return b;
}

// Arg 0: no fsync (measure the append); arg 1: fsync_interval 0, so every
// append waits for fdatasync (the disk's cost, paid once per interval).
void BM_BarLogAppend(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tickcast_bar_log_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  BarLogOptions options;
  options.fsync_interval_ns = state.range(0) == 0 ? INT64_MAX : 0;
  std::unique_ptr<BarLogWriter> writer;
  if (!BarLogWriter::open(dir, "binance", "BTCUSDT", options, 0, writer).is_ok()) {
    state.SkipWithError("cannot open bar log");
    return;
  }
  std::uint64_t seq = 0;
  for (auto _ : state) {
    if (!writer->append(sample_bar(seq++), 0).is_ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
  writer.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BarLogAppend)->Arg(0)->Arg(1);

void BM_RawWriteOfARecord(benchmark::State& state) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("tickcast_raw_write_bench_" + std::to_string(::getpid()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const std::string record =
      bar_log::encode_record(bar_log::kBar, bar_log::encode_bar(sample_bar(1)));
  for (auto _ : state) {
    if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
      state.SkipWithError("write failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
  ::close(fd);
  std::filesystem::remove(path);
}
BENCHMARK(BM_RawWriteOfARecord);

}  // namespace
}  // namespace tickcast::feeds

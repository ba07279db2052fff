// Checkpoint write and read (model/checkpoint.hpp) for the default features
// and hidden 32/64/128, each against the raw file operation it cannot avoid,
// in the same run:
//   BM_CheckpointSave   encode + write_file_atomically (temp, fsync, rename,
//                       fsync dir): what the daemon pays per checkpoint
//   BM_RawWriteFsync    reference: write(2) of the same bytes + fsync
//   BM_CheckpointLoad   read + CRC + parse + validate: what a restart pays
//                       per symbol (the target: 1,000 in < 2 s)
//   BM_RawRead          reference: open + read(2) of the same file
//   BM_Encode/BM_Decode the same without the file system
//   BM_Crc32            model/crc32 (slice-by-8) over a checkpoint's bytes
//   BM_ZlibCrc32        reference: zlib's crc32() over the same bytes
//   BM_Crc32Bytewise    reference: the byte-at-a-time table loop model/crc32
//                       used before slice-by-8 (copied here)
// Files go to a fresh directory under $TMPDIR (or /tmp), removed at exit.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "model/checkpoint.hpp"
#include "model/crc32.hpp"
#include "model/model_options.hpp"

namespace tickcast::model {
namespace {

Checkpoint make_checkpoint(int hidden) {
  Checkpoint ck;
  ck.feature_names = ModelOptions{}.features;
  const int f = static_cast<int>(ck.feature_names.size());
  ck.scaler.mean.assign(static_cast<std::size_t>(f), 0.5);
  ck.scaler.scale.assign(static_cast<std::size_t>(f), 2.0);
  ck.weights = LstmWeights<float>::initialised({f, hidden, 1, 1}, 7);
  ck.has_state = true;
  ck.h.assign(1, VectorX<float>::Constant(hidden, 0.25f));
  ck.c.assign(1, VectorX<float>::Constant(hidden, -0.5f));
  ck.last_bar_sequence = 1234;
  ck.last_close = 60000.5;
  ck.meta.source = "bench";
  return ck;
}

// A fresh directory, removed with everything in it when the process exits.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/tickcast-ckbench-XXXXXX";
    const char* made = mkdtemp(pattern.data());
    path = made != nullptr ? made : "/tmp";
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (path != "/tmp") std::filesystem::remove_all(path, ignored);
  }
};

const std::filesystem::path& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

void BM_Encode(benchmark::State& state) {
  const Checkpoint ck = make_checkpoint(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string b = encode_checkpoint(ck);
    bytes += b.size();
    benchmark::DoNotOptimize(b.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_Decode(benchmark::State& state) {
  const std::string bytes = encode_checkpoint(make_checkpoint(static_cast<int>(state.range(0))));
  Checkpoint out;
  for (auto _ : state) {
    if (!decode_checkpoint(bytes, out).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.weights.head_b.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void BM_Crc32(benchmark::State& state) {
  const std::string bytes = encode_checkpoint(make_checkpoint(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(tickcast::model::crc32(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

std::uint32_t bytewise_crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t crc = ~0u;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

void BM_Crc32Bytewise(benchmark::State& state) {
  const std::string bytes = encode_checkpoint(make_checkpoint(static_cast<int>(state.range(0))));
  if (bytewise_crc32(bytes) != tickcast::model::crc32(bytes)) state.SkipWithError("CRCs differ");
  for (auto _ : state) benchmark::DoNotOptimize(bytewise_crc32(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void BM_ZlibCrc32(benchmark::State& state) {
  const std::string bytes = encode_checkpoint(make_checkpoint(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ::crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void BM_CheckpointSave(benchmark::State& state) {
  const Checkpoint ck = make_checkpoint(static_cast<int>(state.range(0)));
  const auto path = scratch_dir() / "save.tckmodel";
  for (auto _ : state) {
    if (!save_checkpoint(path, ck).ok()) state.SkipWithError("save failed");
  }
  state.counters["bytes"] = static_cast<double>(std::filesystem::file_size(path));
}

void BM_RawWriteFsync(benchmark::State& state) {
  const std::string bytes = encode_checkpoint(make_checkpoint(static_cast<int>(state.range(0))));
  const auto path = scratch_dir() / "raw.bin";
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
        ::fsync(fd) != 0) {
      state.SkipWithError("write failed");
    }
    if (fd >= 0) ::close(fd);
  }
}

void BM_CheckpointLoad(benchmark::State& state) {
  const auto path = scratch_dir() / "load.tckmodel";
  if (!save_checkpoint(path, make_checkpoint(static_cast<int>(state.range(0)))).ok()) {
    state.SkipWithError("save failed");
    return;
  }
  Checkpoint out;
  for (auto _ : state) {
    if (!load_checkpoint(path, out).ok()) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(out.weights.head_b.data());
  }
}

void BM_RawRead(benchmark::State& state) {
  const auto path = scratch_dir() / "rawread.tckmodel";
  if (!save_checkpoint(path, make_checkpoint(static_cast<int>(state.range(0)))).ok()) {
    state.SkipWithError("save failed");
    return;
  }
  std::string buffer(std::filesystem::file_size(path), '\0');
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::read(fd, buffer.data(), buffer.size()) != static_cast<ssize_t>(buffer.size())) {
      state.SkipWithError("read failed");
    }
    if (fd >= 0) ::close(fd);
    benchmark::DoNotOptimize(buffer.data());
  }
}

BENCHMARK(BM_Encode)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_Decode)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_Crc32)->Arg(32)->Arg(128);
BENCHMARK(BM_ZlibCrc32)->Arg(32)->Arg(128);
BENCHMARK(BM_Crc32Bytewise)->Arg(32)->Arg(128);
BENCHMARK(BM_CheckpointSave)->Arg(32)->Arg(128)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawWriteFsync)->Arg(32)->Arg(128)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CheckpointLoad)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawRead)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tickcast::model

BENCHMARK_MAIN();

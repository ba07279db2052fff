// Checkpoints: exact round trip, atomic replacement, and one clear error per
// kind of damage (LevelDB log_test style: each case damages the bytes of a
// good file with a small verb and checks the class and the message).
#include "model/checkpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "model/atomic_file.hpp"
#include "model/crc32.hpp"

namespace tickcast::model {
namespace {

using ::testing::HasSubstr;

Checkpoint sample() {
  Checkpoint ck;
  ck.feature_names = {"log_return", "log_range", "mask"};
  ck.target = "log_return";
  ck.scaler.mean = {1e-5, 0.002, 0.01};
  ck.scaler.scale = {0.001, 0.0015, 1.0};
  ck.scaler.target_mean = 2e-6;
  ck.scaler.target_scale = 0.0011;
  ck.weights = LstmWeights<float>::initialised({3, 5, 2, 1}, 77);
  ck.has_state = true;
  ck.h = {VectorX<float>::Constant(5, 0.25f), VectorX<float>::LinSpaced(5, -1, 1)};
  ck.c = {VectorX<float>::Constant(5, -2.5f), VectorX<float>::LinSpaced(5, 3, 4)};
  ck.last_bar_sequence = 123456789012ULL;
  ck.last_close = 23142.31;
  ck.last_bar_end_ns = 1677628860000000000LL;
  ck.meta.created_unix_ns = 1700000000123456789LL;
  ck.meta.data_start_ns = 1677628800000000000LL;
  ck.meta.data_end_ns = 1679443200000000000LL;
  ck.meta.train_rows = 21772;
  ck.meta.validation_rows = 2419;
  ck.meta.epochs_run = 9;
  ck.meta.best_epoch = 4;
  ck.meta.train_loss = 0.987;
  ck.meta.validation_loss = 1.0123;
  ck.meta.seed = 42;
  ck.meta.seq_len = 64;
  ck.meta.batch = 32;
  ck.meta.learning_rate = 1e-3;
  ck.meta.source = "binanceus_BTCUSDT_1m_20230301_20230321.csv";
  ck.model_version = 7;
  ck.residual_scale = 6.5e-4;
  return ck;
}

// sample() with an online state (format version 3) whose every field is
// set, with values no default would produce.
Checkpoint sample_online() {
  Checkpoint ck = sample();
  ck.has_online_state = true;
  OnlineState& s = ck.online;
  s.bars_seen = 901;
  s.bars_since_submit = 17;
  s.drift_alarms = 3;
  s.requested = true;
  s.drift_due = false;
  s.no_skill_due = true;
  s.submitted_once = true;
  s.was_no_skill = true;
  s.gap_run = 2;
  s.real_since_reset = 4;
  s.pending = {true, true, 123456789012ULL, 23142.31, -1.5e-4, 23138.84, 23101.5, 23176.25};
  s.conformal = {0.9, 0.005, 50, 0.0875, 880, 792, {1e-4, 3e-4, 2e-4}};
  s.scores.windows = {{2, 2, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
                      {3, 3, 0, {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12}}};
  s.scores.records = {{0.5}, {0.25, 0.125}, {1e-300, -0.0, 3}};
  s.model_scores.windows = {{3, 1, 1, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2}}};
  s.model_scores.records = {{7, 7, 7}};
  s.drift = {"page_hinkley", {41}, {0.8, 12.5, -3.25}};
  s.ring.sequences = {123456789011ULL, 123456789012ULL};
  s.ring.resets = {1, 0};
  s.ring.features = {0.001, 0.002, 0, -0.003, 0.004, 1};
  return ck;
}

void expect_same(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.feature_names, b.feature_names);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.scaler, b.scaler);
  EXPECT_EQ(a.weights.shape, b.weights.shape);
  for (std::size_t k = 0; k < a.weights.layers.size(); ++k) {
    EXPECT_EQ(a.weights.layers[k].w_ih, b.weights.layers[k].w_ih);
    EXPECT_EQ(a.weights.layers[k].w_hh, b.weights.layers[k].w_hh);
    EXPECT_EQ(a.weights.layers[k].b_ih, b.weights.layers[k].b_ih);
    EXPECT_EQ(a.weights.layers[k].b_hh, b.weights.layers[k].b_hh);
  }
  EXPECT_EQ(a.weights.head_w, b.weights.head_w);
  EXPECT_EQ(a.weights.head_b, b.weights.head_b);
  EXPECT_EQ(a.has_state, b.has_state);
  EXPECT_EQ(a.h, b.h);
  EXPECT_EQ(a.c, b.c);
  EXPECT_EQ(a.last_bar_sequence, b.last_bar_sequence);
  EXPECT_EQ(a.last_close, b.last_close);
  EXPECT_EQ(a.last_bar_end_ns, b.last_bar_end_ns);
  EXPECT_EQ(a.meta, b.meta);
  EXPECT_EQ(a.model_version, b.model_version);
  EXPECT_EQ(a.residual_scale, b.residual_scale);
  EXPECT_EQ(a.has_online_state, b.has_online_state);
  EXPECT_TRUE(a.online == b.online);
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("6789", crc32("12345")), 0xCBF43926u);
}

TEST(Checkpoint, RoundTripIsExact) {
  Checkpoint back;
  const std::string bytes = encode_checkpoint(sample());
  ASSERT_TRUE(decode_checkpoint(bytes, back).ok());
  expect_same(sample(), back);
  // And re-encoding gives the very same bytes.
  EXPECT_EQ(encode_checkpoint(back), bytes);
}

TEST(Checkpoint, RoundTripWithOnlineStateIsExact) {
  Checkpoint back;
  const std::string bytes = encode_checkpoint(sample_online());
  const auto status = decode_checkpoint(bytes, back);
  ASSERT_TRUE(status.ok()) << status.message;
  expect_same(sample_online(), back);
  EXPECT_EQ(back.online.conformal.scores, (std::vector<double>{1e-4, 3e-4, 2e-4}));
  EXPECT_EQ(back.online.ring.features.size(), 6u);
  EXPECT_EQ(encode_checkpoint(back), bytes);
  // Without the online state the payload is 1 byte (the flag) past residual_scale.
  EXPECT_GT(bytes.size(), encode_checkpoint(sample()).size() + 600);
}

TEST(Checkpoint, RoundTripWithoutState) {
  Checkpoint ck = sample();
  ck.has_state = false;
  ck.h.clear();
  ck.c.clear();
  Checkpoint back;
  ASSERT_TRUE(decode_checkpoint(encode_checkpoint(ck), back).ok());
  expect_same(ck, back);
}

TEST(Checkpoint, HeaderLayoutIsAsDocumented) {
  const std::string bytes = encode_checkpoint(sample());
  EXPECT_EQ(bytes.substr(0, 8), "TCKMODEL");
  std::uint32_t version = 0;
  std::uint64_t length = 0;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&length, bytes.data() + 12, 8);
  EXPECT_EQ(version, 3u);
  EXPECT_EQ(length + 20 + 4, bytes.size());
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  EXPECT_EQ(stored, crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));
  // The payload starts with the shape: input 3, hidden 5, layers 2, output 1.
  std::uint32_t shape[4];
  std::memcpy(shape, bytes.data() + 20, 16);
  EXPECT_THAT(shape, ::testing::ElementsAre(3u, 5u, 2u, 1u));
}

// Verbs that damage a good file.
class CheckpointDamage : public ::testing::Test {
 protected:
  std::string bytes = encode_checkpoint(sample());

  void increment_byte(std::size_t offset) { bytes[offset] = static_cast<char>(bytes[offset] + 1); }
  void shrink_to(std::size_t size) { bytes.resize(size); }
  void fix_checksum() {
    const std::uint32_t crc = crc32(std::string_view(bytes).substr(0, bytes.size() - 4));
    std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  }
  template <typename V>
  void write_at(std::size_t offset, V v) {
    std::memcpy(bytes.data() + offset, &v, sizeof(V));
  }
  CheckpointStatus load() {
    Checkpoint ck;
    return decode_checkpoint(bytes, ck);
  }
  // Offset of the first feature name's text: after the 20-byte header, four
  // u32 sizes, the u32 feature count and the u16 name length.
  static constexpr std::size_t kFirstFeatureName = 20 + 16 + 4 + 2;
};

TEST_F(CheckpointDamage, OtherFileIsNotACheckpoint) {
  bytes = "open_time,open,high,low,close,volume\n2023-03-01...";
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kNotACheckpoint);
  EXPECT_THAT(s.message, HasSubstr("not a tickcast checkpoint"));
}

TEST_F(CheckpointDamage, NewerVersionIsReportedAsNewerEvenThoughTheRestDiffers) {
  write_at<std::uint32_t>(8, 4);
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kNewerVersion);
  EXPECT_THAT(s.message, HasSubstr("format version 4 is newer"));
}

// A version-2 file is a version-3 payload without its last byte (the
// online-state flag, 0 in sample()): it still loads, without online state.
TEST_F(CheckpointDamage, VersionTwoFileStillLoads) {
  ASSERT_EQ(bytes[bytes.size() - 5], '\0');  // the flag: no online state
  const std::size_t payload = bytes.size() - 24 - 1;
  bytes.erase(20 + payload, 1);
  write_at<std::uint32_t>(8, 2);
  write_at<std::uint64_t>(12, payload);
  fix_checksum();
  Checkpoint ck;
  const auto s = decode_checkpoint(bytes, ck);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_FALSE(ck.has_online_state);
  expect_same(sample(), ck);
  // A version-2 file cut one byte short of that is malformed.
  bytes.erase(bytes.size() - 5, 1);
  write_at<std::uint64_t>(12, payload - 1);
  fix_checksum();
  EXPECT_EQ(load().code, CheckpointError::kMalformed);
}

// A version-1 file is a version-2 payload without its last 16 bytes
// (model_version u64, residual_scale f64): it still loads, with both 0.
TEST_F(CheckpointDamage, VersionOneFileStillLoads) {
  const std::size_t payload = bytes.size() - 24 - 16 - 1;
  bytes.erase(20 + payload, 16 + 1);
  write_at<std::uint32_t>(8, 1);
  write_at<std::uint64_t>(12, payload);
  fix_checksum();
  Checkpoint ck;
  const auto s = decode_checkpoint(bytes, ck);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_EQ(ck.model_version, 0u);
  EXPECT_EQ(ck.residual_scale, 0.0);
  Checkpoint expected = sample();
  expected.model_version = 0;
  expected.residual_scale = 0;
  expect_same(expected, ck);
}

TEST_F(CheckpointDamage, TruncatedFileAtEveryLength) {
  const std::size_t full = bytes.size();
  for (std::size_t size : {std::size_t{5}, std::size_t{19}, std::size_t{20}, full / 2, full - 1}) {
    bytes = encode_checkpoint(sample());
    shrink_to(size);
    const auto s = load();
    EXPECT_EQ(s.code, CheckpointError::kTruncated) << size;
    EXPECT_THAT(s.message, HasSubstr("truncated")) << size;
  }
}

TEST_F(CheckpointDamage, TrailingBytes) {
  bytes += "xyz";
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kTrailingBytes);
  EXPECT_THAT(s.message, HasSubstr("3 unexpected bytes after the checksum"));
}

TEST_F(CheckpointDamage, AnyFlippedPayloadByteFailsTheChecksum) {
  for (std::size_t offset = 20; offset < bytes.size(); offset += 97) {
    std::string good = bytes;
    increment_byte(offset);
    const auto s = load();
    EXPECT_EQ(s.code, CheckpointError::kChecksumMismatch) << offset;
    EXPECT_THAT(s.message, HasSubstr("checksum mismatch"));
    bytes = good;
  }
}

TEST_F(CheckpointDamage, UnknownFeatureName) {
  bytes[kFirstFeatureName] = 'X';  // "log_return" -> "Xog_return"
  fix_checksum();
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kUnknownFeature);
  EXPECT_THAT(s.message, HasSubstr("unknown feature \"Xog_return\""));
}

TEST_F(CheckpointDamage, ImplausibleOrInconsistentShape) {
  write_at<std::uint32_t>(20 + 4, 0);  // hidden 0
  fix_checksum();
  auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kBadShape);
  EXPECT_THAT(s.message, HasSubstr("implausible shape: input 3, hidden 0"));

  bytes = encode_checkpoint(sample());
  write_at<std::uint32_t>(20, 4);  // input 4, but 3 feature names
  fix_checksum();
  s = load();
  EXPECT_EQ(s.code, CheckpointError::kBadShape);
  EXPECT_THAT(s.message, HasSubstr("3 feature names for input 4"));
}

TEST_F(CheckpointDamage, PayloadEndsEarlyDespiteAValidChecksum) {
  // A writer bug: the length and checksum are consistent but the payload is
  // short. Cut 10 bytes out of the middle of the metadata, and the 16 bytes
  // of version-2 fields and the version-3 flag after it, and re-frame.
  bytes.erase(bytes.size() - 4 - 17, 17);
  bytes.erase(bytes.size() - 4 - 30, 10);
  write_at<std::uint64_t>(12, bytes.size() - 24);
  fix_checksum();
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kMalformed);
  EXPECT_THAT(s.message, HasSubstr("ends inside the metadata"));
}

// Found by fuzz_checkpoint: every dimension within its limit, together 545 GB
// of weights. The payload is far too short for them, and that must be said
// before anything is allocated (bad_alloc, or an OOM kill, otherwise).
TEST_F(CheckpointDamage, AHugeShapeWithAShortPayloadFailsBeforeAllocating) {
  write_at<std::uint32_t>(20 + 4, 1u << 14);   // hidden
  write_at<std::uint32_t>(20 + 8, 64);         // layers
  write_at<std::uint32_t>(20 + 12, 1u << 10);  // outputs
  fix_checksum();
  CheckpointStatus s;
  ASSERT_NO_THROW(s = load());
  EXPECT_EQ(s.code, CheckpointError::kMalformed);
  EXPECT_THAT(s.message, HasSubstr("ends inside the LSTM weights"));
}

TEST_F(CheckpointDamage, NonPositiveScaleIsABadValue) {
  // The scaler's first scale follows the names ("log_return", "log_range",
  // "mask"), the target ("log_return") and the 3 means.
  const std::size_t scale0 = 20 + 20 + (2 + 10) + (2 + 9) + (2 + 4) + (2 + 10) + 3 * 8;
  write_at<double>(scale0, -1.0);
  fix_checksum();
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kBadValue);
  EXPECT_THAT(s.message, HasSubstr("scaler of feature \"log_return\""));
}

TEST_F(CheckpointDamage, UnknownTargetIsABadValue) {
  const std::size_t target = 20 + 20 + (2 + 10) + (2 + 9) + (2 + 4) + 2;
  bytes[target] = 'X';
  fix_checksum();
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kBadValue);
  EXPECT_THAT(s.message, HasSubstr("unknown target \"Xog_return\""));
}

class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("tickcast_checkpoint_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST_F(CheckpointFile, SaveReplacesAtomicallyAndLeavesNoTempFile) {
  const auto path = dir / "BTCUSDT.model";
  ASSERT_TRUE(save_checkpoint(path, sample()).ok());
  Checkpoint second = sample();
  second.last_bar_sequence = 7;
  ASSERT_TRUE(save_checkpoint(path, second).ok());
  Checkpoint back;
  const auto s = load_checkpoint(path, back);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_EQ(back.last_bar_sequence, 7u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(CheckpointFile, WriteIntoAMissingDirectoryFailsCleanly) {
  const auto s = save_checkpoint(dir / "no" / "such" / "x.model", sample());
  EXPECT_EQ(s.code, CheckpointError::kIo);
  EXPECT_THAT(s.message, HasSubstr("create"));
  EXPECT_THAT(s.message, HasSubstr("No such file or directory"));
}

TEST_F(CheckpointFile, LoadErrorsNameThePath) {
  Checkpoint ck;
  auto s = load_checkpoint(dir / "absent.model", ck);
  EXPECT_EQ(s.code, CheckpointError::kIo);
  EXPECT_THAT(s.message, HasSubstr("absent.model: cannot open"));
  ASSERT_EQ(write_file_atomically(dir / "half.model", encode_checkpoint(sample()).substr(0, 100)),
            "");
  s = load_checkpoint(dir / "half.model", ck);
  EXPECT_EQ(s.code, CheckpointError::kTruncated);
  EXPECT_THAT(s.message, HasSubstr("half.model: truncated"));
}

TEST(CheckCompatible, NamesTheFirstDifferenceFromTheConfig) {
  ModelOptions o;
  o.layers = 2;
  o.hidden = 5;
  o.features = {"log_return", "log_range", "mask"};
  EXPECT_EQ(check_compatible(sample(), o), "");
  o.hidden = 32;
  EXPECT_EQ(check_compatible(sample(), o), "checkpoint has hidden 5, config model.hidden = 32");
  o.hidden = 5;
  o.features = {"log_return", "mask", "log_range"};
  EXPECT_THAT(check_compatible(sample(), o), HasSubstr("differ from config model.features"));
  o.features = {"log_return", "log_range", "mask"};
  o.target = "close";
  EXPECT_THAT(check_compatible(sample(), o), HasSubstr("checkpoint predicts \"log_return\""));
}

// Damage inside the online state, with the checksum fixed (a writer bug):
// each is refused with its own class, never read past the end.
class OnlineStateDamage : public CheckpointDamage {
 protected:
  OnlineStateDamage() { bytes = encode_checkpoint(sample_online()); }
  // Offset of the online-state flag: the payload of sample() ends with it.
  const std::size_t flag = encode_checkpoint(sample()).size() - 5;
};

TEST_F(OnlineStateDamage, FlagOtherThanZeroOrOne) {
  ASSERT_EQ(bytes[flag], '\1');
  bytes[flag] = 2;
  fix_checksum();
  const auto s = load();
  EXPECT_EQ(s.code, CheckpointError::kBadValue);
  EXPECT_THAT(s.message, HasSubstr("online-state flag"));
}

TEST_F(OnlineStateDamage, PayloadEndingInsideIt) {
  for (std::size_t cut : {std::size_t{1}, std::size_t{8}, std::size_t{100}, std::size_t{400}}) {
    bytes = encode_checkpoint(sample_online());
    bytes.erase(bytes.size() - 4 - cut, cut);
    write_at<std::uint64_t>(12, bytes.size() - 24);
    fix_checksum();
    const auto s = load();
    EXPECT_EQ(s.code, CheckpointError::kMalformed) << cut;
    EXPECT_THAT(s.message, HasSubstr("inside the online state")) << cut;
  }
}

TEST_F(OnlineStateDamage, ValuesOutOfTheirDomain) {
  // Counters (3 x u64), trigger flags (u8), gap counters (2 x i32), pending
  // flags (u8), sequence and 5 f64, then the conformal coverage.
  const std::size_t trigger_flags = flag + 1 + 24;
  const std::size_t coverage = trigger_flags + 1 + 8 + 1 + 8 + 40;
  const std::string good = bytes;
  bytes[trigger_flags] = static_cast<char>(0x20);
  fix_checksum();
  EXPECT_EQ(load().code, CheckpointError::kBadValue);
  EXPECT_THAT(load().message, HasSubstr("unknown trigger flags"));

  bytes = good;
  write_at<double>(coverage, 1.5);
  fix_checksum();
  EXPECT_EQ(load().code, CheckpointError::kBadValue);
  EXPECT_THAT(load().message, HasSubstr("conformal parameters"));

  Checkpoint ck = sample_online();
  ck.online.conformal.scores[1] = -1;
  bytes = encode_checkpoint(ck);
  EXPECT_THAT(load().message, HasSubstr("conformal score is negative"));

  ck = sample_online();
  ck.online.scores.records.push_back({});  // 4 records for windows of 2 and 3
  bytes = encode_checkpoint(ck);
  EXPECT_EQ(load().code, CheckpointError::kBadValue);
  EXPECT_THAT(load().message, HasSubstr("4 records do not fit the windows"));

  ck = sample_online();
  ck.online.drift.kind = "cusum";
  bytes = encode_checkpoint(ck);
  EXPECT_THAT(load().message, HasSubstr("unknown drift detector \"cusum\""));

  ck = sample_online();
  ck.online.ring.resets[0] = 7;
  bytes = encode_checkpoint(ck);
  EXPECT_THAT(load().message, HasSubstr("reset flag"));
}

}  // namespace
}  // namespace tickcast::model

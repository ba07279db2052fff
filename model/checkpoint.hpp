// The checkpoint: one self-describing file per model, holding everything the
// daemon needs to resume forecasting exactly where it stopped. The byte
// layout is in docs/model-format.md; constants and checks live here.
//
//   magic "TCKMODEL" | u32 version | u64 payload length | payload | u32 CRC-32
//
// Loading validates everything and reports one error class per kind of
// damage, so an operator can tell a truncated copy from a newer binary's file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "model/lstm_weights.hpp"
#include "model/model_options.hpp"
#include "model/online_state.hpp"
#include "model/scaler.hpp"

namespace tickcast::model {

inline constexpr std::string_view kCheckpointMagic = "TCKMODEL";
// 2 appended model_version and residual_scale to the payload; 3 appended the
// forecaster's online state (online_state.hpp). Version 1 and 2 files still
// load: the fields they lack read 0, and they have no online state.
inline constexpr std::uint32_t kCheckpointVersion = 3;
inline constexpr std::size_t kCheckpointHeaderSize = 8 + 4 + 8;  // magic, version, length
inline constexpr std::size_t kCheckpointTrailerSize = 4;         // CRC-32

// How and on what the weights were trained.
struct TrainingMetadata {
  std::int64_t created_unix_ns = 0;
  std::int64_t data_start_ns = 0;  // start of the first training bar
  std::int64_t data_end_ns = 0;    // end of the last training bar
  std::uint64_t train_rows = 0;
  std::uint64_t validation_rows = 0;
  std::uint32_t epochs_run = 0;
  std::uint32_t best_epoch = 0;
  double train_loss = 0;       // scaled units, at the best epoch
  double validation_loss = 0;  // scaled units, stateful, at the best epoch
  std::uint64_t seed = 0;
  std::uint32_t seq_len = 0;
  std::uint32_t batch = 0;
  double learning_rate = 0;
  std::string source;  // free text: where the bars came from

  friend bool operator==(const TrainingMetadata&, const TrainingMetadata&) = default;
};

struct Checkpoint {
  std::vector<std::string> feature_names;  // input order; size == weights.shape.input_size
  std::string target = "log_return";       // "log_return" or "close"
  Scaler scaler;
  LstmWeights<float> weights;

  // The stream's state after the last bar it has seen (absent for a model
  // that has not run yet). One H-vector per layer in each.
  bool has_state = false;
  std::vector<VectorX<float>> h, c;
  std::uint64_t last_bar_sequence = 0;
  double last_close = 0;  // needed for the next bar's log_return feature
  std::int64_t last_bar_end_ns = 0;

  TrainingMetadata meta;

  // Format version 2. The online model version (1, 2, ... per symbol; 0 for
  // a model trained offline or read from a version-1 file), and the mean
  // absolute log-return residual it had on its validation bars, which the
  // drift detectors divide residuals by (0: unknown).
  std::uint64_t model_version = 0;
  double residual_scale = 0;

  // Format version 3. The forecaster's scores, conformal history, drift
  // detector, gap counters, pending forecast, retrain triggers and replay
  // ring as of last_bar_sequence (Forecaster::snapshot), so a restore
  // continues exactly; absent for an offline model and in older files.
  bool has_online_state = false;
  OnlineState online;
};

enum class CheckpointError {
  kOk,
  kIo,                // cannot open, read or write the file
  kNotACheckpoint,    // the magic is wrong: some other file
  kNewerVersion,      // written by a newer tickcast; this one cannot read it
  kTruncated,         // shorter than its header says
  kTrailingBytes,     // longer than its header says
  kChecksumMismatch,  // bytes changed after writing
  kMalformed,         // checksum fine but the payload does not parse (writer bug)
  kBadShape,          // sizes implausible or inconsistent with each other
  kUnknownFeature,    // a feature name this version does not know
  kBadValue,          // a value out of its domain: unknown target, scale <= 0, NaN
};

std::string_view to_string(CheckpointError error);

struct CheckpointStatus {
  CheckpointError code = CheckpointError::kOk;
  std::string message;  // one line, naming the file and what is wrong
  [[nodiscard]] bool ok() const { return code == CheckpointError::kOk; }
};

// The file's bytes. REQUIRES: the checkpoint is consistent (shapes match).
[[nodiscard]] std::string encode_checkpoint(const Checkpoint& checkpoint);

// Parses and validates `bytes`. `out` is unspecified unless ok().
[[nodiscard]] CheckpointStatus decode_checkpoint(std::string_view bytes, Checkpoint& out);

// encode + write_file_atomically.
[[nodiscard]] CheckpointStatus save_checkpoint(const std::filesystem::path& path,
                                               const Checkpoint& checkpoint);

// Reads and decodes; messages are prefixed with the path.
[[nodiscard]] CheckpointStatus load_checkpoint(const std::filesystem::path& path, Checkpoint& out);

// "" if the checkpoint can serve under `options` (same features in the same
// order, target, layers and hidden size); else names the first difference,
// e.g. "checkpoint has hidden 64, config model.hidden = 32". The daemon uses
// this to refuse a checkpoint that does not match its config.
[[nodiscard]] std::string check_compatible(const Checkpoint& checkpoint,
                                           const ModelOptions& options);

}  // namespace tickcast::model

#include "model/checkpoint.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/atomic_file.hpp"
#include "model/byte_io.hpp"
#include "model/crc32.hpp"
#include "model/features.hpp"
#include "model/online_state_io.hpp"

namespace tickcast::model {
namespace {

// The format is little-endian; values are copied with memcpy, which is only
// right on a little-endian host.
static_assert(std::endian::native == std::endian::little, "checkpoint I/O assumes little-endian");
static_assert(kCheckpointMagic.size() == 8);
static_assert(kCheckpointHeaderSize == 20);

// Plausibility limits: anything beyond is damage, not a model.
constexpr std::uint32_t kMaxLayers = 64;
constexpr std::uint32_t kMaxHidden = 1 << 14;
constexpr std::uint32_t kMaxInputs = 1 << 12;
constexpr std::uint32_t kMaxOutputs = 1 << 10;

// The floats the weights of that shape take in the payload: per layer the
// input and recurrent matrices (4 gates) and two bias vectors, then the head.
std::uint64_t weight_floats(std::uint64_t inputs, std::uint64_t hidden, std::uint64_t layers,
                            std::uint64_t outputs) {
  const std::uint64_t gates = 4 * hidden;
  const std::uint64_t input_matrices = gates * inputs + (layers - 1) * gates * hidden;
  return input_matrices + layers * (gates * hidden + 2 * gates) + hidden * outputs + outputs;
}

CheckpointStatus fail(CheckpointError code, std::string message) {
  return {code, std::move(message)};
}

bool all_finite(const LstmWeights<float>& w) {
  bool finite = true;
  w.for_each_tensor([&](const std::string&, const float* d, Eigen::Index r, Eigen::Index c) {
    for (Eigen::Index i = 0; i < r * c; ++i) finite = finite && std::isfinite(d[i]);
  });
  return finite;
}

}  // namespace

std::string_view to_string(CheckpointError error) {
  switch (error) {
    case CheckpointError::kOk:
      return "ok";
    case CheckpointError::kIo:
      return "io";
    case CheckpointError::kNotACheckpoint:
      return "not a checkpoint";
    case CheckpointError::kNewerVersion:
      return "newer version";
    case CheckpointError::kTruncated:
      return "truncated";
    case CheckpointError::kTrailingBytes:
      return "trailing bytes";
    case CheckpointError::kChecksumMismatch:
      return "checksum mismatch";
    case CheckpointError::kMalformed:
      return "malformed";
    case CheckpointError::kBadShape:
      return "bad shape";
    case CheckpointError::kUnknownFeature:
      return "unknown feature";
    case CheckpointError::kBadValue:
      return "bad value";
  }
  return "unknown";
}

std::string encode_checkpoint(const Checkpoint& ck) {
  const LstmShape& s = ck.weights.shape;
  ByteWriter p;  // the payload
  p.put(static_cast<std::uint32_t>(s.input_size));
  p.put(static_cast<std::uint32_t>(s.hidden));
  p.put(static_cast<std::uint32_t>(s.layers));
  p.put(static_cast<std::uint32_t>(s.output_size));
  p.put(static_cast<std::uint32_t>(ck.feature_names.size()));
  for (const auto& name : ck.feature_names) p.put_string(name);
  p.put_string(ck.target);
  for (double m : ck.scaler.mean) p.put(m);
  for (double sc : ck.scaler.scale) p.put(sc);
  p.put(ck.scaler.target_mean);
  p.put(ck.scaler.target_scale);
  for (const auto& l : ck.weights.layers) {
    p.put_matrix(l.w_ih);
    p.put_matrix(l.w_hh);
    p.put_matrix(l.b_ih);
    p.put_matrix(l.b_hh);
  }
  p.put_matrix(ck.weights.head_w);
  p.put_matrix(ck.weights.head_b);
  p.put(static_cast<std::uint8_t>(ck.has_state ? 1 : 0));
  if (ck.has_state) {
    for (std::size_t k = 0; k < ck.h.size(); ++k) {
      p.put_matrix(ck.h[k]);
      p.put_matrix(ck.c[k]);
    }
  }
  p.put(ck.last_bar_sequence);
  p.put(ck.last_close);
  p.put(ck.last_bar_end_ns);
  const TrainingMetadata& m = ck.meta;
  p.put(m.created_unix_ns);
  p.put(m.data_start_ns);
  p.put(m.data_end_ns);
  p.put(m.train_rows);
  p.put(m.validation_rows);
  p.put(m.epochs_run);
  p.put(m.best_epoch);
  p.put(m.train_loss);
  p.put(m.validation_loss);
  p.put(m.seed);
  p.put(m.seq_len);
  p.put(m.batch);
  p.put(m.learning_rate);
  p.put_string(m.source);
  p.put(ck.model_version);  // version 2
  p.put(ck.residual_scale);
  p.put(static_cast<std::uint8_t>(ck.has_online_state ? 1 : 0));  // version 3
  if (ck.has_online_state) put_online_state(p, ck.online);

  ByteWriter file;
  file.out.append(kCheckpointMagic);
  file.put(kCheckpointVersion);
  file.put(static_cast<std::uint64_t>(p.out.size()));
  file.out += p.out;
  file.put(crc32(file.out));
  return std::move(file.out);
}

CheckpointStatus decode_checkpoint(std::string_view bytes, Checkpoint& ck) {
  using E = CheckpointError;
  // 1. Framing: magic, version, length, checksum, in that order, so that a
  //    newer file is reported as newer and not as corrupt.
  if (bytes.substr(0, 8) != kCheckpointMagic.substr(0, std::min<std::size_t>(8, bytes.size())) ||
      bytes.empty()) {
    return fail(E::kNotACheckpoint, "not a tickcast checkpoint (no TCKMODEL magic)");
  }
  if (bytes.size() < kCheckpointHeaderSize) {
    return fail(E::kTruncated, "truncated: " + std::to_string(bytes.size()) +
                                   " bytes, shorter than the 20-byte header");
  }
  ByteReader header(bytes.substr(8, 12));
  std::uint32_t version = 0;
  std::uint64_t length = 0;
  (void)header.get(version);
  (void)header.get(length);
  if (version > kCheckpointVersion) {
    return fail(E::kNewerVersion, "format version " + std::to_string(version) +
                                      " is newer than this tickcast reads (" +
                                      std::to_string(kCheckpointVersion) + "); upgrade tickcast");
  }
  if (version == 0) return fail(E::kBadValue, "format version 0 does not exist");
  const std::size_t available = bytes.size() - kCheckpointHeaderSize;
  if (length > available || available - length < kCheckpointTrailerSize) {
    return fail(E::kTruncated, "truncated: the header promises a " + std::to_string(length) +
                                   "-byte payload and checksum, the file has " +
                                   std::to_string(available) + " bytes after the header");
  }
  if (available - length > kCheckpointTrailerSize) {
    return fail(E::kTrailingBytes, std::to_string(available - length - kCheckpointTrailerSize) +
                                       " unexpected bytes after the checksum");
  }
  const std::size_t covered = kCheckpointHeaderSize + static_cast<std::size_t>(length);
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + covered, 4);
  if (const std::uint32_t actual = crc32(bytes.substr(0, covered)); actual != stored) {
    std::ostringstream s;
    s << "checksum mismatch: stored 0x" << std::hex << stored << ", computed 0x" << actual
      << " (the file is corrupt)";
    return fail(E::kChecksumMismatch, s.str());
  }

  // 2. The payload.
  ByteReader p(bytes.substr(kCheckpointHeaderSize, static_cast<std::size_t>(length)));
  const auto malformed = [](const char* where) {
    return fail(E::kMalformed, std::string("malformed payload: ends inside ") + where);
  };
  std::uint32_t in = 0, hid = 0, layers = 0, outs = 0, nfeat = 0;
  if (!p.get(in) || !p.get(hid) || !p.get(layers) || !p.get(outs) || !p.get(nfeat)) {
    return malformed("the shape");
  }
  const LstmShape shape{static_cast<int>(in), static_cast<int>(hid), static_cast<int>(layers),
                        static_cast<int>(outs)};
  if (in < 1 || in > kMaxInputs || hid < 1 || hid > kMaxHidden || layers < 1 ||
      layers > kMaxLayers || outs < 1 || outs > kMaxOutputs) {
    return fail(E::kBadShape, "implausible shape: " + describe(shape));
  }
  if (nfeat != in) {
    return fail(E::kBadShape, std::to_string(nfeat) + " feature names for " + describe(shape));
  }
  ck = Checkpoint{};
  ck.feature_names.resize(nfeat);
  for (auto& name : ck.feature_names) {
    if (!p.get_string(name)) return malformed("the feature names");
  }
  if (std::string error = check_feature_names(ck.feature_names); !error.empty()) {
    return fail(E::kUnknownFeature, error);
  }
  if (!p.get_string(ck.target)) return malformed("the target");
  if (Target t{}; !parse_target(ck.target, t)) {
    return fail(E::kBadValue, "unknown target \"" + ck.target + "\"");
  }
  ck.scaler.mean.resize(nfeat);
  ck.scaler.scale.resize(nfeat);
  for (double& v : ck.scaler.mean) {
    if (!p.get(v)) return malformed("the scaler");
  }
  for (double& v : ck.scaler.scale) {
    if (!p.get(v)) return malformed("the scaler");
  }
  if (!p.get(ck.scaler.target_mean) || !p.get(ck.scaler.target_scale)) {
    return malformed("the scaler");
  }
  for (std::size_t k = 0; k < nfeat; ++k) {
    if (!std::isfinite(ck.scaler.mean[k]) || !(ck.scaler.scale[k] > 0) ||
        !std::isfinite(ck.scaler.scale[k])) {
      return fail(E::kBadValue, "scaler of feature \"" + ck.feature_names[k] +
                                    "\" is not finite with a positive scale");
    }
  }
  if (!std::isfinite(ck.scaler.target_mean) || !(ck.scaler.target_scale > 0) ||
      !std::isfinite(ck.scaler.target_scale)) {
    return fail(E::kBadValue, "target scaler is not finite with a positive scale");
  }
  // Checked before allocating: a file that claims a huge shape (1 << 14
  // hidden, 64 layers are plausible one by one) must fail as cut short, not
  // allocate gigabytes first (fuzz_checkpoint found a 2.6 GB allocation).
  if (weight_floats(in, hid, layers, outs) > p.remaining() / sizeof(float)) {
    return malformed("the LSTM weights");
  }
  ck.weights = LstmWeights<float>::zeros(shape);
  for (auto& l : ck.weights.layers) {
    if (!p.get_matrix(l.w_ih) || !p.get_matrix(l.w_hh) || !p.get_vector(l.b_ih) ||
        !p.get_vector(l.b_hh)) {
      return malformed("the LSTM weights");
    }
  }
  if (!p.get_matrix(ck.weights.head_w) || !p.get_vector(ck.weights.head_b)) {
    return malformed("the head weights");
  }
  if (!all_finite(ck.weights)) return fail(E::kBadValue, "a weight is NaN or infinite");
  std::uint8_t has_state = 0;
  if (!p.get(has_state)) return malformed("the state flag");
  if (has_state > 1) return fail(E::kBadValue, "state flag is neither 0 nor 1");
  ck.has_state = has_state == 1;
  if (ck.has_state) {
    ck.h.assign(layers, VectorX<float>(hid));
    ck.c.assign(layers, VectorX<float>(hid));
    for (std::size_t k = 0; k < layers; ++k) {
      if (!p.get_vector(ck.h[k]) || !p.get_vector(ck.c[k])) return malformed("the LSTM state");
      if (!ck.h[k].allFinite() || !ck.c[k].allFinite()) {
        return fail(E::kBadValue, "the LSTM state is NaN or infinite");
      }
    }
  }
  TrainingMetadata& m = ck.meta;
  if (!p.get(ck.last_bar_sequence) || !p.get(ck.last_close) || !p.get(ck.last_bar_end_ns) ||
      !p.get(m.created_unix_ns) || !p.get(m.data_start_ns) || !p.get(m.data_end_ns) ||
      !p.get(m.train_rows) || !p.get(m.validation_rows) || !p.get(m.epochs_run) ||
      !p.get(m.best_epoch) || !p.get(m.train_loss) || !p.get(m.validation_loss) || !p.get(m.seed) ||
      !p.get(m.seq_len) || !p.get(m.batch) || !p.get(m.learning_rate) || !p.get_string(m.source)) {
    return malformed("the metadata");
  }
  if (version >= 2) {
    if (!p.get(ck.model_version) || !p.get(ck.residual_scale))
      return malformed("the model version");
    if (!std::isfinite(ck.residual_scale) || ck.residual_scale < 0) {
      return fail(E::kBadValue, "residual scale is negative or not finite");
    }
  }
  if (version >= 3) {
    std::uint8_t has_online = 0;
    if (!p.get(has_online)) return malformed("the online-state flag");
    if (has_online > 1) return fail(E::kBadValue, "online-state flag is neither 0 nor 1");
    ck.has_online_state = has_online == 1;
    if (ck.has_online_state) {
      const OnlineStateError error = get_online_state(p, nfeat, ck.online);
      if (!error.message.empty()) {
        return fail(error.malformed ? E::kMalformed : E::kBadValue, error.message);
      }
    }
  }
  if (!p.at_end()) return fail(E::kMalformed, "malformed payload: bytes left after the metadata");
  return {};
}

std::string check_compatible(const Checkpoint& ck, const ModelOptions& o) {
  const LstmShape& s = ck.weights.shape;
  if (s.layers != o.layers) {
    return "checkpoint has " + std::to_string(s.layers) +
           " layers, config model.layers = " + std::to_string(o.layers);
  }
  if (s.hidden != o.hidden) {
    return "checkpoint has hidden " + std::to_string(s.hidden) +
           ", config model.hidden = " + std::to_string(o.hidden);
  }
  if (ck.target != o.target) {
    return "checkpoint predicts \"" + ck.target + "\", config model.target = \"" + o.target + "\"";
  }
  if (ck.feature_names != o.features) {
    std::string have, want;
    for (const auto& f : ck.feature_names) have += (have.empty() ? "" : ",") + f;
    for (const auto& f : o.features) want += (want.empty() ? "" : ",") + f;
    return "checkpoint features [" + have + "] differ from config model.features [" + want + "]";
  }
  return "";
}

CheckpointStatus save_checkpoint(const std::filesystem::path& path, const Checkpoint& ck) {
  if (std::string error = write_file_atomically(path, encode_checkpoint(ck)); !error.empty()) {
    return fail(CheckpointError::kIo, error);
  }
  return {};
}

CheckpointStatus load_checkpoint(const std::filesystem::path& path, Checkpoint& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(CheckpointError::kIo, path.string() + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(CheckpointError::kIo, path.string() + ": read error");
  CheckpointStatus status = decode_checkpoint(buffer.str(), out);
  if (!status.ok()) status.message = path.string() + ": " + status.message;
  return status;
}

}  // namespace tickcast::model

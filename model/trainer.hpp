// Offline training of an LSTM + head on one scaled series: truncated BPTT
// over windows of seq_len steps in shuffled mini-batches, Adam, early stopping
// on a chronological validation tail that is measured statefully.
//
// Deterministic: the same data, options and seed give bit-identical weights
// on the same machine (single-threaded Eigen; every random choice comes from
// model/random.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/lstm.hpp"
#include "model/model_options.hpp"

namespace tickcast::model {

// Row t of `inputs` (N x F) is the scaled feature vector of step t; row t of
// `targets` (N x O) is what the head should output after seeing step t.
struct SequenceData {
  MatrixX<float> inputs;
  MatrixX<float> targets;
};

struct EpochReport {
  int epoch = 0;               // 1-based
  double train_loss = 0;       // mean mini-batch loss of the epoch (scaled units)
  double validation_loss = 0;  // stateful MSE on the validation tail (scaled units)
  bool improved = false;       // best validation loss so far
  double seconds = 0;          // wall time of the epoch (not part of determinism)
};

struct TrainingResult {
  LstmWeights<float> weights;  // of the best epoch
  std::vector<EpochReport> epochs;
  int best_epoch = 0;
  double best_validation_loss = 0;
  std::size_t train_rows = 0;        // rows used for windows
  std::size_t validation_rows = 0;   // the tail measured statefully
  std::uint64_t sequence_steps = 0;  // window steps processed (for throughput)
};

// How many leading rows of `rows` the trainer uses for training windows; the
// rest, ceil(validation_fraction * rows), is its validation tail.
std::size_t training_rows(std::size_t rows, const ModelOptions& options);

// Trains a network of options.layers x options.hidden on `data`. Returns ""
// on success (result in `out`), else why it could not train (too few rows,
// options out of range). `progress` (may be empty) is called after each epoch.
[[nodiscard]] std::string train_lstm(const SequenceData& data, const ModelOptions& options,
                                     const std::function<void(const EpochReport&)>& progress,
                                     TrainingResult& out);

// The MSE of `lstm` on rows [eval_begin, eval_end) of `data`, stepping
// statefully from a zero state that first warms up on rows
// [warm_begin, eval_begin) (outputs there ignored). This is what validation
// measures, and how the daemon runs.
[[nodiscard]] double stateful_mse(const Lstm<float>& lstm, const SequenceData& data,
                                  std::size_t warm_begin, std::size_t eval_begin,
                                  std::size_t eval_end);

}  // namespace tickcast::model

// One trained model, ready to serve: weights, the scaler and features it was
// trained with, its target, how it was trained, and its online version.
//
// Immutable once built and shared as std::shared_ptr<const ModelBundle>: a
// retrain job builds one on a training thread and hands it to the symbol's
// strand, checkpoints are written from it, and any number of streams may
// step through it (each with its own LstmState).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "feeds/market.hpp"
#include "model/checkpoint.hpp"
#include "model/features.hpp"
#include "model/lstm.hpp"
#include "model/scaler.hpp"

namespace tickcast::model {

struct ModelBundle {
  // REQUIRES: check_feature_names(feature_names) is empty, weights are
  // well-shaped with input_size == feature_names.size(), scaler sizes match.
  ModelBundle(std::uint64_t version, const std::vector<std::string>& feature_names, Target target,
              Scaler scaler, LstmWeights<float> weights, TrainingMetadata meta,
              double residual_scale);

  std::uint64_t version;  // >= 1 for online models; 0 for an offline one
  FeatureSet features;
  Target target;
  Scaler scaler;
  Lstm<float> lstm;
  TrainingMetadata meta;
  // Mean |log-return residual| on the validation bars: the unit the drift
  // detectors measure residuals in (0 if unknown; then 1 is used).
  double residual_scale;

  // The predicted log return of the next bar from a head output y made at a
  // bar closing at `close` (the scaler is undone; a "close" target is turned
  // into a return). NaN if the model's predicted close is not positive.
  [[nodiscard]] double predicted_return(float y, double close) const;

  // A checkpoint of this model without a state (has_state false).
  [[nodiscard]] Checkpoint to_checkpoint() const;
};

// Builds a bundle from a decoded checkpoint (its weights, scaler, features,
// target, meta, model_version and residual_scale; the state is left to the
// caller). Returns "" or why not (e.g. a scaler whose size does not match).
[[nodiscard]] std::string bundle_from_checkpoint(const Checkpoint& checkpoint,
                                                 std::shared_ptr<const ModelBundle>& out);

// The LSTM state carried by a checkpoint, as a state for bundle.lstm.
// REQUIRES: checkpoint.has_state and shapes match.
[[nodiscard]] LstmState<float> state_from_checkpoint(const ModelBundle& bundle,
                                                     const Checkpoint& checkpoint);

}  // namespace tickcast::model

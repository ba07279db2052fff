// Comparing checkpoints the daemon and `tickcast backtest` wrote, for the
// live-vs-backtest parity tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "model/checkpoint.hpp"

namespace tickcast::test {

// The checkpoint in `file`; a load failure is a test failure.
inline model::Checkpoint load_checkpoint_or_fail(const std::filesystem::path& file) {
  model::Checkpoint ck;
  const model::CheckpointStatus status = model::load_checkpoint(file, ck);
  EXPECT_TRUE(status.ok()) << file << ": " << status.message;
  return ck;
}

// The same trained model: version, features, target, scaler, every weight,
// residual scale and training metadata, bit for bit. Not compared: the
// creation time (the daemon's clock vs the bar's end) and the free-text
// source.
inline void expect_same_trained_model(const model::Checkpoint& a, const model::Checkpoint& b) {
  EXPECT_EQ(a.model_version, b.model_version);
  EXPECT_EQ(a.feature_names, b.feature_names);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.scaler, b.scaler);
  ASSERT_EQ(a.weights.shape, b.weights.shape);
  for (std::size_t k = 0; k < a.weights.layers.size(); ++k) {
    EXPECT_EQ(a.weights.layers[k].w_ih, b.weights.layers[k].w_ih) << k;
    EXPECT_EQ(a.weights.layers[k].w_hh, b.weights.layers[k].w_hh) << k;
    EXPECT_EQ(a.weights.layers[k].b_ih, b.weights.layers[k].b_ih) << k;
    EXPECT_EQ(a.weights.layers[k].b_hh, b.weights.layers[k].b_hh) << k;
  }
  EXPECT_EQ(a.weights.head_w, b.weights.head_w);
  EXPECT_EQ(a.weights.head_b, b.weights.head_b);
  EXPECT_EQ(a.residual_scale, b.residual_scale);
  model::TrainingMetadata ma = a.meta, mb = b.meta;
  ma.created_unix_ns = mb.created_unix_ns = 0;
  ma.source = mb.source = "";
  EXPECT_EQ(ma, mb);
}

}  // namespace tickcast::test

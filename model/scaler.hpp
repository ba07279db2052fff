// Standardisation of features and target: (x - mean) / scale, fitted on the
// training window only (never on data the model will be scored on) and
// stored in the checkpoint with the weights.
#pragma once

#include <span>
#include <vector>

#include "model/lstm_weights.hpp"

namespace tickcast::model {

struct Scaler {
  std::vector<double> mean;   // per feature
  std::vector<double> scale;  // per feature, > 0
  double target_mean = 0.0;
  double target_scale = 1.0;

  // Fits on rows [0, rows) of `features` (N x F) and `targets` (N). A
  // feature that is constant there (e.g. trade_count for a source without
  // counts) gets scale 1 so that it maps to 0 rather than dividing by zero.
  static Scaler fit(const MatrixX<double>& features, const VectorX<double>& targets,
                    Eigen::Index rows);

  // F raw values to F scaled floats.
  void transform(std::span<const double> raw, std::span<float> scaled) const noexcept;
  [[nodiscard]] double scale_target(double raw) const { return (raw - target_mean) / target_scale; }
  [[nodiscard]] double unscale_target(double scaled) const {
    return scaled * target_scale + target_mean;
  }

  friend bool operator==(const Scaler&, const Scaler&) = default;
};

}  // namespace tickcast::model

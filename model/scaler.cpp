#include "model/scaler.hpp"

#include <cmath>

namespace tickcast::model {
namespace {

// Mean and population standard deviation, two-pass for accuracy.
std::pair<double, double> moments(const auto& values, Eigen::Index rows) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < rows; ++i) sum += values(i);
  const double mean = rows > 0 ? sum / static_cast<double>(rows) : 0.0;
  double sq = 0.0;
  for (Eigen::Index i = 0; i < rows; ++i) sq += (values(i) - mean) * (values(i) - mean);
  const double sd = rows > 0 ? std::sqrt(sq / static_cast<double>(rows)) : 0.0;
  return {mean, sd > 1e-12 ? sd : 1.0};
}

}  // namespace

Scaler Scaler::fit(const MatrixX<double>& features, const VectorX<double>& targets,
                   Eigen::Index rows) {
  Scaler s;
  for (Eigen::Index k = 0; k < features.cols(); ++k) {
    const auto [m, sd] = moments(features.col(k), rows);
    s.mean.push_back(m);
    s.scale.push_back(sd);
  }
  std::tie(s.target_mean, s.target_scale) = moments(targets, rows);
  return s;
}

void Scaler::transform(std::span<const double> raw, std::span<float> scaled) const noexcept {
  for (std::size_t k = 0; k < raw.size(); ++k) {
    scaled[k] = static_cast<float>((raw[k] - mean[k]) / scale[k]);
  }
}

}  // namespace tickcast::model

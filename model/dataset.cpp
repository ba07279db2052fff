#include "model/dataset.hpp"

#include <cmath>

#include "model/options_check.hpp"

namespace tickcast::model {

MatrixX<double> compute_features(const FeatureSet& set, const std::vector<Bar>& bars) {
  MatrixX<double> out(static_cast<Eigen::Index>(bars.size()),
                      static_cast<Eigen::Index>(set.size()));
  std::vector<double> row(set.size());
  for (std::size_t t = 0; t < bars.size(); ++t) {
    set.compute(bars[t], t == 0 ? 0.0 : bars[t - 1].close, row);
    for (std::size_t k = 0; k < row.size(); ++k) {
      out(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(k)) = row[k];
    }
  }
  return out;
}

std::string prepare_data(const std::vector<Bar>& bars, const ModelOptions& options,
                         PreparedData& out) {
  if (std::string error = check_options(options); !error.empty()) return error;
  if (bars.size() < 2) return "need at least 2 bars, got " + std::to_string(bars.size());
  Target target{};
  (void)parse_target(options.target, target);  // checked by check_options
  const FeatureSet set(options.features);
  out = PreparedData{};
  out.raw_features = compute_features(set, bars);
  const auto rows = static_cast<Eigen::Index>(bars.size() - 1);
  out.raw_targets.resize(rows);
  for (Eigen::Index t = 0; t < rows; ++t) {
    out.raw_targets(t) = target_value(target, bars[static_cast<std::size_t>(t)].close,
                                      bars[static_cast<std::size_t>(t) + 1].close);
  }
  out.fit_rows = static_cast<Eigen::Index>(training_rows(static_cast<std::size_t>(rows), options));
  out.scaler = Scaler::fit(out.raw_features, out.raw_targets, out.fit_rows);
  out.scaled.inputs.resize(rows, out.raw_features.cols());
  out.scaled.targets.resize(rows, 1);
  std::vector<double> raw(set.size());
  std::vector<float> scaled(set.size());
  for (Eigen::Index t = 0; t < rows; ++t) {
    for (std::size_t k = 0; k < raw.size(); ++k) {
      raw[k] = out.raw_features(t, static_cast<Eigen::Index>(k));
    }
    out.scaler.transform(raw, scaled);
    for (std::size_t k = 0; k < raw.size(); ++k) {
      out.scaled.inputs(t, static_cast<Eigen::Index>(k)) = scaled[k];
    }
    out.scaled.targets(t, 0) = static_cast<float>(out.scaler.scale_target(out.raw_targets(t)));
  }
  return "";
}

}  // namespace tickcast::model

// From a chronological run of bars to the scaled series the trainer learns:
// features of bar t as input t, the target of bar t (about bar t+1) as
// target t. The last bar has no target, so N bars give N - 1 rows.
#pragma once

#include <string>
#include <vector>

#include "feeds/market.hpp"
#include "model/features.hpp"
#include "model/model_options.hpp"
#include "model/scaler.hpp"
#include "model/trainer.hpp"

namespace tickcast::model {

struct PreparedData {
  SequenceData scaled;           // N - 1 rows
  MatrixX<double> raw_features;  // N rows (the last bar's features too)
  VectorX<double> raw_targets;   // N - 1
  Scaler scaler;
  Eigen::Index fit_rows = 0;  // rows the scaler was fitted on
};

// Prepares `bars` (at least 2) with the options' features and target; the
// scaler is fitted on the first training_rows(bars.size() - 1) rows
// (trainer.hpp), so the validation tail stays unseen too.
// Returns "" or why it cannot (bad options, too few bars).
[[nodiscard]] std::string prepare_data(const std::vector<Bar>& bars, const ModelOptions& options,
                                       PreparedData& out);

// Features of bars[t] for every t (N x F), with bars[t-1]'s close as previous.
MatrixX<double> compute_features(const FeatureSet& set, const std::vector<Bar>& bars);

}  // namespace tickcast::model

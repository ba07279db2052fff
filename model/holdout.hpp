// Honest evaluation on a held-out tail, the way the daemon would have run:
// one stream from a zero state through every bar in order (features ->
// scaler -> step -> inverse transform), scoring only the forecasts made for
// bars the model was not trained on, next to persistence.
#pragma once

#include <vector>

#include "feeds/market.hpp"
#include "model/features.hpp"
#include "model/lstm.hpp"
#include "model/scaler.hpp"
#include "model/scoring.hpp"

namespace tickcast::model {

struct HoldoutReport {
  ForecastScores model;
  ForecastScores persistence;
  LstmState<float> final_state;  // after the last bar: what a checkpoint stores
};

// Steps through all `bars`; the forecast made at bar t (for bar t + 1) is
// scored for t in [first_scored, bars.size() - 1). Bars before first_scored
// only warm the state up.
[[nodiscard]] HoldoutReport evaluate_holdout(const Lstm<float>& lstm, const FeatureSet& features,
                                             const Scaler& scaler, Target target,
                                             const std::vector<Bar>& bars,
                                             std::size_t first_scored);

}  // namespace tickcast::model

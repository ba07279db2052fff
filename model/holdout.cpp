#include "model/holdout.hpp"

namespace tickcast::model {

HoldoutReport evaluate_holdout(const Lstm<float>& lstm, const FeatureSet& features,
                               const Scaler& scaler, Target target, const std::vector<Bar>& bars,
                               std::size_t first_scored) {
  HoldoutReport report;
  report.final_state = lstm.make_state();
  ScoreAccumulator model, persistence;
  std::vector<double> raw(features.size());
  std::vector<float> x(features.size());
  for (std::size_t t = 0; t < bars.size(); ++t) {
    features.compute(bars[t], t == 0 ? 0.0 : bars[t - 1].close, raw);
    scaler.transform(raw, x);
    const float y = lstm.step(x, report.final_state)[0];
    if (t < first_scored || t + 1 >= bars.size()) continue;
    const double close = bars[t].close;
    const double actual = bars[t + 1].close;
    model.add(close, actual, predicted_close(target, close, scaler.unscale_target(y)));
    persistence.add(close, actual, close);
  }
  report.model = model.result();
  report.persistence = persistence.result();
  return report;
}

}  // namespace tickcast::model

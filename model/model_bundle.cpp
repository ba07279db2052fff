#include "model/model_bundle.hpp"

#include <cmath>
#include <limits>

namespace tickcast::model {

ModelBundle::ModelBundle(std::uint64_t version_, const std::vector<std::string>& feature_names,
                         Target target_, Scaler scaler_, LstmWeights<float> weights,
                         TrainingMetadata meta_, double residual_scale_)
    : version(version_),
      features(feature_names),
      target(target_),
      scaler(std::move(scaler_)),
      lstm(std::move(weights)),
      meta(std::move(meta_)),
      residual_scale(residual_scale_) {}

double ModelBundle::predicted_return(float y, double close) const {
  const double t = scaler.unscale_target(static_cast<double>(y));
  if (target == Target::kLogReturn) return t;
  if (!(t > 0) || !(close > 0)) return std::numeric_limits<double>::quiet_NaN();
  return std::log(t / close);
}

Checkpoint ModelBundle::to_checkpoint() const {
  Checkpoint ck;
  ck.feature_names = features.names();
  ck.target = std::string(to_string(target));
  ck.scaler = scaler;
  ck.weights = lstm.weights();
  ck.meta = meta;
  ck.model_version = version;
  ck.residual_scale = residual_scale;
  return ck;
}

std::string bundle_from_checkpoint(const Checkpoint& ck, std::shared_ptr<const ModelBundle>& out) {
  if (std::string error = check_feature_names(ck.feature_names); !error.empty()) return error;
  Target target{};
  if (!parse_target(ck.target, target)) return "unknown target \"" + ck.target + "\"";
  if (std::string error = ck.weights.shape_error(); !error.empty()) return error;
  const std::size_t f = ck.feature_names.size();
  if (static_cast<std::size_t>(ck.weights.shape.input_size) != f || ck.scaler.mean.size() != f ||
      ck.scaler.scale.size() != f) {
    return "checkpoint has " + std::to_string(f) +
           " features but weights or scaler of another size";
  }
  if (ck.has_state && (ck.h.size() != ck.weights.layers.size() || ck.c.size() != ck.h.size())) {
    return "checkpoint state has the wrong number of layers";
  }
  out = std::make_shared<const ModelBundle>(ck.model_version, ck.feature_names, target, ck.scaler,
                                            ck.weights, ck.meta, ck.residual_scale);
  return "";
}

LstmState<float> state_from_checkpoint(const ModelBundle& bundle, const Checkpoint& ck) {
  LstmState<float> state = bundle.lstm.make_state();
  for (std::size_t k = 0; k < state.h.size() && k < ck.h.size(); ++k) {
    state.h[k] = ck.h[k];
    state.c[k] = ck.c[k];
  }
  return state;
}

}  // namespace tickcast::model

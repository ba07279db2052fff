#include "model/adam.hpp"

#include <cmath>
#include <vector>

namespace tickcast::model {
namespace {

template <typename T>
std::vector<std::pair<T*, Eigen::Index>> flat(LstmWeights<T>& w) {
  std::vector<std::pair<T*, Eigen::Index>> out;
  w.for_each_tensor([&](const std::string&, T* d, Eigen::Index r, Eigen::Index c) {
    out.emplace_back(d, r * c);
  });
  return out;
}

}  // namespace

template <typename T>
double global_norm(const LstmWeights<T>& w) {
  double sum = 0.0;
  w.for_each_tensor([&](const std::string&, const T* d, Eigen::Index r, Eigen::Index c) {
    for (Eigen::Index i = 0; i < r * c; ++i) sum += static_cast<double>(d[i]) * d[i];
  });
  return std::sqrt(sum);
}

template <typename T>
Adam<T>::Adam(const LstmShape& shape, const AdamOptions& options)
    : options_(options), m_(LstmWeights<T>::zeros(shape)), v_(LstmWeights<T>::zeros(shape)) {}

template <typename T>
double Adam<T>::step(LstmWeights<T>& weights, LstmWeights<T>& gradient) {
  const double norm = global_norm(gradient);
  const T scale = (options_.clip_norm > 0 && norm > options_.clip_norm)
                      ? static_cast<T>(options_.clip_norm / norm)
                      : T(1);
  ++t_;
  const T lr = static_cast<T>(options_.learning_rate);
  const T b1 = static_cast<T>(options_.beta1), b2 = static_cast<T>(options_.beta2);
  const T correction1 = static_cast<T>(1.0 - std::pow(options_.beta1, static_cast<double>(t_)));
  const T correction2 = static_cast<T>(1.0 - std::pow(options_.beta2, static_cast<double>(t_)));
  const T eps = static_cast<T>(options_.epsilon);
  const T decay = static_cast<T>(options_.learning_rate * options_.weight_decay);

  auto w = flat(weights), g = flat(gradient), m = flat(m_), v = flat(v_);
  for (std::size_t k = 0; k < w.size(); ++k) {
    for (Eigen::Index i = 0; i < w[k].second; ++i) {
      T& gi = g[k].first[i];
      gi *= scale;
      T& mi = m[k].first[i];
      T& vi = v[k].first[i];
      mi = b1 * mi + (T(1) - b1) * gi;
      vi = b2 * vi + (T(1) - b2) * gi * gi;
      T& wi = w[k].first[i];
      wi -= decay * wi;
      wi -= lr * (mi / correction1) / (std::sqrt(vi / correction2) + eps);
    }
  }
  return norm;
}

template double global_norm(const LstmWeights<float>&);
template double global_norm(const LstmWeights<double>&);
template class Adam<float>;
template class Adam<double>;

}  // namespace tickcast::model

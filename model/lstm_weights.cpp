#include "model/lstm_weights.hpp"

#include <Eigen/QR>
#include <cmath>

#include "model/random.hpp"

namespace tickcast::model {

std::string describe(const LstmShape& shape) {
  return "input " + std::to_string(shape.input_size) + ", hidden " + std::to_string(shape.hidden) +
         ", layers " + std::to_string(shape.layers) + ", output " +
         std::to_string(shape.output_size);
}

template <typename T>
LstmWeights<T> LstmWeights<T>::zeros(const LstmShape& shape) {
  LstmWeights<T> w;
  w.shape = shape;
  const Eigen::Index h = shape.hidden;
  for (int k = 0; k < shape.layers; ++k) {
    const Eigen::Index in = k == 0 ? shape.input_size : shape.hidden;
    w.layers.push_back({MatrixX<T>::Zero(4 * h, in), MatrixX<T>::Zero(4 * h, h),
                        VectorX<T>::Zero(4 * h), VectorX<T>::Zero(4 * h)});
  }
  w.head_w = MatrixX<T>::Zero(shape.output_size, h);
  w.head_b = VectorX<T>::Zero(shape.output_size);
  return w;
}

namespace {

// Xavier/Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
template <typename Block>
void xavier(Block&& block, Random& rng) {
  const double a = std::sqrt(6.0 / static_cast<double>(block.rows() + block.cols()));
  for (Eigen::Index c = 0; c < block.cols(); ++c) {
    for (Eigen::Index r = 0; r < block.rows(); ++r) {
      block(r, c) = static_cast<typename std::decay_t<Block>::Scalar>(rng.uniform(-a, a));
    }
  }
}

// A random orthogonal n x n matrix: Q of the QR decomposition of a Gaussian
// matrix, with Q's columns signed by R's diagonal so the result is uniformly
// distributed (Mezzadri 2007), as torch.nn.init.orthogonal_ does.
Eigen::MatrixXd orthogonal(Eigen::Index n, Random& rng) {
  Eigen::MatrixXd a(n, n);
  for (Eigen::Index c = 0; c < n; ++c) {
    for (Eigen::Index r = 0; r < n; ++r) a(r, c) = rng.normal();
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(n, n);
  const Eigen::MatrixXd r = qr.matrixQR().template triangularView<Eigen::Upper>();
  for (Eigen::Index c = 0; c < n; ++c) {
    if (r(c, c) < 0) q.col(c) *= -1.0;
  }
  return q;
}

}  // namespace

template <typename T>
LstmWeights<T> LstmWeights<T>::initialised(const LstmShape& shape, std::uint64_t seed) {
  LstmWeights<T> w = zeros(shape);
  Random rng(seed);
  const Eigen::Index h = shape.hidden;
  for (auto& layer : w.layers) {
    for (Eigen::Index gate = 0; gate < 4; ++gate) {
      xavier(layer.w_ih.middleRows(gate * h, h), rng);
      layer.w_hh.middleRows(gate * h, h) = orthogonal(h, rng).template cast<T>();
    }
    layer.b_ih.segment(h, h).setOnes();  // forget gate
  }
  xavier(w.head_w, rng);
  return w;
}

template <typename T>
std::string LstmWeights<T>::shape_error() const {
  const LstmShape& s = shape;
  if (s.input_size < 1 || s.hidden < 1 || s.layers < 1 || s.output_size < 1) {
    return "every size must be at least 1 (" + describe(s) + ")";
  }
  if (layers.size() != static_cast<std::size_t>(s.layers)) {
    return "expected " + std::to_string(s.layers) + " layers, found " +
           std::to_string(layers.size());
  }
  std::string error;
  const LstmWeights<T> expected_shape = zeros(s);
  const auto& self = *this;
  std::vector<std::pair<Eigen::Index, Eigen::Index>> sizes;
  self.for_each_tensor([&](const std::string&, const T*, Eigen::Index rows, Eigen::Index cols) {
    sizes.emplace_back(rows, cols);
  });
  std::size_t i = 0;
  expected_shape.for_each_tensor(
      [&](const std::string& name, const T*, Eigen::Index rows, Eigen::Index cols) {
        if (error.empty() && sizes[i] != std::pair{rows, cols}) {
          error = name + " is " + std::to_string(sizes[i].first) + "x" +
                  std::to_string(sizes[i].second) + ", expected " + std::to_string(rows) + "x" +
                  std::to_string(cols) + " for " + describe(s);
        }
        ++i;
      });
  return error;
}

template <typename T>
std::size_t LstmWeights<T>::parameter_count() const {
  std::size_t n = 0;
  for_each_tensor([&](const std::string&, const T*, Eigen::Index rows, Eigen::Index cols) {
    n += static_cast<std::size_t>(rows * cols);
  });
  return n;
}

template struct LstmWeights<float>;
template struct LstmWeights<double>;

}  // namespace tickcast::model

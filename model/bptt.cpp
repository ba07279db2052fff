#include "model/bptt.hpp"

#include <cassert>
#include <cmath>
#include <type_traits>

#include "model/lstm_kernels.hpp"

namespace tickcast::model {
namespace {

// Whether this process trains float networks with the AVX2 kernel
// (model/lstm_kernels.hpp): the same answer for every call, so a given
// machine and environment always sum in the same order (determinism).
template <typename T>
bool vector_products() {
  if constexpr (std::is_same_v<T, float>) {
    static const bool enabled = kernels::vector_kernel_enabled();
    return enabled;
  } else {
    return false;
  }
}

// c += a * b. The products that dominate training (the gates' GEMMs and
// their gradients) go through the AVX2 kernel for float when the rows fit
// its 8-row blocks; everything else, and double, through Eigen.
template <typename T>
void add_product(MatrixX<T>& c, const MatrixX<T>& a, const MatrixX<T>& b) {
  assert(c.rows() == a.rows() && c.cols() == b.cols() && a.cols() == b.rows());
  if constexpr (std::is_same_v<T, float>) {
    if (vector_products<T>() && a.rows() % 8 == 0) {
      kernels::avx2_gemm_acc(static_cast<int>(a.rows()), static_cast<int>(b.cols()),
                             static_cast<int>(a.cols()), a.data(), static_cast<int>(a.rows()),
                             b.data(), static_cast<int>(b.rows()), c.data(),
                             static_cast<int>(c.rows()));
      return;
    }
  }
  c.noalias() += a * b;
}

}  // namespace

template <typename T>
T Bptt<T>::forward(const LstmWeights<T>& w, const Batch<T>& batch, bool keep_output_gradient) {
  const auto steps = batch.inputs.size();
  const Eigen::Index b = batch.inputs.front().cols();
  const Eigen::Index hid = w.shape.hidden;
  const auto layers = w.layers.size();
  // Resized, not rebuilt: the caches keep their buffers from one batch to the
  // next (every element used is overwritten below).
  for (auto* cache : {&h_, &c_, &gates_, &tanh_c_}) {
    cache->resize(layers);
    for (auto& per_step : *cache) per_step.resize(steps);
  }
  dy_.assign(steps, MatrixX<T>());

  const MatrixX<T> zero = MatrixX<T>::Zero(hid, b);
  double total = 0.0;
  std::size_t counted = 0;
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t k = 0; k < layers; ++k) {
      const auto& l = w.layers[k];
      const MatrixX<T>& x = k == 0 ? batch.inputs[t] : h_[k - 1][t];
      const MatrixX<T>& h_prev = t == 0 ? zero : h_[k][t - 1];
      const MatrixX<T>& c_prev = t == 0 ? zero : c_[k][t - 1];
      MatrixX<T>& a = gates_[k][t];
      a = (l.b_ih + l.b_hh).replicate(1, b);
      add_product(a, l.w_ih, x);
      if (t > 0) add_product(a, l.w_hh, h_prev);
      if constexpr (std::is_same_v<T, float>) {
        if (vector_products<T>() && hid % 8 == 0) {
          c_[k][t].resize(hid, b);
          tanh_c_[k][t].resize(hid, b);
          h_[k][t].resize(hid, b);
          kernels::avx2_cell_forward(static_cast<int>(hid), static_cast<int>(b), a.data(),
                                     t == 0 ? nullptr : c_prev.data(), c_[k][t].data(),
                                     tanh_c_[k][t].data(), h_[k][t].data());
          continue;
        }
      }
      auto arr = a.array();
      arr.topRows(2 * hid) = T(1) / (T(1) + (-arr.topRows(2 * hid)).exp());  // i, f
      arr.middleRows(2 * hid, hid) = arr.middleRows(2 * hid, hid).tanh();    // g
      arr.bottomRows(hid) = T(1) / (T(1) + (-arr.bottomRows(hid)).exp());    // o
      c_[k][t] = (arr.middleRows(hid, hid) * c_prev.array() +
                  arr.topRows(hid) * arr.middleRows(2 * hid, hid))
                     .matrix();
      tanh_c_[k][t] = c_[k][t].array().tanh().matrix();
      h_[k][t] = (arr.bottomRows(hid) * tanh_c_[k][t].array()).matrix();
    }
    if (static_cast<int>(t) < batch.skip_steps) continue;
    MatrixX<T> y = w.head_w * h_[layers - 1][t];
    y.colwise() += w.head_b;
    const MatrixX<T> d = y - batch.targets[t];
    if (loss_ == LossKind::kMse) {
      total += static_cast<double>(d.squaredNorm());
    } else {
      for (Eigen::Index i = 0; i < d.size(); ++i) {
        const double a = std::abs(static_cast<double>(d(i)));
        total += a <= 1.0 ? 0.5 * a * a : a - 0.5;
      }
    }
    counted += static_cast<std::size_t>(d.size());
    if (keep_output_gradient) {
      dy_[t] = loss_ == LossKind::kMse ? MatrixX<T>(T(2) * d)
                                       : MatrixX<T>(d.cwiseMax(T(-1)).cwiseMin(T(1)));
    }
  }
  assert(counted > 0);
  if (keep_output_gradient) {
    for (auto& d : dy_) d /= static_cast<T>(counted);
  }
  return static_cast<T>(total / static_cast<double>(counted));
}

template <typename T>
T Bptt<T>::loss(const LstmWeights<T>& weights, const Batch<T>& batch) {
  return forward(weights, batch, false);
}

template <typename T>
T Bptt<T>::loss_and_gradient(const LstmWeights<T>& w, const Batch<T>& batch, LstmWeights<T>& g) {
  const T loss = forward(w, batch, true);
  g = LstmWeights<T>::zeros(w.shape);
  const auto steps = batch.inputs.size();
  const Eigen::Index b = batch.inputs.front().cols();
  const Eigen::Index hid = w.shape.hidden;
  const auto layers = w.layers.size();
  const MatrixX<T> zero = MatrixX<T>::Zero(hid, b);

  // Gradients flowing backwards in time into h_{t} and c_{t} of each layer.
  std::vector<MatrixX<T>> dh_next(layers, zero), dc_next(layers, zero);
  MatrixX<T> da(4 * hid, b), dh, dx, x_t, h_prev_t;
  // The transposed weights, once per batch, so that every product below is
  // a plain C += A * B.
  std::vector<MatrixX<T>> w_ih_t(layers), w_hh_t(layers);
  for (std::size_t k = 0; k < layers; ++k) {
    w_ih_t[k] = w.layers[k].w_ih.transpose();
    w_hh_t[k] = w.layers[k].w_hh.transpose();
  }
  for (std::size_t t = steps; t-- > 0;) {
    // Into the top layer's h_t from the head.
    if (dy_[t].size() > 0) {
      g.head_w.noalias() += dy_[t] * h_[layers - 1][t].transpose();
      g.head_b += dy_[t].rowwise().sum();
      dx.noalias() = w.head_w.transpose() * dy_[t];
    } else {
      dx = zero;
    }
    for (std::size_t k = layers; k-- > 0;) {
      const auto& l = w.layers[k];
      auto& gl = g.layers[k];
      dh = dx + dh_next[k];  // from above (or the head) and from step t+1
      const auto gates = gates_[k][t].array();
      const auto i = gates.topRows(hid), f = gates.middleRows(hid, hid),
                 gg = gates.middleRows(2 * hid, hid), o = gates.bottomRows(hid);
      const auto tc = tanh_c_[k][t].array();
      const MatrixX<T>& c_prev = t == 0 ? zero : c_[k][t - 1];
      const MatrixX<T>& h_prev = t == 0 ? zero : h_[k][t - 1];
      const MatrixX<T> dc = (dc_next[k].array() + dh.array() * o * (T(1) - tc * tc)).matrix();
      // Pre-activation gradients, in gate order i, f, g, o.
      da.topRows(hid) = (dc.array() * gg * i * (T(1) - i)).matrix();
      da.middleRows(hid, hid) = (dc.array() * c_prev.array() * f * (T(1) - f)).matrix();
      da.middleRows(2 * hid, hid) = (dc.array() * i * (T(1) - gg * gg)).matrix();
      da.bottomRows(hid) = (dh.array() * tc * o * (T(1) - o)).matrix();
      dc_next[k] = (dc.array() * f).matrix();

      const MatrixX<T>& x = k == 0 ? batch.inputs[t] : h_[k - 1][t];
      x_t = x.transpose();
      add_product(gl.w_ih, da, x_t);
      if (t > 0) {
        h_prev_t = h_prev.transpose();
        add_product(gl.w_hh, da, h_prev_t);
      }
      const VectorX<T> db = da.rowwise().sum();
      gl.b_ih += db;
      gl.b_hh += db;
      dh_next[k].setZero();
      add_product(dh_next[k], w_hh_t[k], da);
      if (k > 0) {
        dx.setZero(l.w_ih.cols(), b);
        add_product(dx, w_ih_t[k], da);
      }
    }
  }
  return loss;
}

template class Bptt<float>;
template class Bptt<double>;

}  // namespace tickcast::model

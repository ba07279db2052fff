#include "model/lstm.hpp"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "model/lstm_kernels.hpp"

namespace tickcast::model {

template <typename T>
struct Lstm<T>::Kernel {
  struct Layer {
    kernels::LayerStepFn step = nullptr;
    std::vector<kernels::Line> panel;
    int in = 0;
  };
  std::vector<Layer> layers;
  kernels::HeadFn head = nullptr;
  std::vector<float> head_w;  // row-major, output_size x H
};

template <typename T>
Lstm<T>::Lstm(LstmWeights<T> weights) : weights_(std::move(weights)) {
  assert(weights_.shape_error().empty());
  for (const auto& l : weights_.layers) {
    const Eigen::Index in = l.w_ih.cols();
    const Eigen::Index h = l.w_hh.cols();
    MatrixX<T> p(4 * h, in + h + 1);
    p.leftCols(in) = l.w_ih;
    p.middleCols(in, h) = l.w_hh;
    p.col(in + h) = l.b_ih + l.b_hh;
    packed_.push_back(std::move(p));
  }
  if constexpr (std::is_same_v<T, float>) {
    const int hidden = weights_.shape.hidden;
    if (kernels::vector_kernel_enabled() && hidden % kernels::kChunkUnits == 0) {
      auto kernel = std::make_shared<Kernel>();
      for (const auto& l : weights_.layers) {
        const int in = static_cast<int>(l.w_ih.cols());
        kernel->layers.push_back(
            {kernels::avx2_layer_step(in, hidden), kernels::make_panel(l), in});
      }
      kernel->head = kernels::avx2_head(hidden);
      const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w =
          weights_.head_w;
      kernel->head_w.assign(w.data(), w.data() + w.size());
      kernel_ = std::move(kernel);
    }
  }
}

template <typename T>
LstmState<T> Lstm<T>::make_state() const {
  const LstmShape& s = shape();
  LstmState<T> state;
  for (const auto& p : packed_) {
    state.h.push_back(VectorX<T>::Zero(s.hidden));
    state.c.push_back(VectorX<T>::Zero(s.hidden));
    state.z.push_back(VectorX<T>::Zero(p.cols()));
  }
  state.gates = VectorX<T>::Zero(4 * s.hidden);
  state.out = VectorX<T>::Zero(s.output_size);
  return state;
}

template <typename T>
std::span<const T> Lstm<T>::step(std::span<const T> x, LstmState<T>& state) const noexcept {
  if constexpr (std::is_same_v<T, float>) {
    if (kernel_) {
      const int hidden = shape().hidden;
      for (std::size_t k = 0; k < kernel_->layers.size(); ++k) {
        const auto& layer = kernel_->layers[k];
        // z = [ x (or the layer below's new h) ; h_{t-1} ]: the kernel writes
        // the new h straight into state.h[k] while it still reads h_{t-1}.
        float* z = state.z[k].data();
        const float* below = k == 0 ? x.data() : state.h[k - 1].data();
        std::copy_n(below, layer.in, z);
        std::copy_n(state.h[k].data(), hidden, z + layer.in);
        layer.step(layer.panel.data(), z, layer.in, hidden, state.h[k].data(), state.c[k].data());
      }
      kernel_->head(kernel_->head_w.data(), weights_.head_b.data(), shape().output_size, hidden,
                    state.h.back().data(), state.out.data());
      return {state.out.data(), static_cast<std::size_t>(state.out.size())};
    }
  }
  const Eigen::Index h = shape().hidden;
  for (std::size_t k = 0; k < packed_.size(); ++k) {
    auto& z = state.z[k];
    const Eigen::Index in = z.size() - h - 1;
    // z = [ x (or the layer below's new h) ; h_{t-1} ; 1 ]
    if (k == 0) {
      z.head(in) = Eigen::Map<const VectorX<T>>(x.data(), in);
    } else {
      z.head(in) = state.h[k - 1];
    }
    z.segment(in, h) = state.h[k];
    z[in + h] = T(1);

    //  gates (4H)      packed (4H x (in+H+1))        z
    //  [ i ]           [ W_ii  W_hi  b_i ]         [ x      ]
    //  [ f ]     =     [ W_if  W_hf  b_f ]    *    [ h_{t-1} ]
    //  [ g ]           [ W_ig  W_hg  b_g ]         [ 1      ]
    //  [ o ]           [ W_io  W_ho  b_o ]
    state.gates.noalias() = packed_[k] * z;

    auto g = state.gates.array();
    auto i_gate = g.segment(0, h);
    auto f_gate = g.segment(h, h);
    auto c_gate = g.segment(2 * h, h);
    auto o_gate = g.segment(3 * h, h);
    i_gate = T(1) / (T(1) + (-i_gate).exp());
    f_gate = T(1) / (T(1) + (-f_gate).exp());
    c_gate = c_gate.tanh();
    o_gate = T(1) / (T(1) + (-o_gate).exp());
    state.c[k].array() = f_gate * state.c[k].array() + i_gate * c_gate;
    state.h[k].array() = o_gate * state.c[k].array().tanh();
  }
  state.out.noalias() = weights_.head_w * state.h.back();
  state.out += weights_.head_b;
  return {state.out.data(), static_cast<std::size_t>(state.out.size())};
}

template <typename T>
MatrixX<T> Lstm<T>::forward(const MatrixX<T>& inputs, LstmState<T>& state) const {
  const LstmShape& s = shape();
  assert(inputs.cols() == s.input_size);
  // Row-major copy so that each x_t is contiguous.
  const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xs = inputs;
  MatrixX<T> outputs(inputs.rows(), s.output_size);
  const auto width = static_cast<std::size_t>(s.input_size);
  for (Eigen::Index t = 0; t < xs.rows(); ++t) {
    auto y = step({xs.data() + t * xs.cols(), width}, state);
    for (Eigen::Index j = 0; j < s.output_size; ++j) outputs(t, j) = y[static_cast<std::size_t>(j)];
  }
  return outputs;
}

template class Lstm<float>;
template class Lstm<double>;

}  // namespace tickcast::model

// The parameters of a stacked LSTM with a dense head, laid out as PyTorch's
// nn.LSTM + nn.Linear store them (the state_dict names are in comments).
//
// Gate order inside every 4H-row block is i, f, g, o: input gate, forget gate,
// candidate cell (C~), output gate, as in PyTorch and Keras, so weights from
// either import without reshuffling.
//
//   layer l:  gates = W_ih x + b_ih + W_hh h_{t-1} + b_hh      (4H)
//             i = sigmoid(gates[0:H])    f = sigmoid(gates[H:2H])
//             g = tanh(gates[2H:3H])     o = sigmoid(gates[3H:4H])
//             c_t = f * c_{t-1} + i * g  h_t = o * tanh(c_t)
//   head:     y = W_head h_t(top layer) + b_head
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace tickcast::model {

template <typename T>
using MatrixX = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <typename T>
using VectorX = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// The shape of a network: everything needed to allocate its weights.
struct LstmShape {
  int input_size = 0;   // F, features per step
  int hidden = 0;       // H, per layer
  int layers = 0;       // stacked LSTM layers
  int output_size = 1;  // head outputs

  friend bool operator==(const LstmShape&, const LstmShape&) = default;
};

// "input 8, hidden 32, layers 1, output 1" for error messages.
std::string describe(const LstmShape& shape);

template <typename T>
struct LstmLayerWeights {
  MatrixX<T> w_ih;  // lstm.weight_ih_l{k}: 4H x (F for layer 0, else H)
  MatrixX<T> w_hh;  // lstm.weight_hh_l{k}: 4H x H
  VectorX<T> b_ih;  // lstm.bias_ih_l{k}:   4H
  VectorX<T> b_hh;  // lstm.bias_hh_l{k}:   4H
};

template <typename T>
struct LstmWeights {
  LstmShape shape;
  std::vector<LstmLayerWeights<T>> layers;
  MatrixX<T> head_w;  // head.weight: output_size x H
  VectorX<T> head_b;  // head.bias:   output_size

  // All-zero weights of the given shape.
  static LstmWeights zeros(const LstmShape& shape);

  // Seeded initialisation: Xavier-uniform for each gate block of W_ih and for
  // the head, an orthogonal matrix for each gate block of W_hh, zero biases
  // except the forget gate's b_ih slice, which is 1 (so the cell remembers by
  // default at the start of training; Jozefowicz et al. 2015).
  static LstmWeights initialised(const LstmShape& shape, std::uint64_t seed);

  // Empty when every matrix has the size `shape` implies; otherwise names the
  // first parameter that does not, with both sizes.
  [[nodiscard]] std::string shape_error() const;

  // Number of scalar parameters.
  [[nodiscard]] std::size_t parameter_count() const;

  // The same weights in another scalar type (float <-> double).
  template <typename U>
  [[nodiscard]] LstmWeights<U> cast() const {
    LstmWeights<U> out;
    out.shape = shape;
    for (const auto& l : layers) {
      out.layers.push_back({l.w_ih.template cast<U>(), l.w_hh.template cast<U>(),
                            l.b_ih.template cast<U>(), l.b_hh.template cast<U>()});
    }
    out.head_w = head_w.template cast<U>();
    out.head_b = head_b.template cast<U>();
    return out;
  }

  // Visits every parameter tensor as (state_dict name, data, rows, cols) in
  // state_dict order; the data is Eigen's column-major storage.
  template <typename Fn>
  void for_each_tensor(Fn&& fn) {
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const std::string s = std::to_string(k);
      auto& l = layers[k];
      fn("lstm.weight_ih_l" + s, l.w_ih.data(), l.w_ih.rows(), l.w_ih.cols());
      fn("lstm.weight_hh_l" + s, l.w_hh.data(), l.w_hh.rows(), l.w_hh.cols());
      fn("lstm.bias_ih_l" + s, l.b_ih.data(), l.b_ih.rows(), Eigen::Index{1});
      fn("lstm.bias_hh_l" + s, l.b_hh.data(), l.b_hh.rows(), Eigen::Index{1});
    }
    fn(std::string("head.weight"), head_w.data(), head_w.rows(), head_w.cols());
    fn(std::string("head.bias"), head_b.data(), head_b.rows(), Eigen::Index{1});
  }
  template <typename Fn>
  void for_each_tensor(Fn&& fn) const {
    const_cast<LstmWeights*>(this)->for_each_tensor(
        [&](const std::string& name, T* data, Eigen::Index rows, Eigen::Index cols) {
          fn(name, static_cast<const T*>(data), rows, cols);
        });
  }
};

extern template struct LstmWeights<float>;
extern template struct LstmWeights<double>;

}  // namespace tickcast::model

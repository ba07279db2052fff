// A stacked LSTM with a dense head, for streaming inference.
//
// Weights and state are kept apart on purpose: an `Lstm` is immutable once
// built and may be shared (e.g. by std::shared_ptr<const Lstm<float>>) by any
// number of `LstmState`s, each the (h, c) of one stream plus its scratch.
// Swapping a model is then a pointer exchange plus a state replay.
//
// `step()` is the hot path: noexcept, no heap allocation, no locks, no virtual
// calls. Every buffer it writes lives in the state, sized by make_state().
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "model/lstm_weights.hpp"

namespace tickcast::model {

// The recurrent state of one stream through an Lstm, and its scratch space.
// A value: copy it to fork a stream, reset() it to start over.
template <typename T>
struct LstmState {
  std::vector<VectorX<T>> h;  // per layer, H
  std::vector<VectorX<T>> c;  // per layer, H

  // Zeroes h and c (the state of a stream that has seen nothing).
  void reset() {
    for (auto& v : h) v.setZero();
    for (auto& v : c) v.setZero();
  }

  // Scratch for step(): the packed input [x; h_prev; 1] of each layer, the
  // gate pre-activations and the head output. Contents are meaningless
  // between calls.
  std::vector<VectorX<T>> z;
  VectorX<T> gates;
  VectorX<T> out;
};

template <typename T>
class Lstm {
 public:
  // REQUIRES: weights.shape_error().empty().
  explicit Lstm(LstmWeights<T> weights);

  [[nodiscard]] const LstmWeights<T>& weights() const { return weights_; }
  [[nodiscard]] const LstmShape& shape() const { return weights_.shape; }

  // A zero state with every scratch buffer this network needs.
  [[nodiscard]] LstmState<T> make_state() const;

  // Advances `state` by one input vector x (input_size values) and returns the
  // head output (output_size values), a view into the state valid until the
  // next step. REQUIRES: state came from this network's make_state() (or one
  // of the same shape).
  std::span<const T> step(std::span<const T> x, LstmState<T>& state) const noexcept;

  // Runs a sequence: row t of `inputs` (steps x input_size) is x_t. Returns the
  // head outputs (steps x output_size). Carries `state` across calls.
  [[nodiscard]] MatrixX<T> forward(const MatrixX<T>& inputs, LstmState<T>& state) const;

 private:
  LstmWeights<T> weights_;
  // Per layer, [W_ih | W_hh | b_ih + b_hh] (4H x (in + H + 1)), so that one
  // matrix-vector product gives all four gates' pre-activations.
  std::vector<MatrixX<T>> packed_;
  // The vectorised float path chosen at construction (model/lstm_kernels.hpp):
  // the weights re-laid for it and the kernels for these sizes. Null when
  // step() takes the generic Eigen path (double, a hidden size that is not a
  // multiple of 16, a CPU without AVX2/FMA). Immutable, so copies share it.
  struct Kernel;
  std::shared_ptr<const Kernel> kernel_;
};

extern template class Lstm<float>;
extern template class Lstm<double>;

}  // namespace tickcast::model

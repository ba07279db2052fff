// Loss and gradient of a stacked LSTM + head over a mini-batch of windows, by
// backpropagation through time (truncated at the window: every window starts
// from h = c = 0).
//
// Shapes: a batch holds B windows of L steps. inputs[t] is F x B (column b is
// window b's x_t), targets[t] is O x B. The loss averages over every output of
// every window at steps t >= skip_steps; the first steps only warm the state
// up, the way the daemon's stateful model is never scored from a cold start.
#pragma once

#include <vector>

#include "model/lstm_weights.hpp"

namespace tickcast::model {

enum class LossKind {
  kMse,    // mean of d^2
  kHuber,  // mean of 0.5 d^2 for |d| <= 1, |d| - 0.5 beyond (delta 1, in scaled units)
};

template <typename T>
struct Batch {
  std::vector<MatrixX<T>> inputs;   // L matrices of F x B
  std::vector<MatrixX<T>> targets;  // L matrices of O x B
  int skip_steps = 0;               // steps at the start of each window left out of the loss
};

template <typename T>
class Bptt {
 public:
  explicit Bptt(LossKind loss = LossKind::kMse) : loss_(loss) {}

  // The loss only (forward pass).
  T loss(const LstmWeights<T>& weights, const Batch<T>& batch);

  // The loss, with d(loss)/d(parameter) written into `gradient` (resized to
  // the weights' shape and overwritten).
  T loss_and_gradient(const LstmWeights<T>& weights, const Batch<T>& batch,
                      LstmWeights<T>& gradient);

 private:
  T forward(const LstmWeights<T>& weights, const Batch<T>& batch, bool keep_output_gradient);

  LossKind loss_;
  // Forward caches, per layer then per step (all H x B, gates 4H x B).
  std::vector<std::vector<MatrixX<T>>> h_, c_, gates_, tanh_c_;
  std::vector<MatrixX<T>> dy_;  // d(loss)/d(head output) per step, O x B
};

extern template class Bptt<float>;
extern template class Bptt<double>;

}  // namespace tickcast::model

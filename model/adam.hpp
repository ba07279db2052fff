// Adam (Kingma & Ba 2015) with decoupled weight decay (AdamW, Loshchilov &
// Hutter 2019) and global-norm gradient clipping, over LstmWeights.
#pragma once

#include "model/lstm_weights.hpp"

namespace tickcast::model {

struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  // Decoupled decay: every parameter shrinks by learning_rate * weight_decay
  // per step, independently of the gradient (PyTorch's AdamW). 0 disables.
  double weight_decay = 0.0;
  // If the gradient's global L2 norm exceeds this, it is scaled down to it.
  // 0 disables.
  double clip_norm = 1.0;
};

template <typename T>
class Adam {
 public:
  Adam(const LstmShape& shape, const AdamOptions& options);

  // One update of `weights` from `gradient` (which is clipped in place).
  // Returns the gradient's global norm before clipping.
  double step(LstmWeights<T>& weights, LstmWeights<T>& gradient);

  [[nodiscard]] long steps_taken() const { return t_; }

 private:
  AdamOptions options_;
  LstmWeights<T> m_, v_;
  long t_ = 0;
};

// The global L2 norm of all tensors.
template <typename T>
double global_norm(const LstmWeights<T>& w);

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace tickcast::model

// Small, fast model options for the online tests.
#pragma once

#include <chrono>

#include "model/model_options.hpp"

namespace tickcast::test {

inline model::ModelOptions small_online_options() {
  model::ModelOptions o;
  o.hidden = 4;
  o.seq_len = 16;
  o.warmup_steps = 4;
  o.window_stride = 8;
  o.batch = 8;
  o.epochs = 3;
  o.patience = 2;
  o.window = 400;
  o.min_bars = 300;
  o.validation_bars = 60;
  o.retrain_every = 100;
  o.conformal_window = 50;
  o.max_gap_bars = 5;
  o.train_budget = std::chrono::seconds(1);  // replay ring: the minimum, 256 bars
  return o;
}

}  // namespace tickcast::test

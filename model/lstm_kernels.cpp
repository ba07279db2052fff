#include "model/lstm_kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace tickcast::model::kernels {

bool vector_kernel_enabled() {
  static const bool cpu_has_it = [] {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
  }();
  // Read on every construction (not cached), so that a benchmark can build
  // one network of each kind in the same process.
  const char* choice = std::getenv("TICKCAST_LSTM_KERNEL");
  return cpu_has_it && !(choice != nullptr && std::strcmp(choice, "generic") == 0);
}

std::vector<Line> make_panel(const LstmLayerWeights<float>& layer) {
  const auto hidden = layer.w_hh.cols();
  const auto in = layer.w_ih.cols();
  const auto k = in + hidden;
  const auto chunks = hidden / kChunkUnits;
  std::vector<Line> panel(static_cast<std::size_t>(chunks * (k + 1) * kLinesPerSlot));
  float* p = panel.front().v;
  for (Eigen::Index chunk = 0; chunk < chunks; ++chunk) {
    // Slot 0 is the bias, slot 1 + j is column j of [W_ih | W_hh].
    for (Eigen::Index slot = 0; slot <= k; ++slot) {
      for (Eigen::Index r = 0; r < kChunkRows; ++r) {
        const Eigen::Index gate = r / kChunkUnits;
        const Eigen::Index row = gate * hidden + chunk * kChunkUnits + r % kChunkUnits;
        float v = 0;
        if (slot == 0) {
          v = layer.b_ih(row) + layer.b_hh(row);
        } else if (slot - 1 < in) {
          v = layer.w_ih(row, slot - 1);
        } else {
          v = layer.w_hh(row, slot - 1 - in);
        }
        *p++ = v;
      }
    }
  }
  return panel;
}

}  // namespace tickcast::model::kernels

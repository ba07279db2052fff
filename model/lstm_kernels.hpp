// Private to model/: the vectorised float32 LSTM layer step behind
// Lstm<float>::step(), and the weight layout it reads.
//
// The kernel is compiled for AVX2 + FMA (model/lstm_kernels_avx2.cpp, with a
// target pragma so that the rest of the build keeps the portable x86-64
// baseline) and chosen once, when an Lstm is built: only if the CPU has both
// features and the hidden size is a multiple of 16. Otherwise Lstm keeps its
// generic Eigen path. Setting TICKCAST_LSTM_KERNEL=generic in the environment
// forces the generic path (tests and benchmarks use it to measure both).
//
// Layout ("panels"): a layer's 4H gate rows are cut into chunks of 16 hidden
// units. A chunk holds 64 rows, gate-major (i, f, g, o, each 16 rows), and is
// stored as 1 + K column slots of 64 floats: the bias (b_ih + b_hh) first,
// then column j of [W_ih | W_hh] for j = 0..K-1 (K = in + H). The kernel then
// reads each chunk front to back, once per step, with 8 independent FMA
// accumulators, and finishes the chunk's 16 units (gates, c, h) while they
// are still in registers.
#pragma once

#include <cstddef>
#include <vector>

#include "model/lstm_weights.hpp"

namespace tickcast::model::kernels {

// 16 floats on a 64-byte (cache line) boundary; std::vector honours the
// alignment (C++17 aligned new).
struct alignas(64) Line {
  float v[16];
};

inline constexpr int kChunkUnits = 16;              // hidden units per chunk
inline constexpr int kChunkRows = 4 * kChunkUnits;  // gate rows per chunk
inline constexpr int kLinesPerSlot = kChunkRows / 16;

// One layer's step: z = [x; h_prev] (K = in + hidden floats, not aliasing h
// or c); writes h (hidden floats) and updates c (hidden floats) in place.
// Specialised kernels ignore `in` and `hidden` (they are compiled in).
using LayerStepFn = void (*)(const Line* panel, const float* z, int in, int hidden, float* h,
                             float* c) noexcept;

// The head: out[o] = b[o] + sum_j w[o * H + j] * h[j] (w row-major O x H).
using HeadFn = void (*)(const float* w, const float* b, int outputs, int hidden, const float* h,
                        float* out) noexcept;

// True when this CPU runs AVX2 and FMA and the environment does not ask for
// the generic path.
bool vector_kernel_enabled();

// The AVX2 layer step specialised for (in, hidden), or a generic AVX2 one
// for any `in` and a hidden size that is a multiple of 16; nullptr when
// `hidden` is not. REQUIRES: vector_kernel_enabled().
LayerStepFn avx2_layer_step(int in, int hidden);
HeadFn avx2_head(int hidden);

// C += A * B for column-major float matrices (leading dimensions lda, ldb,
// ldc), for training (model/bptt.cpp). REQUIRES: vector_kernel_enabled(),
// m % 8 == 0. The summation order depends only on the sizes, so results are
// reproducible run to run.
void avx2_gemm_acc(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                   int ldc) noexcept;

// The elementwise half of a training forward step for a batch, column by
// column (all column-major, `batch` columns): gates (4H rows) holds the
// pre-activations on entry and i, f, g, o = sigmoid, sigmoid, tanh, sigmoid
// of them on return; c = f * c_prev + i * g (c_prev null means zero),
// tanh_c = tanh(c), h = o * tanh_c. REQUIRES: vector_kernel_enabled(),
// hidden % 8 == 0.
void avx2_cell_forward(int hidden, int batch, float* gates, const float* c_prev, float* c,
                       float* tanh_c, float* h) noexcept;

// Lays one layer's weights out as panels (see above).
std::vector<Line> make_panel(const LstmLayerWeights<float>& layer);

}  // namespace tickcast::model::kernels

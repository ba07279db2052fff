// The AVX2 + FMA LSTM layer step (layout and contract: model/lstm_kernels.hpp).
//
// Everything after the target pragma is intrinsics in an anonymous namespace
// and uses no Eigen or standard-library templates: an inline template
// instantiated here with AVX2 enabled could otherwise be merged by the linker
// with the baseline copies other files use, and run on a CPU without AVX2.
// Only the two dispatch functions at the end are visible outside, and they
// are only called after vector_kernel_enabled() has checked the CPU.
#include "model/lstm_kernels.hpp"

#if defined(__x86_64__)
#if defined(__clang__)
// clang has no `#pragma GCC target`; this gives every function below the
// same target attribute. Its <immintrin.h> declares every intrinsic whatever
// the flags, so it comes first, outside the region.
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>
#endif

namespace tickcast::model::kernels {
namespace {

// tanh as a 13/6-degree rational function on [-c, c], c the point where it
// reaches 1.0f, and x itself for |x| < 4e-4: the approximation Eigen uses for
// float (generic_fast_tanh_float, accurate to a few ulp), written out here so
// that no Eigen template is compiled with AVX2 (see the top of the file).
inline __m256 tanh8(__m256 a) {
  const __m256 clamp = _mm256_set1_ps(7.99881172180175781f);  // with FMA
  const __m256 x =
      _mm256_max_ps(_mm256_min_ps(a, clamp), _mm256_sub_ps(_mm256_setzero_ps(), clamp));
  const __m256 abs_a = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a);
  const __m256 tiny = _mm256_cmp_ps(abs_a, _mm256_set1_ps(0.0004f), _CMP_LT_OQ);
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_fmadd_ps(x2, _mm256_set1_ps(-2.76076847742355e-16f),
                             _mm256_set1_ps(2.00018790482477e-13f));
  p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(-8.60467152213735e-11f));
  p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(5.12229709037114e-08f));
  p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(1.48572235717979e-05f));
  p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(6.37261928875436e-04f));
  p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(4.89352455891786e-03f));
  p = _mm256_mul_ps(x, p);
  __m256 q = _mm256_fmadd_ps(x2, _mm256_set1_ps(1.19825839466702e-06f),
                             _mm256_set1_ps(1.18534705686654e-04f));
  q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(2.26843463243900e-03f));
  q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(4.89352518554385e-03f));
  return _mm256_blendv_ps(_mm256_div_ps(p, q), x, tiny);
}

// sigmoid(x) = (1 + tanh(x / 2)) / 2, exactly; one approximation for both.
inline __m256 sigmoid8(__m256 a) {
  const __m256 half = _mm256_set1_ps(0.5f);
  return _mm256_fmadd_ps(half, tanh8(_mm256_mul_ps(half, a)), half);
}

// kIn, kHidden > 0: sizes compiled in (the loop trip counts are constants);
// 0: taken from the arguments.
template <int kIn, int kHidden>
void layer_step(const Line* panel, const float* z, int in, int hidden, float* h,
                float* c) noexcept {
  if constexpr (kIn > 0) in = kIn;
  if constexpr (kHidden > 0) hidden = kHidden;
  const int k = in + hidden;
  const float* p = panel->v;
  for (int u = 0; u < hidden; u += kChunkUnits) {
    // Rows of the chunk: i[0:8] i[8:16] f[0:8] f[8:16] g[0:8] g[8:16] o[0:8]
    // o[8:16] of units u..u+15; the accumulators start at the bias.
    __m256 a0 = _mm256_load_ps(p + 0), a1 = _mm256_load_ps(p + 8);
    __m256 a2 = _mm256_load_ps(p + 16), a3 = _mm256_load_ps(p + 24);
    __m256 a4 = _mm256_load_ps(p + 32), a5 = _mm256_load_ps(p + 40);
    __m256 a6 = _mm256_load_ps(p + 48), a7 = _mm256_load_ps(p + 56);
    p += kChunkRows;
#pragma GCC unroll 4
    for (int j = 0; j < k; ++j, p += kChunkRows) {
      const __m256 zj = _mm256_broadcast_ss(z + j);
      a0 = _mm256_fmadd_ps(_mm256_load_ps(p + 0), zj, a0);
      a1 = _mm256_fmadd_ps(_mm256_load_ps(p + 8), zj, a1);
      a2 = _mm256_fmadd_ps(_mm256_load_ps(p + 16), zj, a2);
      a3 = _mm256_fmadd_ps(_mm256_load_ps(p + 24), zj, a3);
      a4 = _mm256_fmadd_ps(_mm256_load_ps(p + 32), zj, a4);
      a5 = _mm256_fmadd_ps(_mm256_load_ps(p + 40), zj, a5);
      a6 = _mm256_fmadd_ps(_mm256_load_ps(p + 48), zj, a6);
      a7 = _mm256_fmadd_ps(_mm256_load_ps(p + 56), zj, a7);
    }
    float* cu = c + u;
    float* hu = h + u;
    // c = f * c + i * g;  h = o * tanh(c)
    const __m256 c0 =
        _mm256_fmadd_ps(sigmoid8(a2), _mm256_loadu_ps(cu), _mm256_mul_ps(sigmoid8(a0), tanh8(a4)));
    const __m256 c1 = _mm256_fmadd_ps(sigmoid8(a3), _mm256_loadu_ps(cu + 8),
                                      _mm256_mul_ps(sigmoid8(a1), tanh8(a5)));
    _mm256_storeu_ps(cu, c0);
    _mm256_storeu_ps(cu + 8, c1);
    _mm256_storeu_ps(hu, _mm256_mul_ps(sigmoid8(a6), tanh8(c0)));
    _mm256_storeu_ps(hu + 8, _mm256_mul_ps(sigmoid8(a7), tanh8(c1)));
  }
}

inline float horizontal_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

template <int kHidden>
void head(const float* w, const float* b, int outputs, int hidden, const float* h,
          float* out) noexcept {
  if constexpr (kHidden > 0) hidden = kHidden;
  for (int o = 0; o < outputs; ++o) {
    const float* row = w + o * hidden;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    for (int j = 0; j < hidden; j += 16) {
      s0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(h + j), s0);
      s1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 8), _mm256_loadu_ps(h + j + 8), s1);
    }
    out[o] = b[o] + horizontal_sum(_mm256_add_ps(s0, s1));
  }
}

// C[0:8R, 0:NR] += A[0:8R, 0:k] * B[0:k, 0:NR]: 8R x NR accumulators that
// stay in registers across the whole k loop.
template <int R, int NR>
inline void gemm_block(int k, const float* a, int lda, const float* b, int ldb, float* c,
                       int ldc) noexcept {
  __m256 acc[R][NR];
#pragma GCC unroll 4
  for (int q = 0; q < NR; ++q) {
#pragma GCC unroll 2
    for (int r = 0; r < R; ++r) acc[r][q] = _mm256_loadu_ps(c + q * ldc + 8 * r);
  }
  for (int p = 0; p < k; ++p) {
    __m256 av[R];
#pragma GCC unroll 2
    for (int r = 0; r < R; ++r) av[r] = _mm256_loadu_ps(a + p * lda + 8 * r);
#pragma GCC unroll 4
    for (int q = 0; q < NR; ++q) {
      const __m256 bq = _mm256_broadcast_ss(b + p + q * ldb);
#pragma GCC unroll 2
      for (int r = 0; r < R; ++r) acc[r][q] = _mm256_fmadd_ps(av[r], bq, acc[r][q]);
    }
  }
#pragma GCC unroll 4
  for (int q = 0; q < NR; ++q) {
#pragma GCC unroll 2
    for (int r = 0; r < R; ++r) _mm256_storeu_ps(c + q * ldc + 8 * r, acc[r][q]);
  }
}

}  // namespace

void avx2_gemm_acc(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                   int ldc) noexcept {
  // Rows outer, columns inner: a 16-row panel of A (16 x k) is reused from L1
  // for every column block of B and C.
  int i = 0;
  for (; i + 16 <= m; i += 16) {
    int j = 0;
    for (; j + 4 <= n; j += 4)
      gemm_block<2, 4>(k, a + i, lda, b + j * ldb, ldb, c + i + j * ldc, ldc);
    for (; j < n; ++j) gemm_block<2, 1>(k, a + i, lda, b + j * ldb, ldb, c + i + j * ldc, ldc);
  }
  for (; i + 8 <= m; i += 8) {
    int j = 0;
    for (; j + 4 <= n; j += 4)
      gemm_block<1, 4>(k, a + i, lda, b + j * ldb, ldb, c + i + j * ldc, ldc);
    for (; j < n; ++j) gemm_block<1, 1>(k, a + i, lda, b + j * ldb, ldb, c + i + j * ldc, ldc);
  }
}

void avx2_cell_forward(int hidden, int batch, float* gates, const float* c_prev, float* c,
                       float* tanh_c, float* h) noexcept {
  for (int b = 0; b < batch; ++b) {
    float* i_gate = gates + b * 4 * hidden;
    float* f_gate = i_gate + hidden;
    float* g_gate = f_gate + hidden;
    float* o_gate = g_gate + hidden;
    const int col = b * hidden;
    for (int u = 0; u < hidden; u += 8) {
      const __m256 i = sigmoid8(_mm256_loadu_ps(i_gate + u));
      const __m256 f = sigmoid8(_mm256_loadu_ps(f_gate + u));
      const __m256 g = tanh8(_mm256_loadu_ps(g_gate + u));
      const __m256 o = sigmoid8(_mm256_loadu_ps(o_gate + u));
      _mm256_storeu_ps(i_gate + u, i);
      _mm256_storeu_ps(f_gate + u, f);
      _mm256_storeu_ps(g_gate + u, g);
      _mm256_storeu_ps(o_gate + u, o);
      const __m256 cp = c_prev != nullptr ? _mm256_loadu_ps(c_prev + col + u) : _mm256_setzero_ps();
      const __m256 cn = _mm256_fmadd_ps(f, cp, _mm256_mul_ps(i, g));
      const __m256 tc = tanh8(cn);
      _mm256_storeu_ps(c + col + u, cn);
      _mm256_storeu_ps(tanh_c + col + u, tc);
      _mm256_storeu_ps(h + col + u, _mm256_mul_ps(o, tc));
    }
  }
}

LayerStepFn avx2_layer_step(int in, int hidden) {
  if (hidden % kChunkUnits != 0) return nullptr;
  // The default network (8 features) and the upper layers of a stack.
  if (in == 8 && hidden == 32) return layer_step<8, 32>;
  if (in == 8 && hidden == 64) return layer_step<8, 64>;
  if (in == 8 && hidden == 128) return layer_step<8, 128>;
  if (in == 32 && hidden == 32) return layer_step<32, 32>;
  if (in == 64 && hidden == 64) return layer_step<64, 64>;
  if (in == 128 && hidden == 128) return layer_step<128, 128>;
  return layer_step<0, 0>;
}

HeadFn avx2_head(int hidden) {
  if (hidden % kChunkUnits != 0) return nullptr;
  if (hidden == 32) return head<32>;
  if (hidden == 64) return head<64>;
  if (hidden == 128) return head<128>;
  return head<0>;
}

}  // namespace tickcast::model::kernels

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else  // not x86-64: vector_kernel_enabled() is false, so these are never asked.
namespace tickcast::model::kernels {
LayerStepFn avx2_layer_step(int, int) {
  return nullptr;
}
HeadFn avx2_head(int) {
  return nullptr;
}
}  // namespace tickcast::model::kernels
#endif

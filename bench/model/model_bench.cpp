// ns per LSTM step and training throughput in sequence-steps per second, for
// hidden 32, 64 and 128 with 8 inputs, one layer:
//   BM_Step          Lstm<float>::step() as the daemon runs it (the AVX2
//                    kernel when the CPU has AVX2/FMA, model/lstm_kernels.hpp)
//   BM_StepGeneric   the same network forced onto the generic Eigen path
//                    (TICKCAST_LSTM_KERNEL=generic), what other CPUs run
//   BM_ReferenceStep the reference every ratio is taken against: a plain
//                    Eigen step, one MatrixXf 4H x (I+H) GEMV, then the gates
//                    with Eigen's vectorised logistic() and tanh()
// This file is built twice (bench/model/CMakeLists.txt): model_bench with the
// portable flags, and model_bench_avx2 with -mavx2 -mfma, so that the
// reference uses the same instruction set as the kernel. The reference's
// label says what Eigen used. (The generic path is compiled in the library,
// with the portable flags, in both.)
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cstdlib>

#include "model/adam.hpp"
#include "model/bptt.hpp"
#include "model/lstm.hpp"
#include "model/random.hpp"

namespace tickcast::model {
namespace {

constexpr int kInputs = 8;

std::vector<std::vector<float>> inputs(int n) {
  Random rng(1);
  std::vector<std::vector<float>> xs(n, std::vector<float>(kInputs));
  for (auto& x : xs) {
    for (auto& v : x) v = static_cast<float>(rng.normal());
  }
  return xs;
}

Lstm<float> network(int hidden, bool generic) {
  if (generic) setenv("TICKCAST_LSTM_KERNEL", "generic", 1);
  Lstm<float> lstm(LstmWeights<float>::initialised({kInputs, hidden, 1, 1}, 1));
  if (generic) unsetenv("TICKCAST_LSTM_KERNEL");
  return lstm;
}

void run_steps(benchmark::State& state, bool generic) {
  const int hidden = static_cast<int>(state.range(0));
  const Lstm<float> lstm = network(hidden, generic);
  auto s = lstm.make_state();
  const auto xs = inputs(1024);
  std::size_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(lstm.step(xs[t++ & 1023], s)[0]);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Step(benchmark::State& state) {
  run_steps(state, false);
}
void BM_StepGeneric(benchmark::State& state) {
  run_steps(state, true);
}

// The reference: one MatrixXf [W_ih | W_hh] times [x; h], plus the bias,
// then the gates with Eigen's array functions, as one writes it with Eigen
// (buffers kept between steps, so it does not allocate either).
struct ReferenceLstm {
  Eigen::MatrixXf w;  // 4H x (F + H)
  Eigen::VectorXf b;  // 4H
  Eigen::VectorXf h, c, z, g;
  Eigen::RowVectorXf head;
  float head_b = 0;

  explicit ReferenceLstm(const LstmWeights<float>& weights) {
    const auto& l = weights.layers[0];
    w.resize(l.w_ih.rows(), l.w_ih.cols() + l.w_hh.cols());
    w << l.w_ih, l.w_hh;
    b = l.b_ih + l.b_hh;
    h = Eigen::VectorXf::Zero(l.w_hh.cols());
    c = h;
    z = Eigen::VectorXf::Zero(w.cols());
    g = Eigen::VectorXf::Zero(w.rows());
    head = weights.head_w.row(0);
    head_b = weights.head_b(0);
  }

  float step(const std::vector<float>& x) {
    const Eigen::Index n = h.size();
    const auto in = static_cast<Eigen::Index>(x.size());
    z.head(in) = Eigen::Map<const Eigen::VectorXf>(x.data(), in);
    z.tail(n) = h;
    g.noalias() = w * z;
    g += b;
    const auto i = g.segment(0, n).array().logistic();
    const auto f = g.segment(n, n).array().logistic();
    const auto cand = g.segment(2 * n, n).array().tanh();
    const auto o = g.segment(3 * n, n).array().logistic();
    c.array() = f * c.array() + i * cand;
    h.array() = o * c.array().tanh();
    return head.dot(h) + head_b;
  }
};

void BM_ReferenceStep(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0));
  ReferenceLstm ref(LstmWeights<float>::initialised({kInputs, hidden, 1, 1}, 1));
  const auto xs = inputs(1024);
  std::size_t t = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ref.step(xs[t++ & 1023]));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(Eigen::SimdInstructionSetsInUse());
}

// One Adam step on a mini-batch of 32 windows of 64 steps (the defaults):
// forward, BPTT, clipping and the update. Items are sequence-steps.
void BM_TrainBatch(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0));
  const LstmShape shape{kInputs, hidden, 1, 1};
  auto weights = LstmWeights<float>::initialised(shape, 1);
  Adam<float> adam(shape, AdamOptions{});
  Bptt<float> bptt;
  Random rng(2);
  Batch<float> batch;
  batch.skip_steps = 16;
  for (int t = 0; t < 64; ++t) {
    MatrixX<float> x(kInputs, 32), y(1, 32);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = static_cast<float>(rng.normal());
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = static_cast<float>(rng.normal());
    batch.inputs.push_back(x);
    batch.targets.push_back(y);
  }
  LstmWeights<float> grad;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bptt.loss_and_gradient(weights, batch, grad));
    adam.step(weights, grad);
  }
  state.SetItemsProcessed(state.iterations() * 32 * 64);
}

BENCHMARK(BM_Step)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_StepGeneric)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_ReferenceStep)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_TrainBatch)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tickcast::model

BENCHMARK_MAIN();

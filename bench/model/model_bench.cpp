// ns per LSTM step (tickcast's allocation-free packed step against a plain
// Eigen reference written the obvious way) and training throughput in
// sequence-steps per second, for hidden 32, 64 and 128 with 8 inputs.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

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

void BM_TickcastStep(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0));
  const Lstm<float> lstm(LstmWeights<float>::initialised({kInputs, hidden, 1, 1}, 1));
  auto s = lstm.make_state();
  const auto xs = inputs(1024);
  std::size_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(lstm.step(xs[t++ & 1023], s)[0]);
  }
  state.SetItemsProcessed(state.iterations());
}

// The reference: one MatrixXf [W_ih | W_hh] times [x; h], plus the bias,
// then the gates, as one would first write it with Eigen (temporaries and
// all).
struct ReferenceLstm {
  Eigen::MatrixXf w;  // 4H x (F + H)
  Eigen::VectorXf b;  // 4H
  Eigen::VectorXf h, c;
  Eigen::RowVectorXf head;
  float head_b = 0;

  explicit ReferenceLstm(const LstmWeights<float>& weights) {
    const auto& l = weights.layers[0];
    w.resize(l.w_ih.rows(), l.w_ih.cols() + l.w_hh.cols());
    w << l.w_ih, l.w_hh;
    b = l.b_ih + l.b_hh;
    h = Eigen::VectorXf::Zero(l.w_hh.cols());
    c = h;
    head = weights.head_w.row(0);
    head_b = weights.head_b(0);
  }

  float step(const std::vector<float>& x) {
    const Eigen::Index n = h.size();
    Eigen::VectorXf z(x.size() + n);
    z << Eigen::Map<const Eigen::VectorXf>(x.data(), static_cast<Eigen::Index>(x.size())), h;
    const Eigen::VectorXf g = w * z + b;
    const Eigen::ArrayXf i = 1.0f / (1.0f + (-g.segment(0, n).array()).exp());
    const Eigen::ArrayXf f = 1.0f / (1.0f + (-g.segment(n, n).array()).exp());
    const Eigen::ArrayXf cand = g.segment(2 * n, n).array().tanh();
    const Eigen::ArrayXf o = 1.0f / (1.0f + (-g.segment(3 * n, n).array()).exp());
    c = (f * c.array() + i * cand).matrix();
    h = (o * c.array().tanh()).matrix();
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

BENCHMARK(BM_TickcastStep)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_ReferenceStep)->Arg(32)->Arg(64)->Arg(128);
BENCHMARK(BM_TrainBatch)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tickcast::model

BENCHMARK_MAIN();

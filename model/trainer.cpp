#include "model/trainer.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "model/adam.hpp"
#include "model/bptt.hpp"
#include "model/options_check.hpp"
#include "model/random.hpp"

namespace tickcast::model {
namespace {

// Gathers the windows starting at starts[first, last) into one batch.
Batch<float> make_batch(const SequenceData& data, const std::vector<std::size_t>& starts,
                        std::size_t first, std::size_t last, int seq_len, int skip) {
  Batch<float> batch;
  batch.skip_steps = skip;
  const auto b = static_cast<Eigen::Index>(last - first);
  for (int t = 0; t < seq_len; ++t) {
    MatrixX<float> x(data.inputs.cols(), b), y(data.targets.cols(), b);
    for (Eigen::Index j = 0; j < b; ++j) {
      const auto row = static_cast<Eigen::Index>(starts[first + static_cast<std::size_t>(j)]) + t;
      x.col(j) = data.inputs.row(row).transpose();
      y.col(j) = data.targets.row(row).transpose();
    }
    batch.inputs.push_back(std::move(x));
    batch.targets.push_back(std::move(y));
  }
  return batch;
}

}  // namespace

std::size_t training_rows(std::size_t rows, const ModelOptions& options) {
  const auto validation =
      static_cast<std::size_t>(std::ceil(options.validation_fraction * static_cast<double>(rows)));
  return rows - std::min(rows, validation);
}

double stateful_mse(const Lstm<float>& lstm, const SequenceData& data, std::size_t warm_begin,
                    std::size_t eval_begin, std::size_t eval_end) {
  auto state = lstm.make_state();
  const auto f = static_cast<std::size_t>(data.inputs.cols());
  // Row-major copy: each step's input is then contiguous.
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xs = data.inputs;
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t t = warm_begin; t < eval_end; ++t) {
    const auto y = lstm.step({xs.data() + t * f, f}, state);
    if (t < eval_begin) continue;
    for (std::size_t j = 0; j < y.size(); ++j) {
      const double d = static_cast<double>(y[j]) -
                       data.targets(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j));
      sum += d * d;
      ++n;
    }
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

std::string train_lstm(const SequenceData& data, const ModelOptions& options,
                       const std::function<void(const EpochReport&)>& progress,
                       TrainingResult& out) {
  if (std::string error = check_options(options); !error.empty()) return error;
  const auto rows = static_cast<std::size_t>(data.inputs.rows());
  if (data.targets.rows() != data.inputs.rows() || data.targets.cols() < 1) {
    return "inputs and targets must have the same number of rows";
  }
  const std::size_t train_rows = training_rows(rows, options);
  const std::size_t validation_rows = rows - train_rows;
  const auto seq_len = static_cast<std::size_t>(options.seq_len);
  if (train_rows < seq_len || validation_rows < 1) {
    return "too little data: " + std::to_string(rows) + " rows give " + std::to_string(train_rows) +
           " training rows for seq_len " + std::to_string(seq_len) + " and " +
           std::to_string(validation_rows) + " validation rows";
  }

  const LstmShape shape{static_cast<int>(data.inputs.cols()), options.hidden, options.layers,
                        static_cast<int>(data.targets.cols())};
  LstmWeights<float> weights = LstmWeights<float>::initialised(shape, options.seed);
  AdamOptions adam_options;
  adam_options.learning_rate = options.learning_rate;
  adam_options.weight_decay = options.weight_decay;
  adam_options.clip_norm = options.grad_clip;
  Adam<float> adam(shape, adam_options);
  Bptt<float> bptt(options.loss == "huber" ? LossKind::kHuber : LossKind::kMse);
  // A stream of its own for shuffling, so that changing the init does not
  // change the batch order and vice versa.
  Random rng(options.seed ^ 0x9e3779b97f4a7c15ULL);

  std::vector<std::size_t> starts;
  for (std::size_t s = 0; s + seq_len <= train_rows;
       s += static_cast<std::size_t>(options.window_stride)) {
    starts.push_back(s);
  }

  out = TrainingResult{};
  out.train_rows = train_rows;
  out.validation_rows = validation_rows;
  out.weights = weights;
  out.best_validation_loss = std::numeric_limits<double>::infinity();
  LstmWeights<float> gradient;
  int epochs_without_improvement = 0;
  const auto batch_size = static_cast<std::size_t>(options.batch);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto began = std::chrono::steady_clock::now();
    rng.shuffle(starts);
    double loss_sum = 0.0;
    std::size_t batches = 0;
    for (std::size_t first = 0; first < starts.size(); first += batch_size) {
      const std::size_t last = std::min(starts.size(), first + batch_size);
      const Batch<float> batch =
          make_batch(data, starts, first, last, options.seq_len, options.warmup_steps);
      loss_sum += bptt.loss_and_gradient(weights, batch, gradient);
      adam.step(weights, gradient);
      out.sequence_steps += (last - first) * seq_len;
      ++batches;
    }
    EpochReport report;
    report.epoch = epoch;
    report.train_loss = loss_sum / static_cast<double>(batches);
    report.validation_loss = stateful_mse(Lstm<float>(weights), data, 0, train_rows, rows);
    report.improved = report.validation_loss < out.best_validation_loss;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    out.epochs.push_back(report);
    if (progress) progress(report);
    if (report.improved) {
      out.best_validation_loss = report.validation_loss;
      out.best_epoch = epoch;
      out.weights = weights;
      epochs_without_improvement = 0;
    } else if (++epochs_without_improvement >= options.patience) {
      break;
    }
    if (!std::isfinite(report.train_loss)) return "training diverged (loss is not finite)";
  }
  return "";
}

}  // namespace tickcast::model

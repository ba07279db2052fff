// `tickcast train`: trains a model offline on a bar file and reports, on a
// chronologically held-out tail, how it does next to naive persistence.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/bar_files.hpp"
#include "daemon/subcommands.hpp"
#include "model/checkpoint.hpp"
#include "model/dataset.hpp"
#include "model/holdout.hpp"
#include "model/options_check.hpp"
#include "model/trainer.hpp"

namespace tickcast::daemon {
namespace {

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4e", v);
  return buf;
}

void print_scores(const model::ForecastScores& m, const model::ForecastScores& p) {
  std::cout << "| metric | model | persistence |\n| --- | ---: | ---: |\n"
            << "| MAE price | " << fixed(m.mae_price, 4) << " | " << fixed(p.mae_price, 4) << " |\n"
            << "| RMSE price | " << fixed(m.rmse_price, 4) << " | " << fixed(p.rmse_price, 4)
            << " |\n"
            << "| MAE log return | " << sci(m.mae_return) << " | " << sci(p.mae_return) << " |\n"
            << "| RMSE log return | " << sci(m.rmse_return) << " | " << sci(p.rmse_return) << " |\n"
            << "| directional accuracy | " << fixed(100 * m.directional_accuracy, 2) << "% (of "
            << m.directional_n << ") | n/a (never predicts a move) |\n"
            << "| up moves among actual moves | " << fixed(100 * m.up_fraction, 2) << "% | |\n";
}

}  // namespace

int train_main(std::span<const std::string_view> args) {
  ArgParser parser("train",
                   "Train a model on a bar file. The last --test-fraction of the bars is held "
                   "out; the model is trained on the rest (its own validation tail included) "
                   "and then scored on the held-out bars next to naive persistence.");
  parser.option("bars", "FILE", "bars to train on", std::nullopt, true)
      .option("format", "FORMAT", "auto, tickcast, binanceus, kraken-ohlcvt or coinmarketcap",
              "auto")
      .option("config", "FILE", "take the [model] section of this config file")
      .option("out", "MODEL", "checkpoint to write", std::nullopt, true)
      .option("test-fraction", "F", "chronological tail held out for the final scores", "0.2");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  const auto fail = [](const std::string& message) {
    std::cerr << "tickcast train: " << message << '\n';
    return 1;
  };

  model::ModelOptions options;
  if (auto path = parser.get_optional("config")) {
    const config::LoadResult loaded = config::load_config_file(*path);
    if (!loaded.config) {
      for (const auto& e : loaded.errors) std::cerr << "tickcast train: " << e.to_string() << '\n';
      return 1;
    }
    options = loaded.config->model;
  }
  if (std::string error = model::check_options(options); !error.empty()) return fail(error);

  double test_fraction = 0;
  try {
    test_fraction = std::stod(parser.get("test-fraction"));
  } catch (...) {
    test_fraction = -1;
  }
  if (!(test_fraction > 0 && test_fraction < 1)) {
    return fail("--test-fraction must be between 0 and 1, got " + parser.get("test-fraction"));
  }

  BarFileFormat format{};
  if (!parse_bar_file_format(parser.get("format"), format)) {
    return fail("unknown --format " + parser.get("format"));
  }
  BarFile file;
  if (std::string error = read_bar_file(parser.get("bars"), format, file); !error.empty()) {
    return fail(error);
  }
  std::cerr << "read " << file.bars.size() << " bars (" << to_string(file.format) << ", "
            << file.rows << " rows, " << file.filled << " quiet bars filled in, "
            << file.skipped.size() << " rows skipped)\n";
  for (std::size_t i = 0; i < file.skipped.size() && i < 5; ++i) {
    std::cerr << "  skipped " << file.skipped[i] << '\n';
  }

  const std::vector<Bar>& bars = file.bars;
  const auto test_bars =
      static_cast<std::size_t>(std::floor(test_fraction * static_cast<double>(bars.size())));
  const std::size_t train_bars = bars.size() - test_bars;
  const std::vector<Bar> training(bars.begin(),
                                  bars.begin() + static_cast<std::ptrdiff_t>(train_bars));
  model::PreparedData data;
  if (std::string error = model::prepare_data(training, options, data); !error.empty()) {
    return fail(error);
  }
  std::cerr << "training on bars [0, " << train_bars << "), validation tail "
            << (data.scaled.inputs.rows() - data.fit_rows) << " rows; held out " << test_bars
            << " bars\n";

  model::TrainingResult result;
  const auto began = std::chrono::steady_clock::now();
  const std::string error = model::train_lstm(
      data.scaled, options,
      [&](const model::EpochReport& e) {
        std::cerr << "epoch " << e.epoch << "/" << options.epochs << "  train "
                  << fixed(e.train_loss, 5) << "  validation " << fixed(e.validation_loss, 5)
                  << (e.improved ? "  best" : "") << "  (" << fixed(e.seconds, 2) << " s)\n";
      },
      result);
  if (!error.empty()) return fail(error);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  model::Target target{};
  (void)model::parse_target(options.target, target);
  const model::FeatureSet features(options.features);
  const model::Lstm<float> lstm(result.weights);
  // The last training bar's forecast is the first about a held-out bar.
  const model::HoldoutReport report =
      model::evaluate_holdout(lstm, features, data.scaler, target, bars, train_bars - 1);

  std::cout << "trained " << result.epochs.size() << " epochs in " << fixed(seconds, 1)
            << " s (best epoch " << result.best_epoch << ", validation MSE "
            << fixed(result.best_validation_loss, 5) << " in scaled units), "
            << fixed(static_cast<double>(result.sequence_steps) / seconds, 0)
            << " sequence-steps/s\n"
            << "held-out bars: " << report.model.n << " forecasts, target " << options.target
            << ", " << options.layers << "x" << options.hidden << " LSTM\n\n";
  print_scores(report.model, report.persistence);

  model::Checkpoint ck;
  ck.feature_names = options.features;
  ck.target = options.target;
  ck.scaler = data.scaler;
  ck.weights = result.weights;
  ck.has_state = true;
  ck.h = report.final_state.h;
  ck.c = report.final_state.c;
  ck.last_bar_sequence = bars.back().sequence;
  ck.last_close = bars.back().close;
  ck.last_bar_end_ns = bars.back().end_ns;
  auto& m = ck.meta;
  m.created_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  m.data_start_ns = training.front().start_ns;
  m.data_end_ns = training.back().end_ns;
  m.train_rows = result.train_rows;
  m.validation_rows = result.validation_rows;
  m.epochs_run = static_cast<std::uint32_t>(result.epochs.size());
  m.best_epoch = static_cast<std::uint32_t>(result.best_epoch);
  m.train_loss = result.epochs[static_cast<std::size_t>(result.best_epoch - 1)].train_loss;
  m.validation_loss = result.best_validation_loss;
  m.seed = options.seed;
  m.seq_len = static_cast<std::uint32_t>(options.seq_len);
  m.batch = static_cast<std::uint32_t>(options.batch);
  m.learning_rate = options.learning_rate;
  m.source = std::filesystem::path(parser.get("bars")).filename().string();
  if (auto status = model::save_checkpoint(parser.get("out"), ck); !status.ok()) {
    return fail(status.message);
  }
  std::cout << "\nwrote " << parser.get("out") << '\n';
  return 0;
}

}  // namespace tickcast::daemon

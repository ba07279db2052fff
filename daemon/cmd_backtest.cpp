// `tickcast backtest`: the daemon's online loop (forecaster, retrain jobs,
// gate, scores, intervals) replayed over a file, deterministically; writes
// forecasts.csv, report.json and report.svg (daemon/backtest_*.hpp).
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "daemon/arg_parser.hpp"
#include "daemon/backtest_report.hpp"
#include "daemon/backtest_runner.hpp"
#include "daemon/backtest_svg.hpp"
#include "daemon/bar_files.hpp"
#include "daemon/stream_message.hpp"
#include "daemon/subcommands.hpp"
#include "feeds/bar_csv.hpp"
#include "feeds/dialect.hpp"
#include "feeds/input_file.hpp"
#include "feeds/resampler.hpp"
#include "feeds/trade_csv.hpp"
#include "model/atomic_file.hpp"
#include "model/options_check.hpp"

namespace tickcast::daemon {
namespace {

constexpr int kMaxErrorsShown = 10;

// Resamples trades of one symbol into bars with the config's [bars]. A
// revision replaces its bar: the backtest runs over the final bars.
class TradeBars {
 public:
  TradeBars(const feeds::BarOptions& options, const feeds::Dialect* dialect)
      : options_(options), dialect_(dialect) {}

  // "" or why not (a second symbol, bad [bars]).
  std::string add(const Trade& trade) {
    if (!resampler_) {
      exchange_ = trade.exchange;
      symbol_ = trade.symbol;
      feeds::ResamplerOptions r;
      const auto ids = dialect_ ? dialect_->id_continuity() : feeds::IdContinuity::kIncreasing;
      if (auto error = feeds::make_resampler_options(options_, trade.exchange, trade.symbol,
                                                     ids == feeds::IdContinuity::kConsecutive, r,
                                                     ids != feeds::IdContinuity::kNone)) {
        return "[bars]: " + *error;
      }
      resampler_ =
          std::make_unique<feeds::Resampler>(std::move(r), [this](const feeds::BarEvent& e) {
            if (e.kind == feeds::BarEventKind::kRevision) {
              for (auto it = bars_.rbegin(); it != bars_.rend(); ++it) {
                if (it->sequence == e.bar.sequence) {
                  *it = e.bar;
                  return;
                }
              }
              return;
            }
            bars_.push_back(e.bar);
          });
    } else if (trade.exchange != exchange_ || trade.symbol != symbol_) {
      return "holds more than one symbol (" + exchange_ + " " + symbol_ + " and " + trade.exchange +
             " " + trade.symbol + "); a backtest runs one symbol";
    }
    (void)resampler_->on_trade(trade);
    return "";
  }
  std::vector<Bar> finish() {
    if (resampler_) resampler_->finish();
    return std::move(bars_);
  }

 private:
  feeds::BarOptions options_;
  const feeds::Dialect* dialect_;
  std::string exchange_, symbol_;
  std::unique_ptr<feeds::Resampler> resampler_;
  std::vector<Bar> bars_;
};

std::string read_trades(const std::string& path, const feeds::BarOptions& options,
                        std::vector<Bar>& out) {
  std::string open_error;
  auto input = feeds::open_input_file(path, open_error);
  if (!input) return "--trades: " + open_error;
  std::istream& in = *input;
  // As `tickcast resample`: tickcast's trade CSV, or Binance's trade dumps
  // with the symbol taken from the file name.
  static const std::regex pattern(R"(_([A-Za-z0-9-]+)_trades_)");
  std::smatch match;
  const std::string symbol = std::regex_search(path, match, pattern) ? match[1].str() : "";
  feeds::TradeCsvReader reader(in, feeds::TradeCsvFormat::kAuto, "binance", symbol);
  if (auto error = reader.read_header()) return path + ": " + *error;
  TradeBars bars(options, nullptr);
  Trade trade;
  std::string error;
  std::uint64_t bad = 0;
  while (true) {
    const auto result = reader.next(trade, error);
    if (result == feeds::TradeCsvReader::Result::kEnd) break;
    if (result == feeds::TradeCsvReader::Result::kBadLine) {
      if (++bad <= kMaxErrorsShown) std::cerr << path << ": " << error << " (skipped)\n";
      continue;
    }
    if (std::string e = bars.add(trade); !e.empty()) return path + ": " + e;
  }
  out = bars.finish();
  return "";
}

// Recorded frames, "<recv_ns> <frame>" per line, decoded by the dialect of
// the config's first feed.
std::string read_frames(const std::string& path, const config::Config& config,
                        std::vector<Bar>& out) {
  if (config.feeds.empty()) return "--frames needs a [[feeds]] entry in the config (its dialect)";
  std::string error;
  auto dialect = feeds::make_dialect(config.feeds.front(), error);
  if (!dialect) return "[[feeds]]: " + error;
  auto input = feeds::open_input_file(path, error);
  if (!input) return "--frames: " + error;
  std::istream& in = *input;
  TradeBars bars(config.bars, dialect.get());
  simdjson::ondemand::parser parser;
  std::vector<Trade> trades;
  std::string line, padded;
  std::uint64_t number = 0, bad = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto space = line.find(' ');
    std::int64_t recv_ns = 0;
    try {
      recv_ns = space == std::string::npos ? -1 : std::stoll(line.substr(0, space));
    } catch (...) {
      recv_ns = -1;
    }
    if (recv_ns < 0) {
      if (++bad <= kMaxErrorsShown) {
        std::cerr << path << ": line " << number << ": not \"<recv_ns> <frame>\" (skipped)\n";
      }
      continue;
    }
    const std::size_t n = line.size() - space - 1;
    padded.assign(line, space + 1, n);
    padded.resize(n + simdjson::SIMDJSON_PADDING);
    trades.clear();
    const feeds::DecodeResult result = dialect->decode(
        parser, simdjson::padded_string_view(padded.data(), n, padded.size()), recv_ns, trades);
    if (result.error != feeds::DecodeError::kOk && ++bad <= kMaxErrorsShown) {
      std::cerr << path << ": line " << number << ": frame does not decode (skipped)\n";
    }
    for (const Trade& t : trades) {
      if (std::string e = bars.add(t); !e.empty()) return path + ": " + e;
    }
  }
  out = bars.finish();
  return "";
}

}  // namespace

int backtest_main(std::span<const std::string_view> args) {
  ArgParser parser("backtest",
                   "Replays the daemon's online loop over a file: the same forecaster, retrain "
                   "jobs, gate, scores and intervals, retraining synchronously at the bar it "
                   "would live. Writes DIR/forecasts.csv, DIR/report.json and DIR/report.svg "
                   "(online model vs a static model trained once vs persistence). The same "
                   "input and seed give identical files.");
  parser
      .option("config", "FILE", "config: its [model] and [bars] sections are used", std::nullopt,
              true)
      .option("bars", "FILE", "bars (any format tickcast train reads)")
      .option("trades", "FILE", "trades CSV (tickcast format), resampled with [bars]")
      .option("frames", "FILE",
              "recorded frames, \"<recv_ns> <frame>\" per line (gzip or plain), decoded by the "
              "first [[feeds]] entry's dialect and resampled with [bars]")
      .option("out", "DIR", "directory for the outputs (created if missing)", std::nullopt, true)
      .option("seed", "N", "overrides model.seed")
      .option("models-dir", "DIR",
              "also write each accepted model as DIR/vNNNNNN.model, as the daemon does "
              "(weights, scaler and the state right after the swap), and the live model after "
              "the last bar as DIR/live.model")
      .option("bars-out", "FILE",
              "also write the bars the backtest ran on as CSV (the columns of `tickcast "
              "resample` and `tickcast bars dump`), to compare with a daemon's bar log")
      .option("stream-out", "FILE",
              "also write each forecast as the daemon publishes it on /v1/stream, one JSON "
              "object per line ({\"type\":\"forecast\",<the message's fields>}), to compare "
              "with a live run");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  const auto fail = [](const std::string& message) {
    std::cerr << "tickcast backtest: " << message << '\n';
    return 1;
  };

  const config::LoadResult loaded = config::load_config_file(parser.get("config"));
  if (!loaded.config) {
    for (const auto& e : loaded.errors) std::cerr << "tickcast backtest: " << e.to_string() << '\n';
    return 1;
  }
  const config::Config& config = *loaded.config;
  BacktestSettings settings;
  settings.model = config.model;
  settings.scores = config.scores;
  if (auto seed = parser.get_optional("seed")) {
    try {
      std::size_t used = 0;
      settings.model.seed = std::stoull(*seed, &used);
      if (used != seed->size()) throw std::invalid_argument("trailing");
    } catch (...) {
      return fail("--seed must be a non-negative integer, got \"" + *seed + "\"");
    }
  }
  if (std::string error = model::check_options(settings.model); !error.empty()) return fail(error);
  if (std::string error = model::check_score_options(settings.scores); !error.empty()) {
    return fail(error);
  }

  const auto bars_path = parser.get_optional("bars");
  const auto trades_path = parser.get_optional("trades");
  const auto frames_path = parser.get_optional("frames");
  if ((bars_path ? 1 : 0) + (trades_path ? 1 : 0) + (frames_path ? 1 : 0) != 1) {
    return fail("give exactly one of --bars, --trades, --frames");
  }
  std::vector<Bar> bars;
  if (bars_path) {
    settings.input = *bars_path;
    settings.input_kind = "bars";
    BarFile file;
    if (std::string error = read_bar_file(*bars_path, BarFileFormat::kAuto, file); !error.empty()) {
      return fail(error);
    }
    for (std::size_t i = 0; i < file.skipped.size() && i < kMaxErrorsShown; ++i) {
      std::cerr << *bars_path << ": skipped " << file.skipped[i] << '\n';
    }
    bars = std::move(file.bars);
  } else if (trades_path) {
    settings.input = *trades_path;
    settings.input_kind = "trades";
    if (std::string error = read_trades(*trades_path, config.bars, bars); !error.empty()) {
      return fail(error);
    }
  } else {
    settings.input = *frames_path;
    settings.input_kind = "frames";
    if (std::string error = read_frames(*frames_path, config, bars); !error.empty()) {
      return fail(error);
    }
  }
  if (bars.size() <= static_cast<std::size_t>(settings.model.min_bars)) {
    return fail(settings.input + ": " + std::to_string(bars.size()) +
                " bars, but model.min_bars = " + std::to_string(settings.model.min_bars) +
                " must be exceeded for a model to be trained");
  }

  const std::filesystem::path out_dir = parser.get("out");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return fail("cannot create --out " + out_dir.string() + ": " + ec.message());

  std::cerr << "backtest: " << bars.size() << " bars from " << settings.input << '\n';
  const auto stream_out = parser.get_optional("stream-out");
  std::string stream_text;
  BacktestObserver observe;
  if (stream_out) {
    observe = [&stream_text](const Bar&, const model::Forecast& forecast) {
      stream_text += "{\"type\":\"forecast\",";
      stream_text += forecast_fields(forecast);
      stream_text += "}\n";
    };
  }
  const auto began = std::chrono::steady_clock::now();
  const BacktestResult result =
      run_backtest(bars, settings.model, settings.scores,
                   std::filesystem::path(settings.input).filename().string(),
                   parser.get_optional("models-dir").has_value(), observe);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  // Bar files without an exchange column (Binance.US klines) are named by the file.
  const std::string who = bars.front().exchange.empty()
                              ? std::filesystem::path(settings.input).filename().string()
                              : bars.front().exchange + " " + bars.front().symbol;
  const std::string title = who + ": " + std::to_string(bars.size()) + " bars, target " +
                            settings.model.target + ", retrain every " +
                            std::to_string(settings.model.retrain_every) + " bars";
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"forecasts.csv", backtest_forecasts_csv(result)},
        {"report.json", backtest_report_json(result, settings)},
        {"report.svg", backtest_svg(result, title)}}) {
    if (std::string error = model::write_file_atomically(out_dir / name, text); !error.empty()) {
      return fail(error);
    }
  }
  if (auto bars_out = parser.get_optional("bars-out")) {
    std::string text(feeds::bar_csv_header());
    text += '\n';
    for (const Bar& bar : bars) feeds::append_bar_csv(bar, text);
    if (std::string error = model::write_file_atomically(*bars_out, text); !error.empty()) {
      return fail(error);
    }
  }
  if (stream_out) {
    if (std::string error = model::write_file_atomically(*stream_out, stream_text);
        !error.empty()) {
      return fail(error);
    }
  }
  if (auto models_dir = parser.get_optional("models-dir")) {
    std::filesystem::create_directories(*models_dir, ec);
    if (ec) return fail("cannot create --models-dir " + *models_dir + ": " + ec.message());
    for (const model::Checkpoint& checkpoint : result.accepted_models) {
      char name[32];
      std::snprintf(name, sizeof name, "v%06llu.model",
                    static_cast<unsigned long long>(checkpoint.model_version));
      const model::CheckpointStatus status =
          model::save_checkpoint(std::filesystem::path(*models_dir) / name, checkpoint);
      if (!status.ok()) return fail(status.message);
    }
    if (result.final_model) {
      const model::CheckpointStatus status = model::save_checkpoint(
          std::filesystem::path(*models_dir) / "live.model", *result.final_model);
      if (!status.ok()) return fail(status.message);
    }
  }
  std::size_t accepted = 0;
  for (const auto& r : result.retrains) accepted += r.result == model::RetrainResult::kAccepted;
  char line[512];
  std::snprintf(line, sizeof line,
                "backtest: %.1f s (%.1f s training), %zu retrains (%zu accepted); skill online "
                "%.4f%%, static %.4f%%; %.0f%% interval coverage online %.2f%%\n",
                seconds, result.train_seconds, result.retrains.size(), accepted,
                100 * result.online.skill, 100 * result.static_model.skill,
                100 * settings.model.interval_coverage, 100 * result.online.coverage);
  std::cerr << line;
  return 0;
}

}  // namespace tickcast::daemon

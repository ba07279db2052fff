// The forecasting half of one symbol's pipeline: each closed bar goes
// through the model::Forecaster (score, step, forecast), the forecast is
// published, the live model is checkpointed, and retrain jobs run on the
// TrainingPool and come back to be swapped in at a bar boundary.
//
// Threads: everything except request_retrain() and the stats runs on the
// symbol's strand (the same strand as the resampler, so bars arrive in
// order). A job reads the bar log and trains on a pool thread; its outcome
// is posted back to the strand, which installs it (model::Forecaster::
// install replays the bars that closed meanwhile). Checkpoint files are
// written by a separate single-thread writer so no fsync lands on the
// strand, except the last one at shutdown. Nothing here ever waits for a
// training job.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "daemon/atomic_histogram.hpp"
#include "daemon/model_store.hpp"
#include "daemon/publisher.hpp"
#include "daemon/training_pool.hpp"
#include "feeds/bar_history.hpp"
#include "feeds/log_sink.hpp"
#include "model/forecaster.hpp"
#include "model/model_options.hpp"
#include "model/retrain.hpp"

namespace tickcast::daemon {

// Counters and gauges of one symbol, read at scrape time.
struct ForecastStats {
  explicit ForecastStats(const std::vector<int>& windows);

  std::atomic<std::uint64_t> forecasts_warming_up{0};
  std::atomic<std::uint64_t> forecasts_ok{0};
  std::atomic<std::uint64_t> forecasts_no_skill{0};
  std::atomic<std::uint64_t> retrains_accepted{0};
  std::atomic<std::uint64_t> retrains_rejected{0};
  std::atomic<std::uint64_t> retrains_failed{0};
  std::atomic<std::uint64_t> retrains_timeout{0};
  std::atomic<std::uint64_t> checkpoint_errors{0};
  // False from a failed checkpoint write until the next one succeeds
  // (written by the checkpoint writer thread).
  std::atomic<bool> checkpoint_ok{true};
  // Checkpoint files that failed to load at start and were moved aside.
  std::atomic<std::uint64_t> checkpoints_corrupt{0};
  std::atomic<std::uint64_t> model_version{0};
  std::atomic<std::int64_t> model_created_unix_ns{0};
  std::atomic<bool> has_forecast{false};
  std::atomic<bool> no_skill{false};
  std::atomic<bool> job_running{false};  // written on the strand only
  std::atomic<double> last_close{0};     // of the newest traded or quiet bar
  std::atomic<double> predicted_close{0};
  std::atomic<double> interval_lower{0};
  std::atomic<double> interval_upper{0};

  struct Window {
    int bars = 0;
    std::atomic<double> skill{0};
    std::atomic<double> direction_accuracy{0};
    std::atomic<double> interval_coverage{0};
    std::atomic<bool> valid{false};
  };
  std::vector<std::unique_ptr<Window>> windows;

  AtomicHistogram step_seconds;
  AtomicHistogram tick_to_forecast_seconds;
  AtomicHistogram retrain_seconds;
  AtomicHistogram error_abs;  // |actual close - predicted close|, price units
};

// Writes checkpoint files off the strands, in submission order.
using CheckpointWriter = TrainingPool;

class SymbolModel : public std::enable_shared_from_this<SymbolModel> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  struct Context {
    explicit Context(Strand strand_in) : strand(std::move(strand_in)) {}
    Strand strand;
    TrainingPool* pool = nullptr;
    CheckpointWriter* writer = nullptr;
    Publisher* publisher = nullptr;
    std::filesystem::path state_dir;
    std::string exchange;
    std::string symbol;
    std::int64_t interval_ns = 0;
    model::ModelOptions model;
    model::ScoreOptions scores;
    feeds::LogSink log;
    // Called on the strand when the symbol first has a model (restored or
    // trained): readiness.
    std::function<void()> on_first_model;
  };

  // Restores the newest usable checkpoint and catches it up on the bars of
  // `history` logged after it; without one, replays the newest bars through
  // persistence so the scores and interval start warm. Returns nullptr and
  // sets `error` if the model directory cannot be created.
  static std::shared_ptr<SymbolModel> create(Context context, const feeds::BarHistory& history,
                                             std::string& error);

  SymbolModel(const SymbolModel&) = delete;
  SymbolModel& operator=(const SymbolModel&) = delete;

  // On the strand: a bar closed (revision 0) or was revised. `logged_bars`
  // is how many bars the bar log holds now (for the first retrain).
  void on_bar(const Bar& bar, std::uint64_t logged_bars);

  // Thread-safe: asks for a retrain now (the admin call); it starts on the
  // strand as soon as no other job of this symbol runs.
  void request_retrain();

  // On the strand: cancels a running job and writes live.model
  // synchronously.
  void stop();

  [[nodiscard]] const ForecastStats& stats() const { return stats_; }
  [[nodiscard]] const std::string& exchange() const { return context_.exchange; }
  [[nodiscard]] const std::string& symbol() const { return context_.symbol; }

 private:
  explicit SymbolModel(Context context);

  void restore(const feeds::BarHistory& history);
  void maybe_start_job();
  void on_job_done(model::RetrainOutcome outcome, model::RetrainTrigger trigger,
                   std::uint64_t submitted_at_sequence);
  void publish(const Bar& bar, const model::Forecast& forecast);
  void update_stats(const model::Forecast& forecast);
  void checkpoint_live_async();
  // On the checkpoint writer: counts a failed write ("" = success) and logs
  // the first failure and the recovery, once each.
  void note_checkpoint(const std::string& error);
  void note_model_installed();
  void status(std::string kind, const std::string& message, feeds::LogLevel level);

  Context context_;
  ModelStore store_;
  model::Forecaster forecaster_;
  ForecastStats stats_;

  std::uint64_t logged_bars_ = 0;
  std::uint64_t bars_since_checkpoint_ = 0;
  std::uint64_t last_version_ = 0;  // the highest version ever accepted or on disk
  bool stopping_ = false;
  bool announced_model_ = false;
  bool previous_no_skill_ = false;
  std::uint64_t checkpoint_failures_ = 0;  // in a row; the writer thread's only
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace tickcast::daemon

// One symbol's live pipeline, on its own strand: trades -> Resampler -> bars
// -> bar log (and, with the online issue, the forecaster).
//
// Trades arrive from the feed's strand by post (copied); bars close on trade
// time and on a timer driven by the local clock (Resampler::advance, on
// steady_unix_ns()), so a quiet market still gets its bars on time. The bar
// log is fsynced at least every bars.fsync_interval by the same timer.
// Nothing here blocks.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "daemon/publisher.hpp"
#include "daemon/symbol_model.hpp"
#include "daemon/training_pool.hpp"
#include "feeds/bar_log_reader.hpp"
#include "feeds/bar_log_writer.hpp"
#include "feeds/log_sink.hpp"
#include "feeds/market.hpp"
#include "feeds/resampler.hpp"

namespace tickcast::daemon {

// What a pipeline needs to forecast, shared by every symbol.
struct ForecastingSetup {
  TrainingPool* pool = nullptr;
  CheckpointWriter* writer = nullptr;
  model::ModelOptions model;
  model::ScoreOptions scores;
  // Called (on the symbol's strand) when the symbol first has a model.
  std::function<void(const std::string& exchange, const std::string& symbol)> on_first_model;
};

class SymbolPipeline : public std::enable_shared_from_this<SymbolPipeline> {
 public:
  // Reads the symbol's bar log back (so bar sequences continue across
  // restarts); new bars go to `bar_log`, that log's writer (open_bar_logs()).
  // Bars and status changes go to `publisher`, which must outlive the
  // pipeline. Returns nullptr and sets `error` when the options are
  // inconsistent or the log cannot be read.
  static std::shared_ptr<SymbolPipeline> create(
      boost::asio::io_context& ioc, const feeds::BarOptions& bars,
      const std::filesystem::path& state_dir, std::string exchange, std::string symbol,
      bool consecutive_trade_ids, bool trade_ids_usable,
      std::unique_ptr<feeds::BarLogWriter> bar_log, Publisher& publisher,
      const ForecastingSetup& forecasting, feeds::LogSink log, std::string& error);

  SymbolPipeline(const SymbolPipeline&) = delete;
  SymbolPipeline& operator=(const SymbolPipeline&) = delete;

  // Starts the close/fsync timer.
  void start();

  // Thread-safe: each posts onto the pipeline's strand.
  void post_trade(const Trade& trade);
  void post_feed_state(bool connected);

  // Thread-safe: asks for a retrain of this symbol's model now.
  void request_retrain() { model_->request_retrain(); }

  // Stops the timer, syncs the bar log and checkpoints the live model;
  // `stopped()` turns true when done.
  void stop();
  [[nodiscard]] bool stopped() const { return stopped_.load(); }

  [[nodiscard]] const std::string& exchange() const { return exchange_; }
  [[nodiscard]] const std::string& symbol() const { return symbol_; }
  [[nodiscard]] const feeds::ResamplerStats& resampler_stats() const { return resampler_.stats(); }
  [[nodiscard]] const feeds::BarLogStats& bar_log_stats() const { return bar_log_->stats(); }
  // Bars read back from the log at start, and what reading it skipped.
  [[nodiscard]] std::size_t restored_bars() const { return restored_bars_; }
  [[nodiscard]] const feeds::BarLogReadStats& restore_stats() const { return restore_stats_; }
  [[nodiscard]] const ForecastStats& forecast_stats() const { return model_->stats(); }

 private:
  SymbolPipeline(boost::asio::io_context& ioc, feeds::ResamplerOptions options,
                 std::string exchange, std::string symbol, Publisher& publisher,
                 feeds::LogSink log);
  void publish_status(std::string kind, std::string message);

  void on_bar(const feeds::BarEvent& event);
  void schedule_tick();
  void on_tick();
  // Logs the bar log's first failure and its recovery, once each.
  void note_bar_log(const feeds::IoStatus& status);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::string exchange_;
  std::string symbol_;
  Publisher& publisher_;
  feeds::RateLimitedLog log_;
  feeds::Resampler resampler_;
  std::unique_ptr<feeds::BarLogWriter> bar_log_;
  std::shared_ptr<SymbolModel> model_;
  std::size_t restored_bars_ = 0;
  feeds::BarLogReadStats restore_stats_;  // written once, before start()
  std::uint64_t logged_bars_ = 0;
  std::uint64_t bar_log_failures_ = 0;  // in a row, since the last success
  bool stopping_ = false;
  std::atomic<bool> stopped_{false};
};

// The wall clock in ns since the epoch, the time base of exchange timestamps.
std::int64_t unix_now_ns();

// The local time the resamplers run on: the wall clock as it read at the
// first call, advanced by the monotonic clock since. A step of the wall
// clock (`date -s`, NTP stepping) then neither closes a burst of empty bars
// nor stalls timer closes; a constant error is what each resampler's
// measured exchange offset absorbs anyway.
std::int64_t steady_unix_ns();

}  // namespace tickcast::daemon

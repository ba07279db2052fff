#include "daemon/market_data.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/bar_log_opener.hpp"
#include "feeds/dialect.hpp"
#include "feeds/symbol_case.hpp"

namespace tickcast::daemon {

namespace {

// Bar logs opened side by side at start (their syncs wait on the disk, not
// the CPU).
constexpr std::size_t kBarLogOpenThreads = 16;

}  // namespace

feeds::LogSink spdlog_sink() {
  return [](feeds::LogLevel level, std::string_view message) {
    switch (level) {
      case feeds::LogLevel::kDebug:
        spdlog::debug("{}", message);
        break;
      case feeds::LogLevel::kInfo:
        spdlog::info("{}", message);
        break;
      case feeds::LogLevel::kWarn:
        spdlog::warn("{}", message);
        break;
      case feeds::LogLevel::kError:
        spdlog::error("{}", message);
        break;
    }
  };
}

std::unique_ptr<MarketData> MarketData::create(boost::asio::io_context& ioc,
                                               const config::Config& config,
                                               const std::filesystem::path& state_dir,
                                               Publisher& publisher, Readiness& readiness,
                                               std::string& error) {
  auto market = std::make_unique<MarketData>();
  market->training_ = std::make_unique<TrainingPool>(config.daemon.train_threads);
  market->writer_ = std::make_unique<CheckpointWriter>(1);
  ForecastingSetup forecasting;
  forecasting.pool = market->training_.get();
  forecasting.writer = market->writer_.get();
  market->bar_log_syncer_ = std::make_unique<feeds::FileSyncer>();
  forecasting.model = config.model;
  forecasting.scores = config.scores;
  forecasting.on_first_model = [&readiness](const std::string& exchange,
                                            const std::string& symbol) {
    readiness.satisfy(exchange + ":" + symbol);
  };

  if (config.replay.enabled) {
    feeds::ReplayOptions replay;
    replay.dialect = config.replay.dialect;
    replay.symbol = config.replay.symbol;
    replay.trades_file = config.replay.trades_file;
    replay.listen_address = "127.0.0.1";
    replay.port = static_cast<std::uint16_t>(config.replay.port);
    replay.speed = config.replay.speed;
    replay.loop = config.replay.loop;
    replay.seed = config.replay.seed;
    market->replay_ = feeds::ReplayExchange::create(ioc, replay, error);
    if (!market->replay_) {
      error = "replay exchange: " + error;
      return nullptr;
    }
  }

  std::vector<BarLogToOpen> logs;
  for (const feeds::FeedOptions& options : config.feeds) {
    for (const std::string& symbol : options.symbols) logs.push_back({options.exchange, symbol});
  }
  feeds::BarLogOptions log_options = feeds::BarLogOptions::from(config.bars);
  log_options.syncer = market->bar_log_syncer_.get();
  std::vector<std::unique_ptr<feeds::BarLogWriter>> bar_logs;
  if (!open_bar_logs(state_dir, logs, log_options, unix_now_ns(), kBarLogOpenThreads, bar_logs,
                     error)) {
    return nullptr;
  }
  std::size_t next_log = 0;

  for (std::size_t i = 0; i < config.feeds.size(); ++i) {
    const feeds::FeedOptions& options = config.feeds[i];
    const std::string where = "feeds[" + std::to_string(i) + "] (" + options.exchange + ")";
    auto dialect = feeds::make_dialect(options, error);
    if (!dialect) {
      error = where + ": " + error;
      return nullptr;
    }
    const bool consecutive = dialect->id_continuity() == feeds::IdContinuity::kConsecutive;
    const bool ids_usable = dialect->id_continuity() != feeds::IdContinuity::kNone;

    // Trades are routed by symbol; exchanges differ in case ("btcusdt").
    auto routes = std::make_shared<feeds::SymbolMap<std::shared_ptr<SymbolPipeline>>>();
    for (const std::string& symbol : options.symbols) {
      auto pipeline = SymbolPipeline::create(
          ioc, config.bars, state_dir, options.exchange, symbol, consecutive, ids_usable,
          std::move(bar_logs[next_log++]), publisher, forecasting, spdlog_sink(), error);
      if (!pipeline) return nullptr;
      (*routes)[symbol] = pipeline;
      market->pipelines_.push_back(pipeline);
    }

    feeds::FeedCallbacks callbacks;
    callbacks.on_trade = [routes](const Trade& trade) {
      if (auto it = routes->find(trade.symbol); it != routes->end()) {
        it->second->post_trade(trade);
      }
    };
    callbacks.on_connection = [routes](bool connected) {
      for (auto& [symbol, pipeline] : *routes) pipeline->post_feed_state(connected);
    };
    callbacks.log = spdlog_sink();
    std::shared_ptr<feeds::FrameRecorder> recorder;
    if (!options.record_dir.empty()) {
      recorder =
          feeds::FrameRecorder::open(options.record_dir, options.exchange, spdlog_sink(), error);
      if (!recorder) {
        error = where + ": record_dir: " + error;
        return nullptr;
      }
      callbacks.on_frame = [recorder](std::int64_t receive_ns, std::string_view frame) {
        recorder->record(receive_ns, frame);
      };
    }
    auto client = feeds::FeedClient::create(ioc, options, std::move(callbacks), error);
    if (!client) {
      error = where + ": " + error;
      return nullptr;
    }
    market->feeds_.push_back(std::move(client));
    market->recorders_.push_back(std::move(recorder));
  }
  return market;
}

MarketData::~MarketData() {
  // Jobs were cancelled by each pipeline's stop; a job still running ends at
  // its next check. Checkpoints queued at shutdown are written before exit.
  if (training_) training_->stop(TrainingPool::Queued::kDrop);
  if (writer_) writer_->stop(TrainingPool::Queued::kFinish);
  training_.reset();
  writer_.reset();
}

void MarketData::start() {
  if (replay_) {
    replay_->start();
    spdlog::info("replay exchange listening on ws://127.0.0.1:{}", replay_->port());
  }
  for (auto& pipeline : pipelines_) {
    pipeline->start();
    if (pipeline->restored_bars() > 0) {
      spdlog::info("{}:{}: {} bars restored from the bar log", pipeline->exchange(),
                   pipeline->symbol(), pipeline->restored_bars());
    }
  }
  for (auto& feed : feeds_) {
    spdlog::info("feed {}: connecting to {}", feed->options().exchange, feed->url());
    feed->start();
  }
}

void MarketData::stop() {
  for (auto& feed : feeds_) feed->stop();
  // A frame already in flight on a feed's strand may reopen a recording;
  // the recorder's destructor closes it again.
  for (auto& recorder : recorders_) {
    if (recorder) recorder->close();
  }
  if (replay_) replay_->stop();
  for (auto& pipeline : pipelines_) pipeline->stop();
}

bool MarketData::stopped() const {
  return std::all_of(pipelines_.begin(), pipelines_.end(),
                     [](const auto& pipeline) { return pipeline->stopped(); });
}

}  // namespace tickcast::daemon

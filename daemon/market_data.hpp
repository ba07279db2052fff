// Everything between the exchanges and the bars: the built-in replay
// exchange (when [replay] enables it), one FeedClient per [[feeds]] table and
// one SymbolPipeline per configured symbol, wired together, started and
// stopped in order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "daemon/publisher.hpp"
#include "daemon/readiness.hpp"
#include "daemon/symbol_pipeline.hpp"
#include "feeds/feed_client.hpp"
#include "feeds/file_syncer.hpp"
#include "feeds/frame_recorder.hpp"
#include "feeds/replay_exchange.hpp"

namespace tickcast::daemon {

class MarketData {
 public:
  // Builds everything and checks it (dialects, URLs, CA files, bar logs);
  // nothing touches the network yet. Bars, forecasts and status changes go
  // to `publisher`, which must outlive the MarketData. On failure returns
  // nullptr and sets `error` to one line naming the feed or symbol.
  // Readiness conditions named "exchange:symbol" are satisfied as each
  // symbol gets its first model.
  static std::unique_ptr<MarketData> create(boost::asio::io_context& ioc,
                                            const config::Config& config,
                                            const std::filesystem::path& state_dir,
                                            Publisher& publisher, Readiness& readiness,
                                            std::string& error);

  MarketData() = default;
  // Cancels training, lets queued checkpoint writes finish, joins the pools.
  ~MarketData();
  MarketData(const MarketData&) = delete;
  MarketData& operator=(const MarketData&) = delete;

  // Starts the replay exchange (if any), then the pipelines, then the feeds.
  void start();

  // Stops the feeds and the replay exchange, then lets each pipeline sync its
  // bar log. `stopped()` turns true when every pipeline is done.
  void stop();
  [[nodiscard]] bool stopped() const;

  [[nodiscard]] const std::vector<std::shared_ptr<feeds::FeedClient>>& feeds() const {
    return feeds_;
  }
  [[nodiscard]] const std::vector<std::shared_ptr<SymbolPipeline>>& pipelines() const {
    return pipelines_;
  }
  [[nodiscard]] const feeds::ReplayExchange* replay() const { return replay_.get(); }
  // Parallel to feeds(): each feed's frame recorder, or nullptr without
  // record_dir.
  [[nodiscard]] const std::vector<std::shared_ptr<feeds::FrameRecorder>>& recorders() const {
    return recorders_;
  }

 private:
  // First, so it is destroyed last: pipelines (held also by the feeds'
  // routes) hand it their bar logs' syncs until they are gone.
  std::unique_ptr<feeds::FileSyncer> bar_log_syncer_;
  std::unique_ptr<TrainingPool> training_;
  std::unique_ptr<CheckpointWriter> writer_;
  std::unique_ptr<feeds::ReplayExchange> replay_;
  std::vector<std::shared_ptr<feeds::FeedClient>> feeds_;
  std::vector<std::shared_ptr<feeds::FrameRecorder>> recorders_;
  std::vector<std::shared_ptr<SymbolPipeline>> pipelines_;
};

// The feeds/ log sink, written to spdlog.
feeds::LogSink spdlog_sink();

}  // namespace tickcast::daemon

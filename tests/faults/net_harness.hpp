// The network fault tests' rig: replay exchanges in the test process, a
// FaultProxy in front of them, and the real `tickcast run` whose feed
// connects through the proxy. Also small helpers to read /metrics.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "feeds/replay_exchange.hpp"
#include "tests/daemon/running_daemon.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::test {

// The value of the series written exactly as `series` (name and labels as the
// daemon renders them), or NaN when absent.
inline double sample(const std::string& metrics, const std::string& series) {
  const std::string needle = "\n" + series + " ";
  const std::size_t at = metrics.find(needle);
  if (at == std::string::npos) return std::nan("");
  const std::size_t begin = at + needle.size();
  return std::stod(metrics.substr(begin, metrics.find('\n', begin) - begin));
}

// Polls `condition` every 50 ms until it holds or `timeout` passes. Every
// use is a hang guard ("should have happened by now"), so the timeout scales
// by kSlowBuildFactor under the sanitizers.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout * kSlowBuildFactor;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Replay exchanges on their own io_context thread.
class ExchangeHost {
 public:
  ExchangeHost() : thread_([this] { ioc_.run(); }) {}
  ~ExchangeHost() {
    for (auto& e : exchanges_) e->stop();
    work_.reset();
    // Sessions end as their sockets close; do not wait on peers.
    ioc_.stop();
    thread_.join();
  }
  ExchangeHost(const ExchangeHost&) = delete;
  ExchangeHost& operator=(const ExchangeHost&) = delete;

  // Starts one more exchange; fails the test when it cannot.
  feeds::ReplayExchange& add(feeds::ReplayOptions options) {
    std::string error;
    auto exchange = feeds::ReplayExchange::create(ioc_, options, error);
    if (!exchange) throw std::runtime_error("replay exchange: " + error);
    exchange->start();
    exchanges_.push_back(std::move(exchange));
    return *exchanges_.back();
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      ioc_.get_executor()};
  std::vector<std::unique_ptr<feeds::ReplayExchange>> exchanges_;
  std::thread thread_;
};

// Feed keys that make faults show within a second or two.
inline std::string fast_feed_keys() {
  return "stale_after = \"1s\"\nbackoff_initial = \"50ms\"\nbackoff_max = \"1s\"\n"
         "connect_timeout = \"1s\"\n";
}

inline std::string one_second_bars() {
  return "\n[bars]\ninterval = \"1s\"\nallowed_lateness = \"200ms\"\n";
}

// Series of the default feed (binance BTCUSDT) the tests read.
namespace series {
inline const std::string kConnected = "tickcast_feed_connected{exchange=\"binance\"}";
inline const std::string kConnects = "tickcast_feed_connects_total{exchange=\"binance\"}";
inline std::string disconnects(const std::string& reason) {
  return "tickcast_feed_disconnects_total{exchange=\"binance\",reason=\"" + reason + "\"}";
}
inline std::string decode_errors(const std::string& kind) {
  return "tickcast_feed_decode_errors_total{exchange=\"binance\",kind=\"" + kind + "\"}";
}
inline std::string frames(const std::string& kind) {
  return "tickcast_feed_frames_total{exchange=\"binance\",kind=\"" + kind + "\"}";
}
inline const std::string kTrades = "tickcast_trades_total{exchange=\"binance\",symbol=\"BTCUSDT\"}";
inline const std::string kTradedBars =
    "tickcast_bars_total{exchange=\"binance\",symbol=\"BTCUSDT\",status=\"traded\"}";
inline const std::string kBarClose = "tickcast_bar_close{exchange=\"binance\",symbol=\"BTCUSDT\"}";
inline const std::string kPriceOutliers =
    "tickcast_price_outlier_trades_total{exchange=\"binance\",symbol=\"BTCUSDT\"}";
inline const std::string kPriceReanchors =
    "tickcast_price_band_reanchors_total{exchange=\"binance\",symbol=\"BTCUSDT\"}";
}  // namespace series

}  // namespace tickcast::test

// A running tickcast daemon: the io_context, the HTTP server, signals,
// readiness and systemd notification, started and stopped in order.
//
// Start: the config was validated before this object exists; run() opens the
// state dir, binds the port, and only then tells systemd READY=1.
// Stop: the first SIGTERM/SIGINT stops accepting, lets requests in flight
// finish (at most daemon.shutdown_timeout) and returns 0; a second signal
// exits at once with status 1. SIGHUP reloads the config file.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "daemon/http_server.hpp"
#include "daemon/market_data.hpp"
#include "daemon/metrics.hpp"
#include "daemon/publisher.hpp"
#include "daemon/readiness.hpp"
#include "daemon/state_dir.hpp"
#include "daemon/stream_access.hpp"
#include "daemon/stream_hub.hpp"
#include "daemon/systemd_notifier.hpp"

namespace prometheus {
class Counter;
class Gauge;
}  // namespace prometheus

namespace tickcast::daemon {

class Daemon {
 public:
  Daemon(config::Config config, std::filesystem::path config_path);
  ~Daemon();

  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until stopped; returns the process exit code. Start-up failures are
  // logged as one line each and return non-zero.
  int run();

 private:
  void wait_for_signal();
  void on_signal(int signal_number);
  void reload();
  void apply_live_changes(const config::Config& next);
  void begin_shutdown(std::string_view why);
  void wait_for_drain();

  static HttpLimits limits_from(const config::ServerOptions& server);
  static StreamOptions stream_options_from(const config::ServerOptions& server);
  // Re-reads server.auth_tokens_file; on error keeps the rules in force.
  bool load_access_rules(const config::ServerOptions& server);

  config::Config config_;  // what is in effect now
  const std::filesystem::path config_path_;

  boost::asio::io_context ioc_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  bool shutting_down_ = false;
  bool subscribers_closed_ = false;  // close_subscribers() was called

  StateDir state_dir_;
  Metrics metrics_;
  Readiness readiness_;
  SystemdNotifier notifier_;
  std::unique_ptr<HttpServer> server_;
  // The subscriber stream (/v1/stream). Declared before market_ so it
  // outlives the pipelines that publish to it.
  std::shared_ptr<StreamHub> publisher_;
  std::shared_ptr<AccessPolicy> access_ = std::make_shared<AccessPolicy>();
  std::unique_ptr<MarketData> market_;

  prometheus::Counter* reloads_applied_ = nullptr;
  prometheus::Counter* reloads_rejected_ = nullptr;
  prometheus::Gauge* last_reload_ok_ = nullptr;
};

}  // namespace tickcast::daemon

#include "daemon/daemon.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <thread>
#include <vector>

#include "config/value_parsers.hpp"
#include "daemon/function_collector.hpp"
#include "daemon/http_routes.hpp"
#include "daemon/logging.hpp"
#include "daemon/market_metrics.hpp"
#include "daemon/metric_family.hpp"

namespace tickcast::daemon {

namespace net = boost::asio;

Daemon::Daemon(config::Config config, std::filesystem::path config_path)
    : config_(std::move(config)),
      config_path_(std::move(config_path)),
      signals_(ioc_, SIGINT, SIGTERM, SIGHUP),
      drain_timer_(ioc_),
      notifier_(ioc_) {
  auto& reloads = prometheus::BuildCounter()
                      .Name("tickcast_config_reloads_total")
                      .Help("Config reloads (SIGHUP), by result.")
                      .Register(metrics_.registry());
  reloads_applied_ = &reloads.Add({{"result", "applied"}});
  reloads_rejected_ = &reloads.Add({{"result", "rejected"}});
  last_reload_ok_ = &prometheus::BuildGauge()
                         .Name("tickcast_config_last_reload_successful")
                         .Help("1 if the last config reload (or the start) succeeded.")
                         .Register(metrics_.registry())
                         .Add({});
  last_reload_ok_->Set(1);

  // Until the forecasting pipeline of each symbol has a model, the daemon
  // is alive but not ready.
  for (const auto& feed : config_.feeds) {
    for (const auto& symbol : feed.symbols) {
      std::string name = feed.exchange + ":" + symbol;
      readiness_.require(name, name + ": no forecasting model yet");
    }
  }
  std::vector<StreamHub::SymbolInfo> symbols;
  for (const auto& feed : config_.feeds) {
    for (const auto& symbol : feed.symbols) {
      symbols.push_back({feed.exchange, symbol, config_.bars.interval.count()});
    }
  }
  publisher_ = std::make_shared<StreamHub>(std::move(symbols), stream_options_from(config_.server));
  metrics_.add_collector(
      make_collector([hub = publisher_] { return collect_stream_stats(hub->stats()); }));
  metrics_.add_collector(make_collector([this] {
    auto ready =
        make_family("tickcast_ready", "1 when /readyz answers 200.", prometheus::MetricType::Gauge);
    add_sample(ready, readiness_.report().ready ? 1 : 0);
    return std::vector{std::move(ready)};
  }));
}

Daemon::~Daemon() = default;

HttpLimits Daemon::limits_from(const config::ServerOptions& server) {
  return HttpLimits{static_cast<std::size_t>(server.max_connections),
                    static_cast<std::uint64_t>(server.max_header_bytes),
                    static_cast<std::uint64_t>(server.max_body_bytes), server.idle_timeout,
                    server.request_timeout};
}

StreamOptions Daemon::stream_options_from(const config::ServerOptions& server) {
  StreamOptions o;
  o.max_connections = static_cast<std::size_t>(server.stream_max_connections);
  o.max_connections_per_ip = static_cast<std::size_t>(server.stream_max_connections_per_ip);
  o.max_frame_bytes = static_cast<std::size_t>(server.stream_max_frame_bytes);
  o.max_messages_per_second = server.stream_max_messages_per_second;
  o.max_topics = static_cast<std::size_t>(server.stream_max_topics);
  o.max_queue = static_cast<std::size_t>(server.stream_max_queue);
  o.slow_client_timeout = server.slow_client_timeout;
  o.idle_timeout = server.stream_idle_timeout;
  return o;
}

bool Daemon::load_access_rules(const config::ServerOptions& server) {
  std::string error;
  auto rules = AccessPolicy::load(server.auth_tokens_file, server.protect_metrics,
                                  server.allowed_origins, error);
  if (!rules) {
    spdlog::error("{}", error);
    return false;
  }
  if (rules->auth_required) {
    spdlog::info("/v1/stream requires one of {} token(s){}", rules->token_digests.size(),
                 rules->protect_metrics ? "; so does /metrics" : "");
  }
  access_->set(std::move(*rules));
  return true;
}

int Daemon::run() {
  std::string error;
  if (!load_access_rules(config_.server)) return 1;
  state_dir_ = StateDir::open(config_.daemon.state_dir, error);
  if (!state_dir_.is_open()) {
    spdlog::critical("{}", error);
    return 1;
  }

  // Dialects, URLs, CA files and bar logs are checked before the port is bound.
  market_ = MarketData::create(ioc_, config_, state_dir_.path(), *publisher_, readiness_, error);
  if (!market_) {
    spdlog::critical("{}", error);
    return 1;
  }
  metrics_.add_collector(
      make_collector([market = market_.get()] { return collect_market_metrics(*market); }));

  auto listen = config::parse_listen_address(config_.server.listen);  // validated at load
  server_ = std::make_unique<HttpServer>(ioc_, limits_from(config_.server),
                                         make_http_routes(metrics_, readiness_));
  server_->enable_stream(publisher_, access_);
  if (const auto& tls = config_.server; !tls.tls_cert.empty() || !tls.tls_key.empty()) {
    if (tls.tls_cert.empty() || tls.tls_key.empty()) {
      spdlog::critical("server.tls_cert and server.tls_key go together: set both or neither");
      return 1;
    }
    if (error = server_->enable_tls(tls.tls_cert, tls.tls_key); !error.empty()) {
      spdlog::critical("{}", error);
      return 1;
    }
    spdlog::info("TLS on the HTTP port: https:// and wss:// only (certificate {})", tls.tls_cert);
  }
  const net::ip::tcp::endpoint endpoint(net::ip::make_address(listen.value->host),
                                        listen.value->port);
  if (error = server_->listen(endpoint); !error.empty()) {
    spdlog::critical("{}", error);
    return 1;
  }
  metrics_.add_collector(
      make_collector([stats = &server_->stats()] { return collect_http_stats(*stats); }));
  server_->start();

  const auto bound = server_->local_endpoint();
  const std::string address = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                       : bound.address().to_string()) +
                              ":" + std::to_string(bound.port());
  // Tests and operators read the real port from this line when listen has port 0.
  spdlog::info("listening on {} (state dir {}, {} network thread(s))", address,
               state_dir_.path().string(), config_.daemon.network_threads);
  if (config_.feeds.empty()) spdlog::warn("no [[feeds]] configured: nothing to forecast");

  market_->start();
  wait_for_signal();
  notifier_.ready("serving on " + address);
  if (auto interval = notifier_.start_watchdog(); interval.count() > 0) {
    spdlog::info("systemd watchdog: pinging every {} ms", interval.count() / 2000);
  }

  std::vector<std::thread> extra_threads;
  for (int i = 1; i < config_.daemon.network_threads; ++i) {
    extra_threads.emplace_back([this] { ioc_.run(); });
  }
  ioc_.run();
  for (auto& thread : extra_threads) thread.join();

  spdlog::info("stopped");
  return 0;
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;  // cancelled at the end of shutdown
    on_signal(signal_number);
    wait_for_signal();
  });
}

void Daemon::on_signal(int signal_number) {
  if (signal_number == SIGHUP) {
    reload();
    return;
  }
  const char* name = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  if (shutting_down_) {
    spdlog::warn("second {} during shutdown: exiting now", name);
    std::_Exit(1);
  }
  begin_shutdown(name);
}

void Daemon::reload() {
  notifier_.reloading();
  spdlog::info("SIGHUP: reloading {}", config_path_.string());
  config::LoadResult loaded = config::load_config_file(config_path_);
  if (!loaded.config) {
    for (const auto& e : loaded.errors) spdlog::error("{}", e.to_string());
    spdlog::error("reload rejected: keeping the running config");
    reloads_rejected_->Increment();
    last_reload_ok_->Set(0);
    notifier_.ready("reload rejected: config invalid, running config kept");
    return;
  }
  const config::ReloadPlan plan = config::plan_reload(config_, *loaded.config);
  apply_live_changes(*loaded.config);
  for (const auto& key : plan.applied) spdlog::info("reload: {} applied", key);
  for (const auto& key : plan.needs_restart) {
    spdlog::warn("reload: {} changed but needs a restart to take effect", key);
  }
  if (plan.applied.empty() && plan.needs_restart.empty()) spdlog::info("reload: no changes");
  reloads_applied_->Increment();
  last_reload_ok_->Set(1);
  notifier_.ready(plan.needs_restart.empty() ? "config reloaded"
                                             : "config reloaded; some changes need a restart");
}

void Daemon::apply_live_changes(const config::Config& next) {
  // Exactly the keys the schema marks live (.live = true); the rest stay as
  // they are in config_, so the next reload reports them again.
  config_.daemon.log_level = next.daemon.log_level;
  config_.daemon.shutdown_timeout = next.daemon.shutdown_timeout;
  const config::ServerOptions running = config_.server;
  config_.server = next.server;
  config_.server.listen = running.listen;
  config_.server.tls_cert = running.tls_cert;
  config_.server.tls_key = running.tls_key;

  set_log_level(config_.daemon.log_level);
  server_->set_limits(limits_from(config_.server));
  publisher_->set_options(stream_options_from(config_.server));
  // The tokens file is re-read on every SIGHUP, changed path or not.
  load_access_rules(config_.server);
}

void Daemon::begin_shutdown(std::string_view why) {
  shutting_down_ = true;
  spdlog::info("{}: shutting down (at most {})", why,
               config::format_duration(config_.daemon.shutdown_timeout));
  notifier_.stopping("shutting down");
  notifier_.stop_watchdog();
  // Publishing ends before subscribers are closed, so each one gets what
  // was published up to the last bar logged (wait_for_drain closes them).
  server_->stop_accepting();
  market_->stop();
  shutdown_deadline_ = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           config_.daemon.shutdown_timeout);
  wait_for_drain();
}

void Daemon::wait_for_drain() {
  if (market_->stopped() && !subscribers_closed_) {
    subscribers_closed_ = true;
    server_->close_subscribers();  // 1001 after each one's queue is written
  }
  const auto open =
      server_->stats().connections_open.load() + publisher_->stats().subscribers.load();
  if (open == 0 && market_->stopped()) {
    ioc_.stop();
    return;
  }
  if (std::chrono::steady_clock::now() >= shutdown_deadline_) {
    spdlog::warn("shutdown timeout: closing {} connection(s) still open{}", open,
                 market_->stopped() ? "" : "; some bar logs were not synced");
    ioc_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) wait_for_drain();
  });
}

}  // namespace tickcast::daemon

#include "config/sections.hpp"

#include <chrono>
#include <limits>

namespace tickcast::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr hours kDay{24};

}  // namespace

const Section<DaemonOptions>& daemon_section() {
  static const auto section = [] {
    Section<DaemonOptions> s("daemon");
    s.text_checked(
        {.key = "state_dir", .doc = "directory for checkpoints and bar logs; created if missing"},
        &DaemonOptions::state_dir, "path", [](const std::string& value) {
          return value.empty() ? std::string("must not be empty") : std::string();
        });
    s.text({.key = "log_level", .doc = "least severe level logged to stderr", .live = true},
           &DaemonOptions::log_level, {"trace", "debug", "info", "warn", "error"});
    s.integer({.key = "network_threads", .doc = "threads running the network io_context"},
              &DaemonOptions::network_threads, 1, 64);
    s.integer({.key = "train_threads", .doc = "threads running background training jobs"},
              &DaemonOptions::train_threads, 1, 64);
    s.duration({.key = "shutdown_timeout",
                .doc = "longest a graceful stop may take before the daemon exits anyway",
                .live = true},
               &DaemonOptions::shutdown_timeout, milliseconds(100), minutes(5));
    return s;
  }();
  return section;
}

const Section<ServerOptions>& server_section() {
  static const auto section = [] {
    Section<ServerOptions> s("server");
    s.text_checked(
        {.key = "listen", .doc = "HTTP address \"IPv4:port\" or \"[IPv6]:port\"; port 0 picks one"},
        &ServerOptions::listen, "address \"IPv4:port\" or \"[IPv6]:port\"",
        [](const std::string& value) { return parse_listen_address(value).error; });
    s.integer(
        {.key = "max_connections", .doc = "connections served at once; more get 503", .live = true},
        &ServerOptions::max_connections, 1, 100'000);
    s.bytes(
        {.key = "max_header_bytes", .doc = "largest request header; larger gets 431", .live = true},
        &ServerOptions::max_header_bytes, 1 << 10, 1 << 20);
    s.bytes({.key = "max_body_bytes", .doc = "largest request body; larger gets 413", .live = true},
            &ServerOptions::max_body_bytes, 0, 16 << 20);
    s.duration({.key = "idle_timeout",
                .doc = "an idle connection is closed after this long",
                .live = true},
               &ServerOptions::idle_timeout, seconds(1), hours(1));
    s.duration({.key = "request_timeout",
                .doc = "a started request must be complete within this time (slowloris guard)",
                .live = true},
               &ServerOptions::request_timeout, milliseconds(100), minutes(5));
    s.text({.key = "auth_tokens_file",
            .doc = "tokens /v1/stream requires, one per line; re-read on SIGHUP; empty: no auth",
            .live = true},
           &ServerOptions::auth_tokens_file);
    s.boolean({.key = "protect_metrics",
               .doc = "with auth_tokens_file, /metrics needs a token too",
               .live = true},
              &ServerOptions::protect_metrics);
    s.text_list({.key = "allowed_origins",
                 .doc = "browser origins allowed on /v1/stream; \"*\": any; empty: same origin",
                 .live = true},
                &ServerOptions::allowed_origins, {}, 0);
    s.text({.key = "tls_cert", .doc = "PEM certificate chain; with tls_key the port is TLS only"},
           &ServerOptions::tls_cert);
    s.text({.key = "tls_key", .doc = "PEM private key of tls_cert"}, &ServerOptions::tls_key);
    s.integer({.key = "stream_max_connections",
               .doc = "subscribers connected at once; more get 503",
               .live = true},
              &ServerOptions::stream_max_connections, 1, 1'000'000);
    s.integer({.key = "stream_max_connections_per_ip",
               .doc = "subscribers connected at once from one IP address; more get 503",
               .live = true},
              &ServerOptions::stream_max_connections_per_ip, 1, 1'000'000);
    s.bytes({.key = "stream_max_frame_bytes",
             .doc = "largest message a subscriber may send; larger closes it with 1009",
             .live = true},
            &ServerOptions::stream_max_frame_bytes, 1 << 10, 1 << 20);
    s.integer({.key = "stream_max_messages_per_second",
               .doc = "subscriber messages per second; beyond: rate_limited, twice beyond: 1008",
               .live = true},
              &ServerOptions::stream_max_messages_per_second, 1, 10'000);
    s.integer({.key = "stream_max_topics",
               .doc = "topics one subscriber may hold (wildcards count their expansion)",
               .live = true},
              &ServerOptions::stream_max_topics, 1, 1'000'000);
    s.integer({.key = "stream_max_queue",
               .doc = "messages waiting for one subscriber; more are dropped",
               .live = true},
              &ServerOptions::stream_max_queue, 16, 1'000'000);
    s.duration({.key = "slow_client_timeout",
                .doc = "a subscriber leaving a message queued this long is closed with 1013",
                .live = true},
               &ServerOptions::slow_client_timeout, milliseconds(100), hours(1));
    s.duration({.key = "stream_idle_timeout",
                .doc = "a silent subscriber is pinged at half of this and closed at the end",
                .live = true},
               &ServerOptions::stream_idle_timeout, seconds(1), hours(1));
    return s;
  }();
  return section;
}

const Section<feeds::FeedOptions>& feed_section() {
  using feeds::FeedOptions;
  static const auto section = [] {
    Section<FeedOptions> s("feeds");
    s.text({.key = "exchange", .doc = "the exchange dialect", .required = true},
           &FeedOptions::exchange, {"binance", "coinbase", "kraken", "bitstamp", "okx", "bybit"});
    s.text_list(
        {.key = "symbols", .doc = "symbols in the exchange's own spelling", .required = true},
        &FeedOptions::symbols, {}, 1);
    s.text({.key = "url", .doc = "endpoint override, ws:// or wss://; empty: the exchange's own"},
           &FeedOptions::url);
    s.text({.key = "ca_file", .doc = "extra trusted CA certificates (PEM) for wss://"},
           &FeedOptions::ca_file);
    s.text({.key = "channel",
            .doc = "trade channel where there are several (binance: trade, aggTrade)"},
           &FeedOptions::channel);
    s.duration({.key = "stale_after", .doc = "recycle a connection silent for this long"},
               &FeedOptions::stale_after, seconds(1), hours(1));
    s.duration({.key = "backoff_initial", .doc = "second reconnect delay, doubled each failure"},
               &FeedOptions::backoff_initial, milliseconds(1), minutes(1));
    s.duration({.key = "backoff_max", .doc = "longest reconnect delay"}, &FeedOptions::backoff_max,
               milliseconds(1), hours(1));
    s.duration(
        {.key = "backoff_reset_after", .doc = "a link up this long resets the reconnect backoff"},
        &FeedOptions::backoff_reset_after, seconds(1), hours(24));
    s.duration({.key = "connect_timeout",
                .doc = "limit of each connection stage (resolve, connect, TLS, handshake)"},
               &FeedOptions::connect_timeout, milliseconds(100), minutes(5));
    s.bytes({.key = "max_frame_bytes",
             .doc = "larger frames are discarded and counted; the connection stays"},
            &FeedOptions::max_frame_bytes, 4 << 10, 64 << 20);
    s.duration({.key = "rotate_after",
                .doc = "open a replacement connection after this long; 0s disables"},
               &FeedOptions::rotate_after, nanoseconds(0), 7 * kDay);
    s.text({.key = "record_dir",
            .doc = "record every raw frame here (gzip, one file per UTC day); empty: off"},
           &FeedOptions::record_dir);
    return s;
  }();
  return section;
}

const Section<feeds::BarOptions>& bars_section() {
  using feeds::BarOptions;
  static const auto section = [] {
    Section<BarOptions> s("bars");
    s.duration({.key = "interval", .doc = "bar length, aligned to the Unix epoch"},
               &BarOptions::interval, seconds(1), kDay);
    s.duration({.key = "allowed_lateness",
                .doc = "how late a trade may arrive and still count; at most one interval"},
               &BarOptions::allowed_lateness, nanoseconds(0), kDay);
    s.text({.key = "late_policy", .doc = "trades after their bar closed: drop, or revise the bar"},
           &BarOptions::late_policy, {"drop", "revise"});
    s.duration({.key = "fsync_interval",
                .doc = "bar log fsync period: the most a crash can lose; 0s syncs every bar"},
               &BarOptions::fsync_interval, nanoseconds(0), minutes(1));
    s.duration({.key = "retention", .doc = "bar-log segments older than this are deleted"},
               &BarOptions::retention, hours(1), 3650 * kDay);
    s.integer({.key = "revision_horizon_bars",
               .doc = "closed bars a late trade can still revise or be de-duplicated against"},
              &BarOptions::revision_horizon_bars, 1, 1024);
    s.bytes({.key = "segment_bytes", .doc = "bar-log segment size before a new one starts"},
            &BarOptions::segment_bytes, 64 << 10, std::int64_t{4} << 30);
    s.integer({.key = "max_gap_fill_bars",
               .doc = "most empty bars one trade may close (e.g. after downtime); beyond it one "
                      "gap bar stands for them all"},
              &BarOptions::max_gap_fill_bars, 1, 10'000'000);
    s.number({.key = "max_price_ratio",
              .doc = "refuse a trade priced more than this factor from the last price; 0: off"},
             &BarOptions::max_price_ratio, 0, 1e6);
    s.integer({.key = "price_confirm_trades",
               .doc = "refused trades in a row, agreeing with each other, that become the new "
                      "price"},
              &BarOptions::price_confirm_trades, 1, 1000);
    return s;
  }();
  return section;
}

const Section<model::ModelOptions>& model_section() {
  using model::ModelOptions;
  static const auto section = [] {
    Section<ModelOptions> s("model");
    s.integer({.key = "layers", .doc = "stacked LSTM layers"}, &ModelOptions::layers, 1, 8);
    s.integer({.key = "hidden", .doc = "hidden and cell state size"}, &ModelOptions::hidden, 1,
              1024);
    s.text_list({.key = "features", .doc = "per-bar input features, by name"},
                &ModelOptions::features,
                {"log_return", "log_range", "log_body", "log_volume", "trade_count", "imbalance",
                 "vwap_gap", "mask"},
                1);
    s.text({.key = "target", .doc = "what the head predicts: next log_return, or close price"},
           &ModelOptions::target, {"log_return", "close"});
    s.integer({.key = "seq_len", .doc = "truncated-BPTT sequence length in bars"},
              &ModelOptions::seq_len, 2, 4096);
    s.integer({.key = "batch", .doc = "sequences per mini-batch"}, &ModelOptions::batch, 1, 4096);
    s.number({.key = "learning_rate", .doc = "Adam step size"}, &ModelOptions::learning_rate, 0.0,
             1.0, /*min_exclusive=*/true);
    s.integer(
        {.key = "epochs", .doc = "most training epochs per job (early stopping may end sooner)"},
        &ModelOptions::epochs, 1, 10'000);
    s.integer({.key = "seed", .doc = "seed of initialisation and training"}, &ModelOptions::seed, 0,
              std::numeric_limits<std::int64_t>::max());
    s.text({.key = "loss", .doc = "training loss: mse, or huber (less swayed by outlier bars)"},
           &ModelOptions::loss, {"mse", "huber"});
    s.integer({.key = "warmup_steps",
               .doc = "steps at the start of each window that warm (h, c) but are not scored"},
              &ModelOptions::warmup_steps, 0, 4095);
    s.integer({.key = "window_stride", .doc = "bars between the starts of training windows"},
              &ModelOptions::window_stride, 1, 4096);
    s.number({.key = "grad_clip", .doc = "global L2 norm gradients are clipped to; 0 disables"},
             &ModelOptions::grad_clip, 0.0, 1e6);
    s.number({.key = "weight_decay", .doc = "decoupled (AdamW) weight decay; 0 disables"},
             &ModelOptions::weight_decay, 0.0, 0.999);
    s.number({.key = "validation_fraction",
              .doc = "chronological tail of the window held out for early stopping"},
             &ModelOptions::validation_fraction, 0.01, 0.5);
    s.integer({.key = "patience", .doc = "epochs without a better validation loss before stopping"},
              &ModelOptions::patience, 1, 1000);
    s.number({.key = "interval_coverage", .doc = "nominal coverage of the prediction interval"},
             &ModelOptions::interval_coverage, 0.5, 0.999);
    s.integer({.key = "window", .doc = "newest bars a retrain job trains and validates on"},
              &ModelOptions::window, 100, 1'000'000);
    s.integer({.key = "min_bars",
               .doc = "fewest bars before the first model; until then forecasts are persistence"},
              &ModelOptions::min_bars, 50, 1'000'000);
    s.integer({.key = "validation_bars",
               .doc = "newest bars of the window for the walk-forward challenger gate"},
              &ModelOptions::validation_bars, 10, 100'000);
    s.integer({.key = "retrain_every",
               .doc = "closed bars between scheduled retrains; 0: only drift, no-skill, request"},
              &ModelOptions::retrain_every, 0, 10'000'000);
    s.number({.key = "min_improvement",
              .doc = "a candidate must beat the live model's validation MSE by this fraction"},
             &ModelOptions::min_improvement, 0.0, 0.99);
    s.text({.key = "drift", .doc = "drift detector on the residuals; a detection retrains"},
           &ModelOptions::drift, {"page_hinkley", "adwin", "none"});
    s.number({.key = "drift_delta",
              .doc = "Page-Hinkley tolerance, in units of the validation residual scale"},
             &ModelOptions::drift_delta, 0.0, 10.0);
    s.number({.key = "drift_lambda", .doc = "Page-Hinkley alarm threshold, same units"},
             &ModelOptions::drift_lambda, 1.0, 1e6);
    s.number({.key = "adwin_confidence", .doc = "ADWIN confidence (smaller: fewer false alarms)"},
             &ModelOptions::adwin_confidence, 1e-9, 0.5);
    s.number({.key = "dm_threshold",
              .doc = "|z| of the Diebold-Mariano test beyond which a difference is significant"},
             &ModelOptions::dm_threshold, 0.0, 10.0);
    s.integer({.key = "max_gap_bars",
               .doc = "consecutive gap bars after which the state is reset and re-warmed"},
              &ModelOptions::max_gap_bars, 1, 100'000);
    s.integer({.key = "keep_versions", .doc = "accepted models kept as checkpoints per symbol"},
              &ModelOptions::keep_versions, 1, 1000);
    s.integer({.key = "checkpoint_every",
               .doc = "closed bars between checkpoints of the live model and its state"},
              &ModelOptions::checkpoint_every, 1, 1'000'000);
    s.duration({.key = "train_budget", .doc = "wall-time budget of one retrain job"},
               &ModelOptions::train_budget, seconds(1), kDay);
    s.number({.key = "aci_gamma",
              .doc = "adaptive conformal step: how fast the interval reacts to misses"},
             &ModelOptions::aci_gamma, 0.0, 0.5);
    s.integer({.key = "conformal_window", .doc = "recent residuals the interval is computed from"},
              &ModelOptions::conformal_window, 20, 100'000);
    return s;
  }();
  return section;
}

const Section<model::ScoreOptions>& scores_section() {
  using model::ScoreOptions;
  static const auto section = [] {
    Section<ScoreOptions> s("scores");
    s.integer_list({.key = "windows", .doc = "rolling score windows in bars"},
                   &ScoreOptions::windows, 2, 1'000'000, 1, 8);
    return s;
  }();
  return section;
}

const Section<BuiltinReplayOptions>& replay_section() {
  static const auto section = [] {
    Section<BuiltinReplayOptions> s("replay");
    s.boolean({.key = "enabled", .doc = "start the built-in replay exchange on loopback"},
              &BuiltinReplayOptions::enabled);
    s.integer({.key = "port", .doc = "its port on 127.0.0.1"}, &BuiltinReplayOptions::port, 1,
              65535);
    s.text({.key = "dialect", .doc = "the exchange it impersonates"},
           &BuiltinReplayOptions::dialect,
           {"binance", "coinbase", "kraken", "bitstamp", "okx", "bybit"});
    s.text({.key = "symbol", .doc = "the symbol it trades; empty: the dialect's BTC pair"},
           &BuiltinReplayOptions::symbol);
    s.text({.key = "trades_file", .doc = "recording to play; empty: a seeded synthetic market"},
           &BuiltinReplayOptions::trades_file);
    s.number({.key = "speed", .doc = "playback speed (recorded spacing divided by this)"},
             &BuiltinReplayOptions::speed, 0.01, 1000.0);
    s.boolean({.key = "loop", .doc = "start the tape over when it ends"},
              &BuiltinReplayOptions::loop);
    s.integer({.key = "seed", .doc = "seed of the synthetic market"}, &BuiltinReplayOptions::seed,
              0, std::numeric_limits<std::int64_t>::max());
    return s;
  }();
  return section;
}

}  // namespace tickcast::config

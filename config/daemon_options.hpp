// Options of the process and its HTTP server: the `[daemon]` and `[server]`
// config sections.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tickcast::config {

struct DaemonOptions {
  // Where models, checkpoints and bar logs live. Created if missing; the
  // daemon refuses to start if it cannot write there. Relative paths are
  // relative to the working directory.
  // Default: "/var/lib/tickcast" (systemd's StateDirectory=tickcast).
  std::string state_dir = "/var/lib/tickcast";

  // Least severe log level written to stderr: trace, debug, info, warn,
  // error. Changes on SIGHUP. Default: "info".
  std::string log_level = "info";

  // Threads running the io_context (feeds and server). Default: 1.
  int network_threads = 1;

  // Threads running background training jobs. Default: 1.
  int train_threads = 1;

  // How long a graceful stop (SIGTERM, SIGINT) may take before the daemon
  // exits anyway. Changes on SIGHUP. Default: 10 s. Range: 100 ms to 5 min.
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(10);
};

struct ServerOptions {
  // Address and port of the HTTP server (/metrics, /healthz, /readyz and,
  // later, /v1/stream): "IPv4:port" or "[IPv6]:port". Port 0 picks a free
  // port and logs it. Default: "127.0.0.1:9464".
  std::string listen = "127.0.0.1:9464";

  // Connections served at once; more are answered 503 and closed.
  // Changes on SIGHUP. Default: 256. Range: 1 to 100000.
  int max_connections = 256;

  // Largest request header accepted; larger is answered 431.
  // Changes on SIGHUP. Default: 8 KiB. Range: 1 KiB to 1 MiB.
  std::int64_t max_header_bytes = 8 << 10;

  // Largest request body accepted; larger is answered 413.
  // Changes on SIGHUP. Default: 16 KiB. Range: 0 to 16 MiB.
  std::int64_t max_body_bytes = 16 << 10;

  // A connection idle this long between requests is closed.
  // Changes on SIGHUP. Default: 30 s. Range: 1 s to 1 h.
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);

  // A request must arrive completely within this time once started, so a
  // client trickling bytes (slowloris) cannot hold a connection.
  // Changes on SIGHUP. Default: 10 s. Range: 100 ms to 5 min.
  std::chrono::nanoseconds request_timeout = std::chrono::seconds(10);

  // --- /v1/stream, the subscriber websocket (docs/protocol.md) ---

  // File of access tokens, one per line ('#' starts a comment). When set,
  // /v1/stream needs "Authorization: Bearer <token>" or "?token=<token>".
  // Re-read on SIGHUP. Default: "" (no authentication).
  std::string auth_tokens_file;

  // With auth_tokens_file set, /metrics needs a token too.
  // Changes on SIGHUP. Default: false.
  bool protect_metrics = false;

  // Origins ("scheme://host[:port]") allowed to open /v1/stream from a
  // browser; "*" allows any. Empty: only same-origin pages (Origin host
  // equal to the Host header) and clients that send no Origin.
  // Changes on SIGHUP. Default: [].
  std::vector<std::string> allowed_origins;

  // PEM certificate chain and private key: when both are set the port
  // speaks only TLS (https://, wss://). Default: "" (plain).
  std::string tls_cert;
  std::string tls_key;

  // Subscribers connected at once, in total and from one IP address; more
  // are answered 503. Changes on SIGHUP. Defaults: 10000 and 100.
  int stream_max_connections = 10'000;
  int stream_max_connections_per_ip = 100;

  // Largest message a subscriber may send; larger closes it with 1009.
  // Changes on SIGHUP. Default: 64 KiB. Range: 1 KiB to 1 MiB.
  std::int64_t stream_max_frame_bytes = 64 << 10;

  // Messages a subscriber may send per second (a burst of as many is
  // allowed); beyond it gets "rate_limited", twice beyond it closes with
  // 1008. Changes on SIGHUP. Default: 20.
  int stream_max_messages_per_second = 20;

  // Topics one subscriber may hold at once (wildcards count what they
  // expand to). Changes on SIGHUP. Default: 1000.
  int stream_max_topics = 1000;

  // Messages waiting for one subscriber; beyond that they are dropped
  // (per-topic conflation usually keeps it far lower).
  // Changes on SIGHUP. Default: 4096.
  int stream_max_queue = 4096;

  // A subscriber that leaves a message queued (unsent) this long is closed
  // with 1013. Changes on SIGHUP. Default: 10 s.
  std::chrono::nanoseconds slow_client_timeout = std::chrono::seconds(10);

  // A subscriber silent for half of this is pinged, and closed if still
  // silent at the end of it. Changes on SIGHUP. Default: 60 s.
  std::chrono::nanoseconds stream_idle_timeout = std::chrono::seconds(60);
};

// The built-in replay exchange: a websocket server on loopback that speaks an
// exchange's dialect and streams recorded or synthetic trades, started inside
// the daemon before the feeds, so a config can run with no network at all
// (config/demo.toml). The `[replay]` section.
struct BuiltinReplayOptions {
  // Start it. Default: false.
  bool enabled = false;

  // Port on 127.0.0.1. A feed reaches it with url = "ws://127.0.0.1:PORT/...".
  // Default: 9443.
  int port = 9443;

  // Which exchange it impersonates. Default: "binance".
  std::string dialect = "binance";

  // The symbol it trades, in the exchange's spelling; empty means the
  // dialect's usual BTC pair. Default: empty.
  std::string symbol;

  // A trades CSV or raw-frames recording to play; empty means a seeded
  // synthetic market (random walk with volatility clustering and bursts).
  // Default: empty.
  std::string trades_file;

  // Playback speed: the recording's spacing is divided by this.
  // Default: 1. Range: 0.01 to 1000.
  double speed = 1.0;

  // Start the tape over when it ends. Default: true.
  bool loop = true;

  // Seed of the synthetic market. Default: 1.
  std::uint64_t seed = 1;
};

}  // namespace tickcast::config

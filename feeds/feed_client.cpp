#include "feeds/feed_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <exception>

#include "feeds/frame_decoder.hpp"

namespace tickcast::feeds {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

namespace {

constexpr auto kUse = net::as_tuple(net::use_awaitable);
// Bytes asked of each read_some; a frame grows the buffer in such steps up
// to the frame limit.
constexpr std::size_t kReadChunk = 64 * 1024;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::steady_clock::time_point mono() {
  return std::chrono::steady_clock::now();
}

template <class Ws>
constexpr bool kIsTls = std::is_same_v<Ws, TlsWs>;

}  // namespace

// One connection attempt and, if it gets that far, one live connection.
struct FeedClient::Link {
  Link(std::uint64_t id_in, bool standby_in, net::any_io_executor ex)
      : id(id_in), standby(standby_in), resolver(ex), watchdog(ex), keep_alive(ex) {}

  std::uint64_t id;
  bool standby;           // opened for a rotation; not yet delivering
  bool up = false;        // websocket handshake done, subscriptions sent
  bool closing = false;   // we decided to end it; `reason` says why
  bool finished = false;  // the session coroutine has returned
  DisconnectReason reason = DisconnectReason::kRead;
  std::chrono::steady_clock::time_point up_since{};
  std::chrono::steady_clock::time_point last_frame{};
  std::unique_ptr<FrameDecoder> decoder;
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> tls;
  tcp::resolver resolver;
  net::steady_timer watchdog;
  net::steady_timer keep_alive;
  std::function<void()> abort;  // closes the socket, cancelling any pending operation
};

std::shared_ptr<FeedClient> FeedClient::create(net::io_context& ioc, FeedOptions options,
                                               FeedCallbacks callbacks, std::string& error) {
  std::unique_ptr<Dialect> dialect = make_dialect(options, error);
  if (!dialect) return nullptr;
  if (options.symbols.empty()) {
    error = "feed '" + options.exchange + "' has no symbols";
    return nullptr;
  }
  if (options.stale_after <= std::chrono::nanoseconds::zero() ||
      options.backoff_initial <= std::chrono::nanoseconds::zero() ||
      options.backoff_max < options.backoff_initial ||
      options.connect_timeout <= std::chrono::nanoseconds::zero() || options.max_frame_bytes == 0) {
    error = "feed '" + options.exchange +
            "': stale_after, backoff_initial, connect_timeout and max_frame_bytes must be "
            "positive and backoff_max >= backoff_initial";
    return nullptr;
  }
  const std::string url = options.url.empty() ? dialect->default_url() : options.url;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    error = "feed '" + options.exchange + "': bad url '" + url + "'";
    return nullptr;
  }
  Endpoint endpoint;
  const std::string scheme(parsed->scheme());
  if (scheme != "ws" && scheme != "wss") {
    error =
        "feed '" + options.exchange + "': url must start with ws:// or wss://, not '" + url + "'";
    return nullptr;
  }
  endpoint.tls = scheme == "wss";
  endpoint.host = std::string(parsed->host_address());
  endpoint.port = parsed->has_port() ? std::string(parsed->port()) : (endpoint.tls ? "443" : "80");
  endpoint.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) endpoint.target += "?" + std::string(parsed->encoded_query());
  if (endpoint.host.empty()) {
    error = "feed '" + options.exchange + "': url has no host: '" + url + "'";
    return nullptr;
  }
  auto client =
      std::shared_ptr<FeedClient>(new FeedClient(ioc, std::move(options), std::move(callbacks)));
  client->url_ = url;
  client->endpoint_ = endpoint;
  client->continuity_ = dialect->id_continuity();
  client->tracker_ = TradeIdTracker(client->continuity_);
  boost::system::error_code ec;
  client->ssl_ctx_.set_default_verify_paths(ec);
  if (!ec && !client->options_.ca_file.empty()) {
    client->ssl_ctx_.load_verify_file(client->options_.ca_file, ec);
  }
  if (ec) {
    error = "feed '" + client->options_.exchange + "': cannot load CA certificates" +
            (client->options_.ca_file.empty() ? "" : " from '" + client->options_.ca_file + "'") +
            ": " + ec.message();
    return nullptr;
  }
  client->ssl_ctx_.set_verify_mode(ssl::verify_peer);
  return client;
}

FeedClient::FeedClient(net::io_context& ioc, FeedOptions options, FeedCallbacks callbacks)
    : strand_(net::make_strand(ioc)),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      limited_log_(callbacks_.log),
      ssl_ctx_(ssl::context::tls_client),
      stats_(options_.symbols),
      tracker_(IdContinuity::kNone),
      backoff_(options_.backoff_initial, options_.backoff_max),
      reconnect_timer_(strand_),
      resubscribe_backoff_(options_.backoff_initial, options_.backoff_max),
      resubscribe_timer_(strand_) {}

FeedClient::~FeedClient() = default;

void FeedClient::log(LogLevel level, std::string_view category, const std::string& message) {
  limited_log_.log(level, category, "feed " + options_.exchange + ": " + message);
}

void FeedClient::start() {
  net::dispatch(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->start_link(false, DisconnectReason::kRotation);
  });
}

void FeedClient::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    if (self->stopping_) return;
    self->stopping_ = true;
    self->reconnect_timer_.cancel();
    self->resubscribe_timer_.cancel();
    if (self->standby_) self->close_link(self->standby_, DisconnectReason::kStopped);
    if (self->primary_) self->close_link(self->primary_, DisconnectReason::kStopped);
  });
}

void FeedClient::start_link(bool standby, DisconnectReason standby_reason) {
  auto link = std::make_shared<Link>(next_link_id_++, standby, strand_);
  std::string error;
  link->decoder =
      std::make_unique<FrameDecoder>(make_dialect(options_, error), options_.max_frame_bytes);
  if (endpoint_.tls) {
    link->tls = std::make_unique<TlsWs>(strand_, ssl_ctx_);
  } else {
    link->plain = std::make_unique<PlainWs>(strand_);
  }
  if (standby) {
    standby_ = link;
    standby_reason_ = standby_reason;
  } else {
    primary_ = link;
  }
  if (callbacks_.log) {
    // Not rate limited: attempts are already spaced by the backoff.
    callbacks_.log(LogLevel::kDebug, "feed " + options_.exchange + ": connecting to " + url_ +
                                         (standby ? " (standby)" : "") + ", attempt " +
                                         std::to_string(backoff_.attempt()));
  }
  net::co_spawn(strand_, run_link(link), [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      self->log(LogLevel::kError, "exception", std::string("connection task failed: ") + x.what());
    }
  });
}

net::awaitable<void> FeedClient::run_link(std::shared_ptr<Link> link) {
  auto self = shared_from_this();
  DisconnectReason reason =
      link->tls ? co_await run_session(link, *link->tls) : co_await run_session(link, *link->plain);
  link->finished = true;
  link->watchdog.cancel();
  link->keep_alive.cancel();
  on_link_closed(link, reason);
}

template <class Ws>
net::awaitable<DisconnectReason> FeedClient::run_session(std::shared_ptr<Link> link, Ws& ws) {
  auto& socket = beast::get_lowest_layer(ws);
  link->abort = [link_ptr = link.get(), &socket] {
    link_ptr->resolver.cancel();
    boost::system::error_code ignored;
    socket.socket().close(ignored);
  };
  // On failure: our own decision (closing) wins over the error it caused.
  auto failed = [&](DisconnectReason stage, const boost::system::error_code& ec,
                    std::string_view what) {
    if (link->closing) return link->reason;
    log(LogLevel::kWarn, "disconnect",
        std::string(what) + " failed: " + ec.message() + " (" + url_ + ")");
    return stage;
  };
  const auto timeout =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.connect_timeout);

  // resolve: bounded by the watchdog timer below, since the resolver has no timeout.
  link->watchdog.expires_after(timeout);
  link->watchdog.async_wait([link_ptr = link.get()](boost::system::error_code ec) {
    if (!ec) link_ptr->resolver.cancel();
  });
  auto [resolve_ec, results] =
      co_await link->resolver.async_resolve(endpoint_.host, endpoint_.port, kUse);
  link->watchdog.cancel();
  if (resolve_ec) co_return failed(DisconnectReason::kResolve, resolve_ec, "resolve");
  if (link->closing) co_return link->reason;

  socket.expires_after(timeout);
  auto [connect_ec, ep] = co_await socket.async_connect(results, kUse);
  if (connect_ec) co_return failed(DisconnectReason::kConnect, connect_ec, "connect");

  if constexpr (kIsTls<Ws>) {
    // SNI: without it many exchanges' load balancers present the wrong certificate.
    if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), endpoint_.host.c_str())) {
      co_return failed(DisconnectReason::kTls,
                       boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                                 net::error::get_ssl_category()),
                       "tls (SNI)");
    }
    ws.next_layer().set_verify_callback(ssl::host_name_verification(endpoint_.host));
    socket.expires_after(timeout);
    auto [tls_ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, kUse);
    if (tls_ec) co_return failed(DisconnectReason::kTls, tls_ec, "tls");
  }

  // The websocket takes over timeouts: handshake bounded, and on an idle link
  // Beast sends a ping at half of idle_timeout and gives up at idle_timeout.
  socket.expires_never();
  websocket::stream_base::timeout ws_timeout{};
  ws_timeout.handshake_timeout = timeout;
  ws_timeout.idle_timeout =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.stale_after);
  ws_timeout.keep_alive_pings = true;
  ws.set_option(ws_timeout);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "tickcast"); }));
  // The frame limit is enforced below by discarding, which keeps the
  // connection; this is only the absolute backstop.
  ws.read_message_max(std::max<std::size_t>(options_.max_frame_bytes * 64, 64u << 20));
  const std::string host_header =
      endpoint_.host +
      ((endpoint_.tls && endpoint_.port == "443") || (!endpoint_.tls && endpoint_.port == "80")
           ? ""
           : ":" + endpoint_.port);
  auto [hs_ec] = co_await ws.async_handshake(host_header, endpoint_.target, kUse);
  if (hs_ec) co_return failed(DisconnectReason::kHandshake, hs_ec, "handshake");
  ws.text(true);
  // An exchange's ping proves the link is alive even when the market is quiet
  // (Binance pings every 20 s and sends nothing else on a quiet @trade stream).
  // Pongs to our own pings do not count: a server that answers pings but
  // stopped sending data is exactly the stall the watchdog is for.
  ws.control_callback([link_ptr = link.get()](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) link_ptr->last_frame = mono();
  });

  for (const std::string& message : link->decoder->dialect().subscribe_messages()) {
    auto [write_ec, n] = co_await ws.async_write(net::buffer(message), kUse);
    if (write_ec) co_return failed(DisconnectReason::kWrite, write_ec, "subscribe");
  }
  link->up = true;
  link->up_since = link->last_frame = mono();
  on_link_up(link);
  net::co_spawn(strand_, watch(link), net::detached);
  if (!link->decoder->dialect().keep_alive().message.empty()) {
    net::co_spawn(strand_, send_keep_alives(link, ws), net::detached);
  }

  beast::flat_buffer buffer;
  std::vector<Trade> trades;
  const std::size_t limit = options_.max_frame_bytes;
  for (;;) {
    buffer.clear();
    std::size_t total = 0;
    bool oversized = false;
    do {
      auto [read_ec, n] = co_await ws.async_read_some(buffer.prepare(kReadChunk), kUse);
      if (read_ec) {
        if (read_ec == websocket::error::closed) {
          if (link->closing) co_return link->reason;
          log(LogLevel::kWarn, "disconnect",
              "exchange closed the connection: " + std::string(ws.reason().reason.c_str()) +
                  " (code " + std::to_string(ws.reason().code) + ")");
          co_return DisconnectReason::kRemoteClose;
        }
        co_return failed(DisconnectReason::kRead, read_ec, "read");
      }
      buffer.commit(n);
      total += n;
      if (total > limit) {
        // Keep reading the frame to its end, but never keep it.
        oversized = true;
        buffer.consume(buffer.size());
      }
    } while (!ws.is_message_done());
    link->last_frame = mono();
    const std::int64_t now = wall_ns();
    stats_.last_frame_receive_ns.store(now, std::memory_order_relaxed);
    if (oversized) {
      stats_.frames[static_cast<std::size_t>(FrameKind::kInvalid)]++;
      stats_.decode_errors[static_cast<std::size_t>(DecodeError::kTooLarge)]++;
      log(LogLevel::kWarn, "decode",
          "discarded a frame of " + std::to_string(total) + " bytes (limit " +
              std::to_string(limit) + ")");
      continue;
    }
    // Spare bytes after the frame for simdjson, without a copy.
    buffer.prepare(simdjson::SIMDJSON_PADDING);
    const auto bytes = buffer.data();
    if (callbacks_.on_frame) {
      callbacks_.on_frame(now,
                          std::string_view(static_cast<const char*>(bytes.data()), bytes.size()));
    }
    trades.clear();
    const DecodeResult result = link->decoder->decode(
        simdjson::padded_string_view(static_cast<const char*>(bytes.data()), bytes.size(),
                                     bytes.size() + simdjson::SIMDJSON_PADDING),
        now, trades);
    stats_.frames[static_cast<std::size_t>(result.kind)]++;
    if (result.kind == FrameKind::kInvalid) {
      stats_.decode_errors[static_cast<std::size_t>(result.error)]++;
      const std::string_view frame(static_cast<const char*>(bytes.data()),
                                   std::min<std::size_t>(bytes.size(), 120));
      log(LogLevel::kWarn, "decode",
          "undecodable frame (" + std::string(to_string(result.error)) +
              (result.detail.empty() ? "" : ": " + result.detail) + "): " + std::string(frame));
    } else if (result.kind != FrameKind::kTrade) {
      handle_control(link, result);
    }
    if (!trades.empty()) deliver(link, trades);
    if (link->closing) co_return link->reason;
  }
}

template <class Ws>
net::awaitable<void> FeedClient::send_keep_alives(std::shared_ptr<Link> link, Ws& ws) {
  const KeepAlive ka = link->decoder->dialect().keep_alive();
  while (!link->finished && !link->closing) {
    link->keep_alive.expires_after(ka.interval);
    auto [ec] = co_await link->keep_alive.async_wait(kUse);
    if (ec || link->finished || link->closing) co_return;
    auto [write_ec, n] = co_await ws.async_write(net::buffer(ka.message), kUse);
    if (write_ec) {
      // The read side sees the same broken socket and ends the connection.
      if (!link->closing)
        log(LogLevel::kWarn, "disconnect", "keep-alive write failed: " + write_ec.message());
      co_return;
    }
  }
}

net::awaitable<void> FeedClient::watch(std::shared_ptr<Link> link) {
  const auto stale =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.stale_after);
  const auto period =
      std::max<std::chrono::steady_clock::duration>(stale / 8, std::chrono::milliseconds(5));
  while (!link->finished && !link->closing) {
    link->watchdog.expires_after(period);
    co_await link->watchdog.async_wait(kUse);
    if (link->finished || link->closing) co_return;
    const auto now = mono();
    if (now - link->last_frame > stale) {
      log(LogLevel::kWarn, "disconnect",
          "no frame for " +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::milliseconds>(now - link->last_frame)
                      .count()) +
              " ms: recycling the connection");
      close_link(link, DisconnectReason::kStale);
      co_return;
    }
    if (link == primary_ && !standby_ && !stopping_ &&
        options_.rotate_after > std::chrono::nanoseconds::zero() &&
        now - link->up_since >= options_.rotate_after) {
      log(LogLevel::kInfo, "rotation",
          "rotating: opening a fresh connection before the old one ages out");
      start_link(true, DisconnectReason::kRotation);
    }
  }
}

void FeedClient::on_link_up(const std::shared_ptr<Link>& link) {
  stats_.connects_total++;
  if (link != primary_) return;
  stats_.connected = true;
  log(LogLevel::kInfo, "connect", "connected to " + url_);
  if (callbacks_.on_connection) callbacks_.on_connection(true);
}

void FeedClient::handle_control(const std::shared_ptr<Link>& link, const DecodeResult& result) {
  switch (result.kind) {
    case FrameKind::kRejected:
      log(LogLevel::kError, "rejected",
          "the exchange rejected a request: " + result.detail +
              "; subscribing again on a fresh connection after a backoff");
      if (stopping_ || (link != primary_ && link != standby_)) break;
      // A refused standby goes; the primary keeps delivering what it has
      // until a standby's subscription is accepted and it delivers.
      if (link == standby_) close_link(link, DisconnectReason::kRejected);
      schedule_resubscribe();
      break;
    case FrameKind::kReconnect:
      log(LogLevel::kInfo, "rotation", "the exchange asks for a reconnect: " + result.detail);
      if (link == primary_ && !standby_ && !stopping_) {
        start_link(true, DisconnectReason::kServerRequest);
      }
      break;
    default:
      break;
  }
}

void FeedClient::deliver(const std::shared_ptr<Link>& link, std::vector<Trade>& trades) {
  if (link != primary_) {
    if (link != standby_) return;  // a link on its way out
    // The standby delivers: make it the feed's connection.
    promote(link);
  }
  for (const Trade& t : trades) {
    SymbolStats* s = stats_.find(t.symbol);
    if (s == nullptr) {
      stats_.unknown_symbol_trades_total++;
      continue;
    }
    const TradeIdTracker::Verdict v = tracker_.observe(t);
    if (v.duplicate) {
      s->duplicate_trades_total++;
      continue;
    }
    if (v.missing_ids > 0) {
      s->trade_id_gaps_total++;
      s->missing_trade_ids_total += v.missing_ids;
      log(LogLevel::kWarn, "gap",
          t.symbol + ": " + std::to_string(v.missing_ids) + " trade ids missing before " +
              std::to_string(t.first_trade_id != 0 ? t.first_trade_id : t.trade_id));
    }
    s->trades_total++;
    s->last_trade_receive_ns.store(t.receive_time_ns, std::memory_order_relaxed);
    s->last_trade_exchange_ns.store(t.exchange_time_ns, std::memory_order_relaxed);
    s->latency.observe_ns(t.receive_time_ns - t.exchange_time_ns);
    if (callbacks_.on_trade) callbacks_.on_trade(t);
  }
}

void FeedClient::promote(const std::shared_ptr<Link>& standby) {
  std::shared_ptr<Link> old = primary_;
  primary_ = standby;
  standby_.reset();
  standby->standby = false;
  if (old) close_link(old, standby_reason_);
  const bool was_connected = stats_.connected.exchange(true);
  log(LogLevel::kInfo, "rotation", "switched to the new connection");
  if (!was_connected && callbacks_.on_connection) callbacks_.on_connection(true);
}

void FeedClient::close_link(const std::shared_ptr<Link>& link, DisconnectReason reason) {
  if (link->finished || link->closing) return;
  link->closing = true;
  link->reason = reason;
  link->watchdog.cancel();
  link->keep_alive.cancel();
  if (link->abort) link->abort();
}

void FeedClient::on_link_closed(const std::shared_ptr<Link>& link, DisconnectReason reason) {
  stats_.disconnects[static_cast<std::size_t>(reason)]++;
  if (link == standby_) {
    standby_.reset();  // the primary's watchdog tries the rotation again later
    return;
  }
  if (link != primary_) return;  // replaced by a rotation
  primary_.reset();
  const bool was_connected = stats_.connected.exchange(false);
  if (was_connected && callbacks_.on_connection) callbacks_.on_connection(false);
  if (stopping_) return;
  if (standby_ && standby_->up) {
    promote(standby_);
    return;
  }
  if (link->up && mono() - link->up_since >= options_.backoff_reset_after) backoff_.reset();
  schedule_reconnect();
}

void FeedClient::schedule_resubscribe() {
  if (resubscribe_pending_) return;
  // Rejections far apart are separate incidents; back-to-back ones (the same
  // symbol refused again and again) space out up to backoff_max.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_rejection_ >= options_.backoff_reset_after) resubscribe_backoff_.reset();
  last_rejection_ = now;
  resubscribe_pending_ = true;
  // At least backoff_initial: attempt 0 of a Backoff is immediate.
  const auto delay = std::max(resubscribe_backoff_.next(), options_.backoff_initial);
  resubscribe_timer_.expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay));
  resubscribe_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->resubscribe_pending_ = false;
    if (ec || self->stopping_ || !self->primary_ || self->standby_) return;
    // (No primary: the reconnect that follows subscribes anyway. A standby
    // already on its way subscribes too.)
    self->start_link(true, DisconnectReason::kRejected);
  });
}

void FeedClient::schedule_reconnect() {
  const auto delay = backoff_.next();
  stats_.reconnect_attempt = backoff_.attempt();
  reconnect_timer_.expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay));
  reconnect_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopping_ || self->primary_) return;
    self->start_link(false, DisconnectReason::kRotation);
  });
}

}  // namespace tickcast::feeds

// The resilient exchange connection of one `[[feeds]]` table.
//
// A FeedClient keeps one websocket (ws:// or wss://) to an exchange on the
// daemon's io_context and delivers every new trade of its symbols exactly
// once, in arrival order. Everything it does runs on its own strand:
//
//   resolve -> connect -> tls (SNI + certificate and host name verified
//   against the system CAs, plus FeedOptions::ca_file) -> handshake ->
//   subscribe -> read frames, decode, dedupe, deliver
//
// Every stage has a timeout (connect_timeout) and a name; a failure at any
// stage, a broken read or write, a close frame, the exchange's own request
// to reconnect, or no frame for `stale_after` (the watchdog) ends the
// connection with that DisconnectReason, and a new one follows after a
// capped exponential backoff with full jitter (first retry immediate; reset
// once a link stayed up for backoff_reset_after). Websocket pings go out on
// an idle link (Beast's keep-alive) and pings are answered; the dialect's own
// keep-alive text is sent at its interval. After rotate_after a second
// connection is opened first and the old one is closed only when the new one
// delivers a trade; trades seen twice (by trade id, across connections and
// reconnects) are dropped and counted -- except on exchanges without usable
// ids (Bybit derivatives, Kraken v1), where a trade delivered by both links
// in the instant of the switch cannot be recognized. Oversized frames are
// discarded while they stream in and counted; the connection stays up. The
// watchdog counts data frames and the exchange's pings, not pongs to ours.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <string>

#include "feeds/backoff.hpp"
#include "feeds/feed_options.hpp"
#include "feeds/feed_stats.hpp"
#include "feeds/log_sink.hpp"
#include "feeds/market.hpp"
#include "feeds/trade_id_tracker.hpp"

namespace tickcast::feeds {

struct FeedCallbacks {
  // Each new trade, exactly once, on the feed's strand. Must not block: a
  // consumer on another strand should copy the trade and post.
  std::function<void(const Trade&)> on_trade;
  // The feed went up (first subscribe sent) or down. Optional.
  std::function<void(bool connected)> on_connection;
  // Every complete frame as received, before decoding, with its receive
  // time (for recording; frames over max_frame_bytes are never held, so
  // never passed). On the feed's strand; must not block. Optional.
  std::function<void(std::int64_t receive_ns, std::string_view frame)> on_frame;
  // Log lines; decode errors, rejections and disconnects are rate limited.
  LogSink log;
};

class FeedClient : public std::enable_shared_from_this<FeedClient> {
 public:
  // Checks the options (exchange, channel, URL, CA file) and prepares the
  // client; nothing touches the network before start(). Returns nullptr and
  // sets `error` on bad options.
  static std::shared_ptr<FeedClient> create(boost::asio::io_context& ioc, FeedOptions options,
                                            FeedCallbacks callbacks, std::string& error);

  ~FeedClient();
  FeedClient(const FeedClient&) = delete;
  FeedClient& operator=(const FeedClient&) = delete;

  // Connects and keeps connecting until stop(). Thread-safe.
  void start();
  // Closes every connection and stops reconnecting; the trade callback is
  // not called after the strand has run the stop. Thread-safe, idempotent.
  void stop();

  const FeedStats& stats() const { return stats_; }
  const FeedOptions& options() const { return options_; }
  // The URL in use: FeedOptions::url or the dialect's default.
  const std::string& url() const { return url_; }

 private:
  struct Link;
  struct Endpoint {
    bool tls = false;
    std::string host, port, target;
  };

  FeedClient(boost::asio::io_context& ioc, FeedOptions options, FeedCallbacks callbacks);

  void start_link(bool standby, DisconnectReason standby_reason);
  void on_link_up(const std::shared_ptr<Link>& link);
  void on_link_closed(const std::shared_ptr<Link>& link, DisconnectReason reason);
  void close_link(const std::shared_ptr<Link>& link, DisconnectReason reason);
  void promote(const std::shared_ptr<Link>& standby);
  void schedule_reconnect();
  // After a refused subscription: a standby link subscribes again after
  // resubscribe_backoff_, and replaces the primary once it delivers.
  void schedule_resubscribe();
  void deliver(const std::shared_ptr<Link>& link, std::vector<Trade>& trades);
  void handle_control(const std::shared_ptr<Link>& link, const DecodeResult& result);
  void log(LogLevel level, std::string_view category, const std::string& message);

  boost::asio::awaitable<void> run_link(std::shared_ptr<Link> link);
  template <class Ws>
  boost::asio::awaitable<DisconnectReason> run_session(std::shared_ptr<Link> link, Ws& ws);
  template <class Ws>
  boost::asio::awaitable<void> send_keep_alives(std::shared_ptr<Link> link, Ws& ws);
  boost::asio::awaitable<void> watch(std::shared_ptr<Link> link);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  FeedOptions options_;
  FeedCallbacks callbacks_;
  RateLimitedLog limited_log_;
  std::string url_;
  Endpoint endpoint_;
  boost::asio::ssl::context ssl_ctx_;
  FeedStats stats_;
  TradeIdTracker tracker_;
  IdContinuity continuity_ = IdContinuity::kNone;
  Backoff backoff_;
  boost::asio::steady_timer reconnect_timer_;
  Backoff resubscribe_backoff_;
  boost::asio::steady_timer resubscribe_timer_;
  bool resubscribe_pending_ = false;
  std::chrono::steady_clock::time_point last_rejection_{};
  std::shared_ptr<Link> primary_, standby_;
  DisconnectReason standby_reason_ = DisconnectReason::kRotation;
  std::uint64_t next_link_id_ = 1;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace tickcast::feeds

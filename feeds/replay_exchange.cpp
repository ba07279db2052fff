#include "feeds/replay_exchange.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <optional>

#include "feeds/dialect.hpp"
#include "feeds/symbol_case.hpp"

namespace tickcast::feeds {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

namespace {

constexpr auto kUse = net::as_tuple(net::use_awaitable);
// A session this far behind makes the tape wait (only at --speed 0 does
// that happen in practice).
constexpr std::size_t kMaxQueuedFrames = 4096;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string default_symbol(const std::string& dialect) {
  if (dialect == "coinbase") return "BTC-USD";
  if (dialect == "kraken") return "BTC/USD";
  if (dialect == "bitstamp") return "btcusd";
  if (dialect == "okx") return "BTC-USDT";
  return "BTCUSDT";
}

}  // namespace

bool parse_replay_fault(std::string_view text, ReplayFault& out) {
  if (text == "drop")
    out = ReplayFault::kDrop;
  else if (text == "stall")
    out = ReplayFault::kStall;
  else if (text == "garbage")
    out = ReplayFault::kGarbage;
  else if (text == "duplicate")
    out = ReplayFault::kDuplicate;
  else if (text == "skip")
    out = ReplayFault::kSkipId;
  else if (text == "reconnect")
    out = ReplayFault::kReconnectRequest;
  else if (text == "oversized")
    out = ReplayFault::kOversized;
  else if (text == "reject")
    out = ReplayFault::kRejectSubscribe;
  else
    return false;
  return true;
}

bool parse_replay_clock(std::string_view text, ReplayOptions::Clock& out) {
  if (text == "wall") {
    out = ReplayOptions::Clock::kWall;
  } else if (text == "tape") {
    out = ReplayOptions::Clock::kTape;
  } else {
    return false;
  }
  return true;
}

struct ReplaySession;

struct ReplayExchange::Impl : std::enable_shared_from_this<ReplayExchange::Impl> {
  Impl(net::io_context& ioc_in, ReplayOptions options_in)
      : ioc(ioc_in),
        strand(net::make_strand(ioc_in)),
        options(std::move(options_in)),
        acceptor(strand),
        tape_timer(strand) {}

  net::awaitable<void> accept_loop();
  net::awaitable<void> play_tape();
  void on_subscribed();
  void broadcast(const std::string& frame, const std::string* symbol);
  void apply(ReplayFault fault);

  net::io_context& ioc;
  net::strand<net::io_context::executor_type> strand;
  ReplayOptions options;
  std::unique_ptr<Dialect> dialect;
  std::unique_ptr<Tape> tape;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls;
  net::steady_timer tape_timer;
  std::vector<std::weak_ptr<ReplaySession>> sessions;
  ReplayStats stats;
  std::string last_trade_frame;
  bool tape_started = false;
  bool skip_next = false;
  int reject_subscriptions = 0;  // the next this many subscription requests are refused
  bool stopping = false;
};

// One client connection: a websocket, the symbols it subscribed to, and an
// outgoing queue drained by one writer so replies and tape frames never
// write concurrently.
struct ReplaySession : std::enable_shared_from_this<ReplaySession> {
  ReplaySession(std::shared_ptr<ReplayExchange::Impl> server_in, tcp::socket socket)
      : server(std::move(server_in)), wake(server->strand) {
    if (server->tls) {
      tls = std::make_unique<TlsWs>(std::move(socket), *server->tls);
    } else {
      plain = std::make_unique<PlainWs>(std::move(socket));
    }
  }

  template <class Ws>
  net::awaitable<void> run(Ws& ws);
  template <class Ws>
  net::awaitable<void> write_loop(Ws& ws);

  void enqueue(std::string frame) {
    if (closed || stalled) return;
    queue.push_back(std::move(frame));
    wake.cancel();
  }
  bool wants(const std::string* symbol) const {
    if (!subscribed) return false;
    if (symbol == nullptr) return true;
    for (const std::string& s : symbols) {
      if (equals_ignoring_case(s, *symbol)) return true;
    }
    return false;
  }
  void close() {
    closed = true;
    queue.clear();
    wake.cancel();
    boost::system::error_code ignored;
    if (plain) beast::get_lowest_layer(*plain).socket().close(ignored);
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
  }

  std::shared_ptr<ReplayExchange::Impl> server;
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> tls;
  net::steady_timer wake;
  std::deque<std::string> queue;
  std::vector<std::string> symbols;
  bool subscribed = false;
  bool stalled = false;
  bool closed = false;
};

template <class Ws>
net::awaitable<void> ReplaySession::run(Ws& ws) {
  auto self = shared_from_this();
  if constexpr (std::is_same_v<Ws, TlsWs>) {
    auto [ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::server, kUse);
    if (ec) co_return;
  }
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  auto [read_ec, n] = co_await http::async_read(ws.next_layer(), buffer, request, kUse);
  if (read_ec || !websocket::is_upgrade(request)) co_return;
  auto [accept_ec] = co_await ws.async_accept(request, kUse);
  if (accept_ec) co_return;
  ws.text(true);
  ws.read_message_max(1 << 20);
  server->stats.sessions_total++;
  server->stats.sessions_open++;
  for (std::string& s : server->dialect->symbols_from_target(std::string_view(request.target()))) {
    symbols.push_back(std::move(s));
  }
  if (!symbols.empty()) {
    subscribed = true;
    server->on_subscribed();
  }
  net::co_spawn(server->strand, write_loop(ws), net::detached);
  for (;;) {
    buffer.clear();
    auto [ec, bytes] = co_await ws.async_read(buffer, kUse);
    if (ec) break;
    const std::string text = beast::buffers_to_string(buffer.data());
    ServerReply reply = server->dialect->answer(text);
    if (!reply.symbols.empty() && server->reject_subscriptions > 0) {
      --server->reject_subscriptions;
      enqueue(server->dialect->encode_subscription_rejected());
      continue;
    }
    for (std::string& f : reply.frames) enqueue(std::move(f));
    if (!reply.symbols.empty()) {
      for (std::string& s : reply.symbols) symbols.push_back(std::move(s));
      subscribed = true;
      server->on_subscribed();
    }
  }
  server->stats.sessions_open--;
  close();
}

template <class Ws>
net::awaitable<void> ReplaySession::write_loop(Ws& ws) {
  auto self = shared_from_this();
  while (!closed) {
    if (queue.empty()) {
      wake.expires_at(net::steady_timer::time_point::max());
      co_await wake.async_wait(kUse);
      continue;
    }
    const std::string frame = std::move(queue.front());
    queue.pop_front();
    auto [ec, n] = co_await ws.async_write(net::buffer(frame), kUse);
    if (ec) {
      close();
      co_return;
    }
    server->stats.frames_sent++;
  }
}

net::awaitable<void> ReplayExchange::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(kUse);
    if (ec) {
      if (stopping) co_return;
      continue;
    }
    auto session = std::make_shared<ReplaySession>(self, std::move(socket));
    sessions.push_back(session);
    if (session->tls) {
      net::co_spawn(strand, session->run(*session->tls), net::detached);
    } else {
      net::co_spawn(strand, session->run(*session->plain), net::detached);
    }
  }
}

void ReplayExchange::Impl::on_subscribed() {
  if (tape_started) return;
  tape_started = true;
  net::co_spawn(strand, play_tape(), net::detached);
}

void ReplayExchange::Impl::broadcast(const std::string& frame, const std::string* symbol) {
  std::erase_if(sessions, [](const std::weak_ptr<ReplaySession>& w) {
    auto s = w.lock();
    return !s || s->closed;
  });
  for (auto& w : sessions) {
    if (auto s = w.lock(); s && s->wants(symbol)) s->enqueue(frame);
  }
}

net::awaitable<void> ReplayExchange::Impl::play_tape() {
  auto self = shared_from_this();
  auto start = std::chrono::steady_clock::now();
  // kTape: exchange time = tape_origin + the item's offset. Each loop moves
  // the origin past the previous pass (plus 1 ms) so time never goes back.
  std::int64_t tape_origin = wall_ns();
  std::int64_t last_offset = 0;
  TapeItem item;
  while (!stopping) {
    if (!tape->next(item)) {
      if (!options.loop) break;
      tape->rewind();
      start = std::chrono::steady_clock::now();
      tape_origin += last_offset + 1'000'000;
      last_offset = 0;
      continue;
    }
    last_offset = std::max(last_offset, item.offset_ns);
    if (options.speed > 0) {
      const auto due = start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                   static_cast<double>(item.offset_ns) / options.speed));
      if (due > std::chrono::steady_clock::now()) {
        tape_timer.expires_at(due);
        co_await tape_timer.async_wait(kUse);
        if (stopping) co_return;
      }
    }
    // Backpressure: wait while any client is far behind. At speed 0 nothing
    // else makes this loop wait, so it also waits while nobody is subscribed
    // (instead of spinning). At any speed the loop yields after every item:
    // a tape running behind its schedule (many symbols, a busy machine)
    // would otherwise never wait, and the writers, the acceptor and stop()
    // would not get their turn on the strand (new clients were never
    // answered).
    co_await net::post(strand, net::use_awaitable);
    for (;;) {
      bool behind = false;
      bool listening = false;
      for (auto& w : sessions) {
        auto s = w.lock();
        if (!s || s->closed) continue;
        if (s->queue.size() > kMaxQueuedFrames) behind = true;
        if (s->subscribed) listening = true;
      }
      if (!behind && (listening || options.speed > 0)) break;
      tape_timer.expires_after(std::chrono::milliseconds(1));
      co_await tape_timer.async_wait(kUse);
      if (stopping) co_return;
    }
    if (!item.verbatim && skip_next) {
      skip_next = false;
      continue;
    }
    stats.trades_sent++;
    if (item.verbatim) {
      broadcast(item.frame, nullptr);
      continue;
    }
    item.trade.exchange_time_ns = options.clock == ReplayOptions::Clock::kTape
                                      ? tape_origin + item.offset_ns
                                      : wall_ns();  // a live market: trades happen now
    last_trade_frame = dialect->encode_trade(item.trade);
    broadcast(last_trade_frame, &item.trade.symbol);
    for (const std::string& extra : options.extra_symbols) {
      item.trade.symbol = extra;
      const std::string frame = dialect->encode_trade(item.trade);
      broadcast(frame, &item.trade.symbol);
    }
  }
  stats.tape_finished = true;
}

void ReplayExchange::Impl::apply(ReplayFault fault) {
  switch (fault) {
    case ReplayFault::kDrop:
      for (auto& w : sessions) {
        if (auto s = w.lock()) s->close();
      }
      break;
    case ReplayFault::kStall:
      for (auto& w : sessions) {
        if (auto s = w.lock()) {
          s->queue.clear();
          s->stalled = true;
        }
      }
      break;
    case ReplayFault::kGarbage:
      broadcast("this is not json {]", nullptr);
      break;
    case ReplayFault::kDuplicate:
      if (!last_trade_frame.empty()) broadcast(last_trade_frame, nullptr);
      break;
    case ReplayFault::kSkipId:
      skip_next = true;
      break;
    case ReplayFault::kReconnectRequest:
      if (std::string f = dialect->encode_reconnect_request(); !f.empty()) broadcast(f, nullptr);
      break;
    case ReplayFault::kOversized:
      broadcast(R"({"padding":")" + std::string(2u << 20, 'x') + R"("})", nullptr);
      break;
    case ReplayFault::kRejectSubscribe:
      if (!dialect->encode_subscription_rejected().empty()) ++reject_subscriptions;
      break;
  }
}

std::unique_ptr<ReplayExchange> ReplayExchange::create(net::io_context& ioc,
                                                       const ReplayOptions& options,
                                                       std::string& error) {
  auto impl = std::make_shared<Impl>(ioc, options);
  if (impl->options.symbol.empty()) impl->options.symbol = default_symbol(options.dialect);
  FeedOptions feed;
  feed.exchange = options.dialect;
  feed.symbols = {impl->options.symbol};
  // The replay speaks Kraken's v2 (the dialect picks v1 for other URLs).
  if (options.dialect == "kraken") feed.url = "ws://replay/v2";
  impl->dialect = make_dialect(feed, error);
  if (!impl->dialect) return nullptr;
  if (options.speed < 0) {
    error = "--speed must be >= 0";
    return nullptr;
  }
  if (options.trades_file.empty()) {
    SyntheticTapeOptions synthetic;
    synthetic.seed = options.seed;
    synthetic.exchange = options.dialect;
    synthetic.symbol = impl->options.symbol;
    impl->tape = make_synthetic_tape(synthetic);
  } else {
    impl->tape = load_tape(options.trades_file, options.dialect, impl->options.symbol, error);
    if (!impl->tape) return nullptr;
  }
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      error = "--tls-cert and --tls-key go together";
      return nullptr;
    }
    impl->tls.emplace(ssl::context::tls_server);
    boost::system::error_code ec;
    impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) {
      error = "cannot load the TLS certificate or key: " + ec.message();
      return nullptr;
    }
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.listen_address, ec);
  if (ec) {
    error = "bad listen address '" + options.listen_address + "'";
    return nullptr;
  }
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + options.listen_address + ":" + std::to_string(options.port) +
            ": " + ec.message();
    return nullptr;
  }
  return std::unique_ptr<ReplayExchange>(new ReplayExchange(std::move(impl)));
}

ReplayExchange::ReplayExchange(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ReplayExchange::~ReplayExchange() {
  stop();
}

std::uint16_t ReplayExchange::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void ReplayExchange::start() {
  net::dispatch(impl_->strand, [impl = impl_] {
    net::co_spawn(impl->strand, impl->accept_loop(), net::detached);
  });
}

void ReplayExchange::stop() {
  net::dispatch(impl_->strand, [impl = impl_] {
    if (impl->stopping) return;
    impl->stopping = true;
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->tape_timer.cancel();
    for (auto& w : impl->sessions) {
      if (auto s = w.lock()) s->close();
    }
  });
}

void ReplayExchange::inject(ReplayFault fault) {
  net::dispatch(impl_->strand, [impl = impl_, fault] { impl->apply(fault); });
}

const ReplayStats& ReplayExchange::stats() const {
  return impl_->stats;
}

}  // namespace tickcast::feeds

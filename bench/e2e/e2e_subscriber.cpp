// The subscriber side of bench/e2e (see bench/e2e/run): opens N websocket
// connections to a daemon's /v1/stream on one thread, subscribes each to the
// given topics, and for every forecast measures bar close -> receipt:
//
//   latency = wall clock at receipt - (bar_end_ns + lateness_ns)
//
// bar_end_ns is exchange time. With the replay exchange's wall clock (the
// default, --speed 1) exchange time is this machine's wall clock, the same
// clock the daemon and this process read, so the difference is the time from
// the moment the bar could close (its end plus the allowed lateness the
// resampler waits by design) to its forecast reaching this subscriber:
// timer wake-up, resampler close, forecaster step, publish, fan-out, socket.
// (With --clock tape exchange time runs ahead of the wall clock and the
// latency is meaningless; pass --lateness-ns -1 to skip it.)
//
// At the end it prints one JSON object on stdout: messages and forecasts
// received, snapshots skipped, sequence gaps (conflated messages), and
// p50/p99/p999/max latency in microseconds.
//
// Usage: e2e_subscriber --port P [--connections N] [--seconds S]
//                       [--topic T]... [--lateness-ns L]
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The integer after `"key":` in a flat JSON object, or nullopt. The daemon
// writes integers plainly (docs/protocol.md), so a scan is enough here and
// keeps this client cheaper than what it measures.
std::optional<std::int64_t> int_field(std::string_view text, std::string_view quoted_key) {
  const std::size_t at = text.find(quoted_key);
  if (at == std::string_view::npos) return std::nullopt;
  const char* begin = text.data() + at + quoted_key.size();
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

struct Totals {
  std::uint64_t messages = 0;
  std::uint64_t forecasts = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t seq_gaps = 0;  // messages conflated away (newest wins)
  std::uint64_t errors = 0;
  std::vector<std::int64_t> latency_ns;
};

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(net::io_context& ioc, Totals& totals, std::string subscribe, std::int64_t lateness_ns)
      : ws_(ioc), totals_(totals), subscribe_(std::move(subscribe)), lateness_ns_(lateness_ns) {}

  void start(const tcp::endpoint& endpoint) {
    beast::get_lowest_layer(ws_).async_connect(
        endpoint, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }
  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, "connect");
    ws_.read_message_max(1 << 20);
    ws_.async_handshake(
        "127.0.0.1", "/v1/stream",
        [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }
  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "handshake");
    ws_.text(true);
    ws_.async_write(net::buffer(subscribe_),
                    [self = shared_from_this()](beast::error_code e, std::size_t) {
                      if (e) return self->fail(e, "subscribe");
                      self->do_read();
                    });
  }
  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }
  void on_read(beast::error_code ec) {
    if (ec) return fail(ec, "read");
    const std::int64_t now = wall_ns();
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    note(text, now);
    buffer_.consume(buffer_.size());
    do_read();
  }
  void note(std::string_view text, std::int64_t now) {
    ++totals_.messages;
    if (text.find("\"snapshot\":true") != std::string_view::npos) {
      ++totals_.snapshots;
      return;
    }
    if (!text.starts_with(R"({"type":"forecast")")) return;
    ++totals_.forecasts;
    // Per-topic sequence numbers: a jump means messages were conflated.
    const std::size_t topic_at = text.find(R"("topic":")");
    const auto seq = int_field(text, R"("seq":)");
    if (topic_at != std::string_view::npos && seq) {
      const std::size_t end = text.find('"', topic_at + 9);
      std::string topic(text.substr(topic_at + 9, end - topic_at - 9));
      auto [it, fresh] = last_seq_.emplace(std::move(topic), *seq);
      if (!fresh) {
        if (*seq > it->second + 1)
          totals_.seq_gaps += static_cast<std::uint64_t>(*seq - it->second - 1);
        it->second = *seq;
      }
    }
    if (lateness_ns_ < 0) return;
    if (const auto bar_end = int_field(text, R"("bar_end_ns":)")) {
      totals_.latency_ns.push_back(now - (*bar_end + lateness_ns_));
    }
  }
  void fail(beast::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor) return;
    ++totals_.errors;
    if (totals_.errors <= 5)
      std::cerr << "e2e_subscriber: " << what << ": " << ec.message() << '\n';
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Totals& totals_;
  std::string subscribe_;
  std::int64_t lateness_ns_;
  std::map<std::string, std::int64_t> last_seq_;
};

double percentile_us(std::vector<std::int64_t>& v, double q) {
  if (v.empty()) return -1;
  const std::size_t k =
      std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e3;
}

int usage(const char* message) {
  std::cerr << "e2e_subscriber: " << message
            << "\nusage: e2e_subscriber --port P [--connections N] [--seconds S] [--topic T]... "
               "[--lateness-ns L]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, connections = 1;
  double seconds = 10;
  std::int64_t lateness_ns = 0;
  std::vector<std::string> topics;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (i + 1 >= argc) return usage("missing value");
      const std::string value = argv[++i];
      if (arg == "--port")
        port = std::stoi(value);
      else if (arg == "--connections")
        connections = std::stoi(value);
      else if (arg == "--seconds")
        seconds = std::stod(value);
      else if (arg == "--topic")
        topics.push_back(value);
      else if (arg == "--lateness-ns")
        lateness_ns = std::stoll(value);
      else
        return usage("unknown argument");
    }
  } catch (const std::exception&) {
    return usage("bad number");
  }
  if (port <= 0 || port > 65535 || connections < 1)
    return usage("need --port and --connections >= 1");
  if (topics.empty()) topics.emplace_back("forecast:*:*");
  std::string subscribe = R"({"op":"subscribe","topics":[)";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    subscribe += (i ? ",\"" : "\"") + topics[i] + "\"";
  }
  subscribe += "]}";

  net::io_context ioc;
  Totals totals;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                               static_cast<std::uint16_t>(port));
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  for (int i = 0; i < connections; ++i) {
    subscribers.push_back(std::make_shared<Subscriber>(ioc, totals, subscribe, lateness_ns));
    subscribers.back()->start(endpoint);
  }
  net::steady_timer stop(ioc, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::duration<double>(seconds)));
  stop.async_wait([&](beast::error_code) {
    for (auto& s : subscribers) s->close();
  });
  ioc.run();

  auto& lat = totals.latency_ns;
  const std::size_t n = lat.size();
  const double p50 = percentile_us(lat, 0.50), p99 = percentile_us(lat, 0.99),
               p999 = percentile_us(lat, 0.999), max = percentile_us(lat, 1.0);
  std::printf(
      "{\"connections\":%d,\"seconds\":%.3f,\"messages\":%llu,\"forecasts\":%llu,"
      "\"snapshots\":%llu,\"seq_gaps\":%llu,\"errors\":%llu,\"latency_samples\":%zu,"
      "\"latency_us\":{\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}}\n",
      connections, seconds, static_cast<unsigned long long>(totals.messages),
      static_cast<unsigned long long>(totals.forecasts),
      static_cast<unsigned long long>(totals.snapshots),
      static_cast<unsigned long long>(totals.seq_gaps),
      static_cast<unsigned long long>(totals.errors), n, p50, p99, p999, max);
  return totals.errors == 0 ? 0 : 1;
}

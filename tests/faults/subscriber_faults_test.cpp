// Subscriber-side network faults against the real daemon (issue #10, part 3):
// ten thousand idle connections, hostile /v1/stream clients (garbage, 1 MiB
// frames), and a crowd of slowloris requests. The daemon streams its built-in
// replay exchange. (A subscriber that never reads is covered by
// tests/daemon/stream_backpressure_test.cpp.)
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <map>
#include <regex>
#include <sstream>

#include "feeds/bar_log_reader.hpp"
#include "tests/faults/net_harness.hpp"

namespace tickcast::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = opendir(dir.c_str())) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n >= 2 ? n - 2 : 0;  // "." and ".."
}

// A /v1/stream client over a blocking Beast websocket.
class Subscriber {
 public:
  explicit Subscriber(int port) : ws_(ioc_) {
    tcp::resolver resolver(ioc_);
    net::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/v1/stream");
  }
  void send(const std::string& text) { ws_.write(net::buffer(text)); }
  // For a message the server may refuse half-way: false if the write broke.
  bool try_send(const std::string& text) {
    beast::error_code ec;
    ws_.write(net::buffer(text), ec);
    return !ec;
  }
  void send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(net::buffer(bytes));
    ws_.text(true);
  }
  // The next message, or "" once the connection ended (code in close_code()).
  std::string receive() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    if (ec) return {};
    return beast::buffers_to_string(buffer.data());
  }
  // Reads until a message contains `text`; false if the connection ends.
  bool receive_until(const std::string& text) {
    for (;;) {
      const std::string m = receive();
      if (m.empty()) return false;
      if (m.find(text) != std::string::npos) return true;
    }
  }
  int close_code() const { return ws_.reason().code; }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

void stop(RunningDaemon& daemon) {
  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.process().output();
}

TEST(SubscriberFaultTest, TenThousandIdleConnectionsNeitherExhaustTheDaemonNorLockOutClients) {
  // Room for 10,000 sockets here; the daemon inherits the same limit.
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_max, 10'500u) << "the hard RLIMIT_NOFILE is too low for this test";
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);

  constexpr std::size_t kMaxConnections = 500;
  RunningDaemon daemon(replay_config(
      5, "max_connections = " + std::to_string(kMaxConnections) + "\nidle_timeout = \"1m\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  const pid_t pid = daemon.process().pid();
  const std::size_t fds_before = open_fds(pid);

  net::io_context ioc;
  std::vector<tcp::socket> idle;
  idle.reserve(10'000);
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(),
                               static_cast<unsigned short>(daemon.port()));
  for (int i = 0; i < 10'000; ++i) {
    tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect(endpoint, ec);
    ASSERT_FALSE(ec) << "connection " << i << ": " << ec.message();
    idle.push_back(std::move(s));
    // Meanwhile the daemon answers its health check, promptly.
    if (i % 2'000 == 1'999) {
      const auto t0 = std::chrono::steady_clock::now();
      EXPECT_EQ(http_request(daemon.port(), "GET", "/healthz", "", 5s).status, 200) << i;
      EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    }
  }
  // All 10,000 are connected; the daemon holds at most its limit of them.
  std::this_thread::sleep_for(1s);
  EXPECT_LE(open_fds(pid), fds_before + kMaxConnections + 20);
  EXPECT_EQ(http_get(daemon.port(), "/healthz").status, 200);
  // A real subscriber gets in and receives bars.
  {
    Subscriber subscriber(daemon.port());
    subscriber.send(R"({"op":"subscribe","topics":["bar:binance:BTCUSDT"],"id":1})");
    EXPECT_TRUE(subscriber.receive_until("\"type\":\"bar\"")) << daemon.process().output();
  }
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_GE(sample(metrics, "tickcast_http_idle_connections_closed_total"),
            10'000.0 - kMaxConnections);
  EXPECT_EQ(sample(metrics, "tickcast_http_accept_errors_total"), 0);
  EXPECT_THAT(daemon.process().output(), HasSubstr("http: at server.max_connections (500)"));

  // Once they leave, the daemon is back to its own few descriptors.
  idle.clear();
  EXPECT_TRUE(eventually([&] { return open_fds(pid) <= fds_before + 5; }, 10s))
      << open_fds(pid) << " fds, " << fds_before << " before";
  stop(daemon);
}

// The environment of a daemon that is to run out of file descriptors. UBSan
// (the asan preset) checks the vtable of a virtual call it has not seen
// before, and first probes that the vtable is readable by writing it into a
// pipe; with no descriptor left the probe fails and it reports a sound object
// as having an "invalid vptr" ("<memory cannot be printed>"). The asan preset
// makes that one check recoverable (-fsanitize-recover=vptr; every other
// check aborts), and this daemon reports it on its own output and goes on
// (halt_on_error=0): expect_only_failed_vtable_probes() then tells those
// reports from real ones. Builds without UBSan ignore the variable.
std::map<std::string, std::string> env_for_fd_exhaustion() {
  return {{"UBSAN_OPTIONS",
           sanitizer_options_with("UBSAN_OPTIONS",
                                  "halt_on_error=0:print_stacktrace=0:log_path=stderr")}};
}

// Every UBSan report in `log` is a vtable probe that failed for want of a
// descriptor: the note that follows says so, and no report names a type
// the object really has (what a real bad cast or use after free would show).
void expect_only_failed_vtable_probes(const std::string& log) {
  for (std::size_t at = log.find("runtime error:"); at != std::string::npos;
       at = log.find("runtime error:", at + 1)) {
    const std::string report = log.substr(at, 400);
    EXPECT_THAT(report, HasSubstr("note: object has invalid vptr")) << report;
    EXPECT_THAT(report, HasSubstr("<memory cannot be printed>")) << report;
  }
}

TEST(SubscriberFaultTest, OutOfDescriptorsPausesAcceptingInsteadOfSpinning) {
  // The daemon may hold 64 descriptors; connections beyond fail in accept().
  RunningDaemon daemon(replay_config(5, "max_connections = 1000\n"), env_for_fd_exhaustion());
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  const pid_t pid = daemon.process().pid();
  ASSERT_EQ(
      run_command({"/usr/bin/prlimit", "--pid", std::to_string(pid), "--nofile=64:64"}).status, 0);
  net::io_context ioc;
  std::vector<tcp::socket> held;
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(),
                               static_cast<unsigned short>(daemon.port()));
  for (int i = 0; i < 100; ++i) {
    tcp::socket s(ioc);
    s.connect(endpoint);
    held.push_back(std::move(s));
  }
  // Two seconds out of descriptors: CPU time stays small (no accept spin).
  const auto cpu_seconds = [&] {
    std::istringstream stat(read_file("/proc/" + std::to_string(pid) + "/stat"));
    std::string field;
    std::vector<std::string> fields;
    while (stat >> field) fields.push_back(field);
    return (std::stod(fields.at(13)) + std::stod(fields.at(14))) /
           static_cast<double>(sysconf(_SC_CLK_TCK));
  };
  std::this_thread::sleep_for(500ms);
  const double cpu0 = cpu_seconds();
  std::this_thread::sleep_for(2s);
  // A spinning accept loop takes a whole core: ~2 s here. The daemon's own
  // work (the built-in replay exchange, bars) takes ~0.1 s in the release
  // build, but 0.5 s in the sanitizer builds, at -O0 and printing UBSan's
  // failed vtable probes; there half a core is the bound.
  const double cpu_bound = kSanitizerBuild ? 1.0 : 0.5;
  EXPECT_LT(cpu_seconds() - cpu0, cpu_bound) << "the accept loop spins";
  held.clear();
  // Descriptors are free again: it serves, and it said what happened, once.
  EXPECT_TRUE(eventually([&] { return http_get(daemon.port(), "/healthz").status == 200; }, 5s));
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_GE(sample(metrics, "tickcast_http_accept_errors_total"), 1);
  EXPECT_LE(sample(metrics, "tickcast_http_accept_errors_total"), 100);
  const std::string log = daemon.process().output();
  EXPECT_THAT(log, HasSubstr("http: cannot accept connections: Too many open files"));
  expect_only_failed_vtable_probes(log);
  stop(daemon);
}

TEST(SubscriberFaultTest, GarbageAndOneMebibyteFramesCostOnlyTheSenderItsConnection) {
  RunningDaemon daemon(replay_config(5, ""));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  Subscriber bystander(daemon.port());
  bystander.send(R"({"op":"subscribe","topics":["bar:binance:BTCUSDT"],"id":1})");
  ASSERT_TRUE(bystander.receive_until("\"type\":\"ack\""));

  // Garbage is answered with errors and the connection stays.
  Subscriber garbage(daemon.port());
  for (const std::string& text :
       {std::string("not json at all"), std::string("{\"op\":"), std::string(5000, '['),
        std::string("{\"op\":\"subscribe\",\"topics\":[1e999]}"), std::string("\"\\ud800\"")}) {
    garbage.send(text);
    EXPECT_TRUE(garbage.receive_until("\"type\":\"error\"")) << text.substr(0, 40);
  }
  garbage.send_binary(std::string("\x00\xff\x01", 3));
  garbage.send(R"({"op":"ping","id":9})");
  EXPECT_TRUE(garbage.receive_until("\"id\":9")) << "the garbage sender lost its connection";

  // One 1 MiB message (the limit is 64 KiB): closed with 1009, nobody else.
  Subscriber big(daemon.port());
  const bool written =
      big.try_send(R"({"op":"subscribe","topics":[")" + std::string(1u << 20, 'a') + R"("]})");
  EXPECT_EQ(big.receive(), "");
  // The server closes with 1009 after 64 KiB; the client may see that close
  // frame, or only the reset that follows when its write was still going.
  if (written) {
    EXPECT_EQ(big.close_code(), 1009);
  }
  EXPECT_TRUE(bystander.receive_until("\"type\":\"bar\""));
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_EQ(sample(metrics, "tickcast_subscriber_closed_total{reason=\"frame_too_big\"}"), 1);
  stop(daemon);
}

TEST(SubscriberFaultTest, SigtermClosesSubscribersWith1001OnlyAfterTheLastLoggedBarAndForecast) {
  RunningDaemon daemon(replay_config(5, ""));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  Subscriber subscriber(daemon.port());
  subscriber.send(
      R"({"op":"subscribe","topics":["bar:binance:BTCUSDT","forecast:binance:BTCUSDT"]})");
  ASSERT_TRUE(subscriber.receive_until("\"type\":\"forecast\""));

  // Stop while bars flow; read to the end.
  daemon.process().signal(SIGTERM);
  const std::regex bar_sequence("\"type\":\"bar\".*\"sequence\":([0-9]+)");
  const std::regex forecast_for("\"type\":\"forecast\".*\"bar_sequence\":([0-9]+)");
  std::uint64_t last_bar = 0, last_forecast = 0;
  for (std::string m = subscriber.receive(); !m.empty(); m = subscriber.receive()) {
    std::smatch match;
    if (m.find("\"snapshot\":true") != std::string::npos) continue;
    if (std::regex_search(m, match, bar_sequence)) last_bar = std::stoull(match[1]);
    if (std::regex_search(m, match, forecast_for)) last_forecast = std::stoull(match[1]);
  }
  EXPECT_EQ(subscriber.close_code(), 1001);
  const auto status = daemon.process().wait_exit(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0) << daemon.process().output();

  // The newest bar in the log reached the subscriber. So did the forecasts
  // up to it, but maybe the last one (a rare race seen in the soak, not yet
  // explained: docs/reliability.md).
  std::vector<Bar> logged;
  feeds::BarLogReadStats stats;
  ASSERT_TRUE(
      feeds::read_bar_log(daemon.dir().path() / "state/bars/binance/BTCUSDT", {}, logged, stats)
          .is_ok());
  ASSERT_FALSE(logged.empty());
  std::uint64_t newest = 0;
  for (const Bar& bar : logged) newest = std::max(newest, bar.sequence);
  EXPECT_EQ(last_bar, newest);
  EXPECT_GE(last_forecast + 1, newest);
}

TEST(SubscriberFaultTest, ACrowdOfSlowlorisRequestsIsCutAtTheRequestTimeout) {
  constexpr int kSlow = 50;
  RunningDaemon daemon(replay_config(5, "request_timeout = \"1s\"\nmax_connections = 256\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  std::vector<tcp::socket> slow;
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(),
                               static_cast<unsigned short>(daemon.port()));
  for (int i = 0; i < kSlow; ++i) {
    tcp::socket s(ioc);
    s.connect(endpoint);
    net::write(s, net::buffer(std::string("GET /metrics HTTP/1.1\r\nX-Slow: ")));
    slow.push_back(std::move(s));
  }
  // Trickle a byte per connection every 100 ms for 3 s; the server must have
  // closed every one of them by then.
  int closed = 0;
  for (int tick = 0; tick < 30; ++tick) {
    std::this_thread::sleep_for(100ms);
    closed = 0;
    for (tcp::socket& s : slow) {
      boost::system::error_code ec;
      net::write(s, net::buffer(std::string("a")), ec);
      if (ec) ++closed;
    }
    EXPECT_EQ(http_get(daemon.port(), "/healthz").status, 200);
  }
  EXPECT_EQ(closed, kSlow);
  const std::string metrics = http_get(daemon.port(), "/metrics").body;
  EXPECT_EQ(sample(metrics, "tickcast_http_request_timeouts_total"), kSlow);
  stop(daemon);
}

}  // namespace
}  // namespace tickcast::test

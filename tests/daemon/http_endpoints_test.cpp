// The daemon's HTTP endpoints, tested against the real binary over loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <regex>
#include <thread>

#include "tests/daemon/running_daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::socket connect_to(net::io_context& ioc, int port) {
  tcp::socket socket(ioc);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  return socket;
}

// Reads until the server closes; returns what arrived and how long it took.
std::pair<std::string, std::chrono::milliseconds> read_until_closed(tcp::socket& socket) {
  auto start = std::chrono::steady_clock::now();
  std::string data;
  boost::system::error_code ec;
  char buffer[4096];
  while (true) {
    std::size_t n = socket.read_some(net::buffer(buffer), ec);
    if (ec) break;
    data.append(buffer, n);
  }
  return {data, std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)};
}

TEST(HttpEndpointsTest, MetricsAreValidPrometheusTextAcceptedByPromtool) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  HttpReply reply = http_get(daemon.port(), "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  for (const char* name :
       {"tickcast_build_info{", "process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_open_fds ", "process_start_time_seconds ", "tickcast_ready 0",
        "tickcast_http_connections ", "tickcast_config_last_reload_successful 1"}) {
    EXPECT_THAT(reply.body, HasSubstr(name));
  }

  ASSERT_TRUE(std::filesystem::exists("/usr/bin/promtool"))
      << "promtool (Debian package prometheus) is required: run scripts/install-deps.sh";
  auto scraped = daemon.dir().write("scrape.txt", reply.body);
  CommandResult check =
      run_command({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + scraped.string()});
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "") << "promtool printed warnings";
}

TEST(HttpEndpointsTest, ProcessMetricsDescribeThisProcess) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  std::string body = http_get(daemon.port(), "/metrics").body;
  std::smatch match;
  ASSERT_TRUE(
      std::regex_search(body, match, std::regex("\nprocess_start_time_seconds ([0-9.e+]+)")));
  double started = std::stod(match[1]);
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(started, now, 30.0);
  ASSERT_TRUE(
      std::regex_search(body, match, std::regex("\nprocess_resident_memory_bytes ([0-9.e+]+)")));
  EXPECT_GT(std::stod(match[1]), 1e6);
  EXPECT_LT(std::stod(match[1]), 1e9);
  // glibc's own count of the heap; the sanitizers' allocators bypass it.
  ASSERT_TRUE(
      std::regex_search(body, match, std::regex("\ntickcast_heap_in_use_bytes ([0-9.e+]+)")));
  if (!kSanitizerBuild) {  // ~1.8 MB for this config in the release build
    EXPECT_GT(std::stod(match[1]), 1e5);
    EXPECT_LT(std::stod(match[1]), 1e9);
  }
  EXPECT_TRUE(std::regex_search(body, std::regex("\ntickcast_heap_free_bytes [0-9.e+]+")));
}

TEST(HttpEndpointsTest, HealthzIsOkWhileReadyzSaysWhatIsMissing) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  HttpReply health = http_get(daemon.port(), "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  HttpReply ready = http_get(daemon.port(), "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("binance:BTCUSDT: no forecasting model yet"));
}

TEST(HttpEndpointsTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  EXPECT_EQ(http_get(daemon.port(), "/nothing-here").status, 404);
  HttpReply post = http_request(daemon.port(), "POST", "/metrics", "Content-Length: 0\r\n");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET");
  EXPECT_EQ(http_request(daemon.port(), "DELETE", "/healthz").status, 405);
  EXPECT_EQ(http_get(daemon.port(), "/metrics?x=1").status, 200);
  HttpReply index = http_get(daemon.port(), "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_THAT(index.body, HasSubstr("/metrics"));
}

TEST(HttpEndpointsTest, OversizedHeaderIsRefusedWith431) {
  RunningDaemon daemon(with_server_keys("max_header_bytes = \"4KiB\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  std::string big = "X-Filler: " + std::string(8000, 'a') + "\r\n";
  EXPECT_EQ(http_request(daemon.port(), "GET", "/healthz", big).status, 431);
  // Just under the limit is fine.
  std::string fits = "X-Filler: " + std::string(3000, 'a') + "\r\n";
  EXPECT_EQ(http_request(daemon.port(), "GET", "/healthz", fits).status, 200);
}

TEST(HttpEndpointsTest, OversizedBodyIsRefusedWith413) {
  RunningDaemon daemon(with_server_keys("max_body_bytes = 100\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket socket = connect_to(ioc, daemon.port());
  std::string request =
      "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b');
  boost::system::error_code ec;
  net::write(socket, net::buffer(request), ec);
  auto [reply, elapsed] = read_until_closed(socket);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 413"));
}

TEST(HttpEndpointsTest, MalformedRequestGets400) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket socket = connect_to(ioc, daemon.port());
  net::write(socket, net::buffer(std::string("GARBAGE\r\n\r\n")));
  auto [reply, elapsed] = read_until_closed(socket);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 400"));
}

TEST(HttpEndpointsTest, SlowlorisRequestIsCutAtRequestTimeout) {
  RunningDaemon daemon(with_server_keys("request_timeout = \"300ms\"\nidle_timeout = \"10s\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket socket = connect_to(ioc, daemon.port());
  // Half a request line, then one byte at a time, never finishing.
  net::write(socket, net::buffer(std::string("GET /metrics HTTP/1.1\r\nHo")));
  std::thread trickle([&] {
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      boost::system::error_code ec;
      net::write(socket, net::buffer(std::string("s")), ec);
      if (ec) return;
    }
  });
  auto [reply, elapsed] = read_until_closed(socket);
  trickle.join();
  // Closed without an answer once the request deadline passed, well before
  // the client would have finished.
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  EXPECT_THAT(http_get(daemon.port(), "/metrics").body,
              HasSubstr("tickcast_http_request_timeouts_total 1"));
}

TEST(HttpEndpointsTest, IdleConnectionIsClosedAfterIdleTimeout) {
  RunningDaemon daemon(with_server_keys("idle_timeout = \"1s\"\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket socket = connect_to(ioc, daemon.port());
  auto [reply, elapsed] = read_until_closed(socket);
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, std::chrono::milliseconds(800));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

TEST(HttpEndpointsTest, ConnectionsBeyondTheLimitGet503) {
  RunningDaemon daemon(with_server_keys("max_connections = 2\n"));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket first = connect_to(ioc, daemon.port());
  tcp::socket second = connect_to(ioc, daemon.port());
  // Both busy with a request that has begun: an idle connection would give
  // its place to the newcomer instead (subscriber_faults_test.cpp).
  net::write(first, net::buffer(std::string("GET /metrics HTTP/1.1\r\n")));
  net::write(second, net::buffer(std::string("GET /metrics HTTP/1.1\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both accepted
  tcp::socket third = connect_to(ioc, daemon.port());
  auto [reply, elapsed] = read_until_closed(third);
  EXPECT_THAT(reply, StartsWith("HTTP/1.1 503"));
  first.close();
  second.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(http_get(daemon.port(), "/healthz").status, 200);
}

TEST(HttpEndpointsTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RunningDaemon daemon;
  ASSERT_TRUE(daemon.started()) << daemon.process().output();
  net::io_context ioc;
  tcp::socket socket = connect_to(ioc, daemon.port());
  std::string two =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n"
      "Connection: close\r\n\r\n";
  net::write(socket, net::buffer(two));
  auto [reply, elapsed] = read_until_closed(socket);
  std::size_t first = reply.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200", first + 1), std::string::npos) << reply;
}

}  // namespace
}  // namespace tickcast::test

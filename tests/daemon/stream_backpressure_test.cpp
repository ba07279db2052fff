// Backpressure of /v1/stream, in process over real loopback sockets with
// Beast websocket clients: one subscriber that never reads, several that
// do, all on one topic. The publisher must never wait, the readers must get
// every message in order, and the stuck one must be closed with 1013 while
// its queue stays at one message (conflation).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "daemon/http_server.hpp"
#include "daemon/stream_access.hpp"
#include "daemon/stream_hub.hpp"

namespace tickcast::daemon {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// The "seq" of a frame, or 0.
std::uint64_t seq_of(const std::string& text) {
  std::size_t at = text.find("\"seq\":");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + 6));
}

struct Client {
  Client(int port, int receive_buffer) : ws(ioc) {
    tcp::socket s(ioc);
    s.open(tcp::v4());
    // A small receive window makes a client that does not read stall the
    // server's writes quickly.
    if (receive_buffer > 0) s.set_option(net::socket_base::receive_buffer_size(receive_buffer));
    s.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    ws.next_layer() = std::move(s);
    ws.handshake("127.0.0.1", "/v1/stream");
    ws.write(net::buffer(std::string(R"({"op":"subscribe","topics":["status"],"id":1})")));
    beast::flat_buffer buffer;
    ws.read(buffer);
    ack = beast::buffers_to_string(buffer.data());
  }
  net::io_context ioc;
  websocket::stream<tcp::socket> ws;
  std::string ack;
};

TEST(StreamBackpressureTest, AStuckSubscriberIsClosedAndDelaysNobody) {
  net::io_context ioc;
  HttpServer server(ioc, HttpLimits{}, [](const HttpRequest&) {
    return HttpResponse{boost::beast::http::status::not_found, 11};
  });
  StreamOptions options;
  options.slow_client_timeout = 300ms;
  auto hub = std::make_shared<StreamHub>(std::vector<StreamHub::SymbolInfo>{}, options);
  server.enable_stream(hub, std::make_shared<AccessPolicy>());
  ASSERT_EQ(server.listen({net::ip::make_address("127.0.0.1"), 0}), "");
  server.start();
  const int port = server.local_endpoint().port();
  std::vector<std::thread> network;
  for (int i = 0; i < 2; ++i) network.emplace_back([&] { ioc.run(); });

  Client stuck(port, 4096);
  EXPECT_NE(stuck.ack.find("\"type\":\"ack\""), std::string::npos) << stuck.ack;

  constexpr int kReaders = 10;
  std::vector<std::unique_ptr<Client>> readers;
  std::vector<std::atomic<std::uint64_t>> last_seq(kReaders);
  std::vector<std::atomic<bool>> in_order(kReaders);
  for (int i = 0; i < kReaders; ++i) {
    readers.push_back(std::make_unique<Client>(port, 0));
    in_order[i] = true;
  }
  std::vector<std::thread> reading;
  for (int i = 0; i < kReaders; ++i) {
    reading.emplace_back([&, i] {
      beast::flat_buffer buffer;
      beast::error_code ec;
      for (;;) {
        readers[i]->ws.read(buffer, ec);
        if (ec) return;
        const std::uint64_t seq = seq_of(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
        if (seq != last_seq[i] + 1) in_order[i] = false;
        last_seq[i] = seq;
      }
    });
  }

  // Publish in step with the readers until the stuck subscriber is closed:
  // 16 KiB messages fill its socket buffers after a few hundred.
  const std::string payload(16 << 10, 'x');
  std::vector<double> publish_seconds;
  std::uint64_t published = 0;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < give_up &&
         (hub->stats().closed_slow.load() == 0 || published < 100)) {
    StatusEvent event{"test", "X", "model_swapped", payload, published, 0};
    const auto start = std::chrono::steady_clock::now();
    hub->publish_status(event);
    publish_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    ++published;
    const auto wait_until = std::chrono::steady_clock::now() + 5s;
    for (int i = 0; i < kReaders; ++i) {
      while (last_seq[i] < published && std::chrono::steady_clock::now() < wait_until) {
        std::this_thread::sleep_for(20us);
      }
      ASSERT_EQ(last_seq[i].load(), published) << "reader " << i << " fell behind";
    }
  }
  ASSERT_EQ(hub->stats().closed_slow.load(), 1u) << "after " << published << " messages";

  // Every reader got every message, in order, with no gap.
  for (int i = 0; i < kReaders; ++i) {
    EXPECT_TRUE(in_order[i].load()) << "reader " << i;
    EXPECT_EQ(last_seq[i].load(), published);
  }
  // The stuck one held at most one message at a time: the rest conflated.
  EXPECT_GT(hub->stats().dropped[static_cast<int>(DropReason::kConflated)].load(), 0u);
  EXPECT_EQ(hub->stats().dropped[static_cast<int>(DropReason::kQueueFull)].load(), 0u);

  std::sort(publish_seconds.begin(), publish_seconds.end());
  const double p99 = publish_seconds[publish_seconds.size() * 99 / 100];
  const double worst = publish_seconds.back();
  std::printf(
      "published %llu messages of 16 KiB to %d readers + 1 stuck: publish p99 %.1f us, "
      "max %.1f us\n",
      static_cast<unsigned long long>(published), kReaders, p99 * 1e6, worst * 1e6);
  // Waiting on the stuck subscriber would take the whole slow-client timeout.
  EXPECT_LT(worst, 0.25);

  // The stuck subscriber, reading at last, finds the close frame: 1013.
  beast::flat_buffer buffer;
  beast::error_code ec;
  std::uint64_t stuck_last = 0;
  std::size_t stuck_frames = 0;
  for (;;) {
    stuck.ws.read(buffer, ec);
    if (ec) break;
    stuck_last = seq_of(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
    ++stuck_frames;
  }
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(stuck.ws.reason().code, websocket::close_code::try_again_later);
  EXPECT_LT(stuck_frames, published);
  EXPECT_LE(stuck_last, published);

  // Stopping the server closes the readers with 1001, which ends their loops.
  server.stop();
  for (auto& t : reading) t.join();
  ioc.stop();
  for (auto& t : network) t.join();
}

}  // namespace
}  // namespace tickcast::daemon

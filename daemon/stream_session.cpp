#include "daemon/stream_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "daemon/stream_request.hpp"

namespace tickcast::daemon {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

StreamMessagePtr control_message(std::string text) {
  auto message = std::make_shared<StreamMessage>();
  message->text = std::move(text);
  return message;
}

// {"type":"ack","op":..,"id":..<,extra>}
std::string ack_text(std::string_view op, std::string_view id_json, std::string_view extra = {}) {
  std::string out = "{\"type\":\"ack\",\"op\":";
  append_json_string(out, op);
  if (!id_json.empty()) {
    out += ",\"id\":";
    out += id_json;
  }
  if (!extra.empty()) {
    out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

std::string error_text(std::string_view id_json, std::string_view code, std::string_view message) {
  std::string out = "{\"type\":\"error\"";
  if (!id_json.empty()) {
    out += ",\"id\":";
    out += id_json;
  }
  out += ",\"code\":";
  append_json_string(out, code);
  out += ",\"message\":";
  append_json_string(out, message);
  out += '}';
  return out;
}

std::string topics_json(const std::vector<std::string>& topics) {
  std::string out = "\"topics\":[";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, topics[i]);
  }
  out += ']';
  return out;
}

}  // namespace

template <class Stream>
BasicStreamSession<Stream>::BasicStreamSession(Stream&& stream, std::shared_ptr<StreamHub> hub,
                                               std::string ip)
    : ws_(std::move(stream)),
      hub_(std::move(hub)),
      ip_(std::move(ip)),
      options_(hub_->options()),
      check_timer_(ws_.get_executor()),
      teardown_timer_(ws_.get_executor()),
      tokens_(options_.max_messages_per_second),
      tokens_at_(Clock::now()) {}

template <class Stream>
BasicStreamSession<Stream>::~BasicStreamSession() {
  if (!released_) hub_->release(ip_);
}

template <class Stream>
void BasicStreamSession<Stream>::run(HttpRequest request) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(),
                                     request = std::move(request)]() mutable {
    // The websocket has its own timeouts: the tcp_stream's would cut a
    // quiet subscriber that is simply waiting for the next bar.
    beast::get_lowest_layer(self->ws_).expires_never();
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout =
        std::chrono::duration_cast<std::chrono::nanoseconds>(self->options_.idle_timeout);
    timeout.keep_alive_pings = true;  // ping at half the idle timeout
    self->ws_.set_option(timeout);
    self->ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(beast::http::field::server, "tickcast");
    }));
    self->ws_.read_message_max(self->options_.max_frame_bytes);
    self->ws_.text(true);
    self->ws_.async_accept(request,
                           beast::bind_front_handler(&BasicStreamSession::on_accept, self));
  });
}

template <class Stream>
void BasicStreamSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("stream: upgrade from {} failed: {}", ip_, ec.message());
    return finish();
  }
  accepted_ = true;
  hub_->stats().subscribers.fetch_add(1, std::memory_order_relaxed);
  spdlog::debug("stream: subscriber connected from {}", ip_);
  if (close_code_) return begin_close();  // stop() came during the handshake
  check_slow();
  do_read();
}

template <class Stream>
void BasicStreamSession<Stream>::stop() {
  net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->close_after_queue(websocket::close_code::going_away);
  });
}

template <class Stream>
void BasicStreamSession<Stream>::do_read() {
  ws_.async_read(read_buffer_,
                 beast::bind_front_handler(&BasicStreamSession::on_read, shared_from_this()));
}

template <class Stream>
void BasicStreamSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      // Beast has already sent the close frame with 1009.
      hub_->stats().closed_frame_too_big.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("stream: {} sent a message over server.stream_max_frame_bytes: closed 1009",
                   ip_);
    }
    return finish();
  }
  const std::string text = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  if (!close_code_) handle(text);
  do_read();
}

template <class Stream>
void BasicStreamSession<Stream>::handle(std::string_view text) {
  // Token bucket: a burst of max_messages_per_second, refilled at that rate.
  const double rate = options_.max_messages_per_second;
  const auto now = Clock::now();
  tokens_ =
      std::min(rate, tokens_ + rate * std::chrono::duration<double>(now - tokens_at_).count());
  tokens_at_ = now;
  tokens_ -= 1;

  const StreamRequest request = parse_stream_request(text);
  const std::string& id_json = request.id_json;
  if (tokens_ < 0) {
    hub_->stats().rate_limited.fetch_add(1, std::memory_order_relaxed);
    if (tokens_ < -rate) {
      hub_->stats().closed_flood.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("stream: {} kept sending past server.stream_max_messages_per_second: closed",
                   ip_);
      return close_with(websocket::close_code::policy_error);
    }
    return enqueue_control(error_text(id_json, "rate_limited",
                                      "more than " +
                                          std::to_string(options_.max_messages_per_second) +
                                          " messages per second; this one was ignored"));
  }
  if (!request.ok()) {
    return enqueue_control(error_text(id_json, request.error_code, request.error_message));
  }

  const std::string_view op = op_name(request.op);
  if (request.op == StreamOp::kPing) return enqueue_control(ack_text(op, id_json));
  if (request.op == StreamOp::kList) {
    return enqueue_control(ack_text(op, id_json, hub_->list_fields()));
  }
  const std::vector<std::string>& patterns = request.topics;

  auto self = shared_from_this();
  if (request.op == StreamOp::kUnsubscribe) {
    auto result = hub_->unsubscribe(self, patterns);
    if (!result.error_code.empty()) {
      return enqueue_control(error_text(id_json, result.error_code, result.error_message));
    }
    for (const auto& topic : result.topics) topics_.erase(topic);
    return enqueue_control(ack_text(op, id_json, topics_json(result.topics)));
  }
  auto result = hub_->subscribe(
      self, patterns, topics_.size(),
      [&](const StreamHub::SubscribeResult& ok, std::vector<std::string> snapshots) {
        // Under the hub's mutex: the ack, then the snapshots, then live messages.
        enqueue_control(ack_text(op, id_json, topics_json(ok.topics)));
        for (auto& snapshot : snapshots) enqueue_control(std::move(snapshot));
      });
  if (!result.error_code.empty()) {
    return enqueue_control(error_text(id_json, result.error_code, result.error_message));
  }
  topics_.insert(result.topics.begin(), result.topics.end());
}

template <class Stream>
void BasicStreamSession<Stream>::enqueue_control(std::string text) {
  std::lock_guard lock(queue_mutex_);
  if (closing_) return;
  control_.push_back(control_message(std::move(text)));
  schedule_locked();
}

template <class Stream>
void BasicStreamSession<Stream>::deliver(const StreamMessagePtr& message) {
  std::lock_guard lock(queue_mutex_);
  StreamStats& stats = hub_->stats();
  if (closing_) {
    stats.drop(DropReason::kClosed);
    return;
  }
  // Newest wins over a backlog: an unsent older message of the topic is
  // replaced, since a client behind would rather have the current state. But
  // not over a burst: one trade can close two bars of a symbol in one
  // handler, and the first forecast has had no chance to be written yet, so
  // a message queued less than kBurstGrace ago keeps its place and the new
  // one queues behind it (while the queue has room).
  const auto now = Clock::now();
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if (it->message->topic_id != message->topic_id) continue;
    if (now - it->since >= kBurstGrace || pending_.size() >= options_.max_queue) {
      it->message = message;  // keeps its `since`: the wait counts from the first
      stats.drop(DropReason::kConflated);
      return;
    }
    break;
  }
  StreamStats::observe(stats.queue_depth, StreamStats::kQueueDepthBuckets,
                       static_cast<double>(pending_.size()));
  if (pending_.size() >= options_.max_queue) {
    stats.drop(DropReason::kQueueFull);
    return;
  }
  pending_.push_back({message, now});
  schedule_locked();
}

template <class Stream>
void BasicStreamSession<Stream>::schedule_locked() {
  if (pumping_) return;
  pumping_ = true;
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->pump(); });
}

template <class Stream>
void BasicStreamSession<Stream>::pump() {
  if (writing_) return;
  StreamMessagePtr next;
  {
    std::lock_guard lock(queue_mutex_);
    if (!accepted_ || close_code_ || finished_) {
      pumping_ = false;
      return;
    }
    if (!control_.empty()) {
      next = std::move(control_.front());
      control_.pop_front();
    } else if (!pending_.empty()) {
      next = std::move(pending_.front().message);
      pending_.pop_front();
    } else {
      pumping_ = false;
    }
  }
  if (!next) {
    if (close_when_drained_) close_with(*close_when_drained_);
    return;
  }
  writing_ = true;
  in_flight_ = std::move(next);
  ws_.async_write(net::buffer(in_flight_->text),
                  beast::bind_front_handler(&BasicStreamSession::on_write, shared_from_this()));
}

template <class Stream>
void BasicStreamSession<Stream>::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  in_flight_.reset();
  if (ec) return finish();
  hub_->stats().messages.fetch_add(1, std::memory_order_relaxed);
  if (close_code_) return begin_close();
  pump();
}

template <class Stream>
void BasicStreamSession<Stream>::check_slow() {
  if (finished_ || close_code_) return;
  bool slow = false;
  {
    std::lock_guard lock(queue_mutex_);
    // The front is the oldest: slots are appended in the order taken.
    slow =
        !pending_.empty() && Clock::now() - pending_.front().since > options_.slow_client_timeout;
  }
  if (slow) {
    hub_->stats().closed_slow.fetch_add(1, std::memory_order_relaxed);
    spdlog::info(
        "stream: subscriber {} left a message unsent for over "
        "server.slow_client_timeout: closed 1013",
        ip_);
    return close_with(websocket::close_code::try_again_later);
  }
  const auto period = std::max<std::chrono::nanoseconds>(std::chrono::milliseconds(20),
                                                         options_.slow_client_timeout / 5);
  check_timer_.expires_after(period);
  check_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->check_slow();
  });
}

template <class Stream>
void BasicStreamSession<Stream>::close_with(websocket::close_code code) {
  if (close_code_ || finished_) return;
  close_code_ = code;
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
    hub_->stats().drop(DropReason::kClosed, pending_.size());
    pending_.clear();
    control_.clear();
  }
  hub_->remove(this);
  check_timer_.cancel();
  arm_teardown();
  if (!accepted_) return;  // on_accept closes once the handshake is done
  if (!writing_) begin_close();
}

template <class Stream>
void BasicStreamSession<Stream>::close_after_queue(websocket::close_code code) {
  if (close_code_ || finished_ || close_when_drained_) return;
  if (!accepted_) return close_with(code);  // nothing can be queued yet
  close_when_drained_ = code;
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  hub_->remove(this);
  arm_teardown();
  // pump() closes once it finds the queue empty; if a write is in flight,
  // on_write() pumps when it ends.
  if (!writing_) pump();
}

template <class Stream>
void BasicStreamSession<Stream>::arm_teardown() {
  // Re-arming cancels an earlier wait: the timeout counts from the last step.
  teardown_timer_.expires_after(
      std::max<std::chrono::nanoseconds>(options_.slow_client_timeout, std::chrono::seconds(5)));
  teardown_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

template <class Stream>
void BasicStreamSession<Stream>::begin_close() {
  if (close_started_) return;
  close_started_ = true;
  ws_.async_close(*close_code_, [self = shared_from_this()](beast::error_code) {
    // The read loop sees the close and calls finish().
  });
}

template <class Stream>
void BasicStreamSession<Stream>::finish() {
  if (finished_) return;
  finished_ = true;
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
    hub_->stats().drop(DropReason::kClosed, pending_.size());
    pending_.clear();
    control_.clear();
  }
  hub_->remove(this);
  check_timer_.cancel();
  teardown_timer_.cancel();
  if (accepted_) hub_->stats().subscribers.fetch_sub(1, std::memory_order_relaxed);
  // The connection slot is free as soon as the connection is, not when the
  // last handler lets go of this object.
  hub_->release(ip_);
  released_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

template class BasicStreamSession<beast::tcp_stream>;
template class BasicStreamSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace tickcast::daemon

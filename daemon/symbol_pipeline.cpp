#include "daemon/symbol_pipeline.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "feeds/bar_history.hpp"
#include "feeds/bar_log_paths.hpp"

namespace tickcast::daemon {

namespace net = boost::asio;

namespace {

// The timer wakes at least this often: it closes bars whose close time was
// not known at the previous tick (before the clock offset was measured) and
// keeps the bar log's fsync window honest.
constexpr std::chrono::milliseconds kMaxTick{100};

// Enough digits to tell a price from its neighbours, and 1e300 from 1e30.
std::string price_text(double price) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", price);
  return text;
}

}  // namespace

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t steady_unix_ns() {
  static const std::int64_t wall_at_start = unix_now_ns();
  static const auto steady_at_start = std::chrono::steady_clock::now();
  return wall_at_start + std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - steady_at_start)
                             .count();
}

std::shared_ptr<SymbolPipeline> SymbolPipeline::create(
    net::io_context& ioc, const feeds::BarOptions& bars, const std::filesystem::path& state_dir,
    std::string exchange, std::string symbol, bool consecutive_trade_ids, bool trade_ids_usable,
    std::unique_ptr<feeds::BarLogWriter> bar_log, Publisher& publisher,
    const ForecastingSetup& forecasting, feeds::LogSink log, std::string& error) {
  feeds::ResamplerOptions options;
  if (auto problem = feeds::make_resampler_options(bars, exchange, symbol, consecutive_trade_ids,
                                                   options, trade_ids_usable)) {
    error = exchange + ":" + symbol + ": " + *problem;
    return nullptr;
  }
  std::shared_ptr<SymbolPipeline> pipeline(
      new SymbolPipeline(ioc, options, exchange, symbol, publisher, log));

  // Continue the series from the log so sequences never repeat, and bars
  // missed while the daemon was down are marked gaps.
  feeds::BarHistory history;
  auto reporter = [&](const std::filesystem::path& segment, std::uint64_t offset,
                      std::uint64_t bytes, std::string_view reason) {
    if (log) {
      log(feeds::LogLevel::kWarn, "bar log " + segment.string() + " at " + std::to_string(offset) +
                                      ": " + std::string(reason) + "; skipped " +
                                      std::to_string(bytes) + " bytes");
    }
  };
  if (auto status = feeds::load_bar_history(state_dir, exchange, symbol, options.interval_ns,
                                            reporter, history);
      !status.is_ok()) {
    error = exchange + ":" + symbol + ": reading the bar log: " + status.message();
    return nullptr;
  }
  pipeline->restored_bars_ = history.bars.size();
  pipeline->restore_stats_ = history.stats;
  pipeline->logged_bars_ = history.bars.size();

  SymbolModel::Context context(pipeline->strand_);
  context.pool = forecasting.pool;
  context.writer = forecasting.writer;
  context.publisher = &publisher;
  context.state_dir = state_dir;
  context.exchange = exchange;
  context.symbol = symbol;
  context.interval_ns = options.interval_ns;
  context.model = forecasting.model;
  context.scores = forecasting.scores;
  context.log = log;
  if (forecasting.on_first_model) {
    context.on_first_model = [notify = forecasting.on_first_model, exchange, symbol] {
      notify(exchange, symbol);
    };
  }
  pipeline->model_ = SymbolModel::create(std::move(context), history, error);
  if (!pipeline->model_) return nullptr;
  if (history.resume_from) {
    pipeline->resampler_.resume_after(*history.resume_from);
  } else {
    pipeline->resampler_.start_sequence_at(history.next_sequence);
  }

  pipeline->bar_log_ = std::move(bar_log);
  return pipeline;
}

SymbolPipeline::SymbolPipeline(net::io_context& ioc, feeds::ResamplerOptions options,
                               std::string exchange, std::string symbol, Publisher& publisher,
                               feeds::LogSink log)
    : strand_(net::make_strand(ioc)),
      timer_(strand_),
      exchange_(std::move(exchange)),
      symbol_(std::move(symbol)),
      publisher_(publisher),
      log_(std::move(log)),
      resampler_(std::move(options), [this](const feeds::BarEvent& event) { on_bar(event); }) {}

void SymbolPipeline::start() {
  net::post(strand_, [self = shared_from_this()] { self->schedule_tick(); });
}

void SymbolPipeline::post_trade(const Trade& received) {
  // Re-stamped on the resampler's clock (steady_unix_ns), microseconds after
  // the feed stamped it, so its offset samples and advance() agree even
  // when the wall clock steps.
  Trade trade = received;
  if (trade.receive_time_ns != 0) trade.receive_time_ns = steady_unix_ns();
  net::post(strand_, [self = shared_from_this(), trade] {
    if (self->stopping_) return;
    // Both logs are rate-limited: a feed whose clock or prices are off
    // sends nothing but these.
    switch (self->resampler_.on_trade(trade)) {
      case feeds::TradeOutcome::kFutureTime:
        self->log_.log(
            feeds::LogLevel::kWarn, "future_trade",
            self->exchange_ + ":" + self->symbol_ + ": dropped trade " +
                std::to_string(trade.trade_id) + " stamped " +
                std::to_string((trade.exchange_time_ns - trade.receive_time_ns) / 1'000'000'000) +
                " s ahead of this host's clock (the exchange's timestamp or the "
                "local clock is wrong)");
        break;
      case feeds::TradeOutcome::kPriceOutlier:
        self->log_.log(feeds::LogLevel::kWarn, "price_outlier",
                       self->exchange_ + ":" + self->symbol_ + ": refused trade " +
                           std::to_string(trade.trade_id) + " at price " + price_text(trade.price) +
                           ", out of the band around " +
                           price_text(self->resampler_.price_anchor()) + " (bars.max_price_ratio)");
        break;
      default:
        break;
    }
  });
}

void SymbolPipeline::post_feed_state(bool connected) {
  net::post(strand_, [self = shared_from_this(), connected] {
    if (self->stopping_) return;
    if (connected) {
      self->resampler_.on_feed_up(steady_unix_ns());
      self->publish_status("feed_up", "feed connected");
    } else {
      self->resampler_.on_feed_down(steady_unix_ns());
      self->publish_status("feed_down", "feed disconnected");
    }
  });
}

void SymbolPipeline::publish_status(std::string kind, std::string message) {
  StatusEvent event;
  event.exchange = exchange_;
  event.symbol = symbol_;
  event.kind = std::move(kind);
  event.message = std::move(message);
  event.time_ns = unix_now_ns();
  publisher_.publish_status(event);
}

void SymbolPipeline::stop() {
  net::post(strand_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->timer_.cancel();
    self->model_->stop();
    self->note_bar_log(self->bar_log_->sync(unix_now_ns()));
    self->stopped_ = true;
  });
}

void SymbolPipeline::on_bar(const feeds::BarEvent& event) {
  if (event.skipped_before > 0) {
    const std::string message =
        "no bar for " + std::to_string(event.skipped_before) +
        " intervals (more than bars.max_gap_fill_bars): one gap bar stands for them, and the "
        "series goes on at sequence " +
        std::to_string(event.bar.sequence);
    log_.log(feeds::LogLevel::kWarn, "series_break", exchange_ + ":" + symbol_ + ": " + message);
    publish_status("series_break", message);
  }
  // The bar still flows downstream whether or not it reached the log.
  note_bar_log(bar_log_->append(event.bar, unix_now_ns()));
  log_.log(feeds::LogLevel::kDebug, "bar",
           exchange_ + ":" + symbol_ +
               (event.kind == feeds::BarEventKind::kRevision ? " revised bar " : " bar ") +
               std::to_string(event.bar.sequence) + " " + std::string(to_string(event.bar.status)) +
               " close " + std::to_string(event.bar.close) + " trades " +
               std::to_string(event.bar.trade_count));
  publisher_.publish_bar(event.bar);
  if (event.kind != feeds::BarEventKind::kRevision) ++logged_bars_;
  model_->on_bar(event.bar, logged_bars_);
}

void SymbolPipeline::schedule_tick() {
  if (stopping_) return;
  const std::int64_t now = steady_unix_ns();
  std::chrono::nanoseconds wait = kMaxTick;
  if (auto next = resampler_.next_close_local_ns()) {
    wait = std::clamp(std::chrono::nanoseconds(*next - now), std::chrono::nanoseconds(0),
                      std::chrono::nanoseconds(kMaxTick));
  }
  timer_.expires_after(wait);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->on_tick();
  });
}

void SymbolPipeline::on_tick() {
  resampler_.advance(steady_unix_ns());
  note_bar_log(bar_log_->sync_if_due(unix_now_ns()));
  schedule_tick();
}

void SymbolPipeline::note_bar_log(const feeds::IoStatus& status) {
  // One line when the log starts failing and one when it works again (the
  // metrics count every failure): a full disk must not flood the journal
  // that may live on it.
  if (!status.is_ok()) {
    if (bar_log_failures_++ == 0) {
      log_.log(feeds::LogLevel::kError, "bar_log",
               exchange_ + ":" + symbol_ + ": cannot persist bars: " + status.message() +
                   "; bars are still published and forecast, and the log resumes by itself "
                   "once writes succeed");
    }
    return;
  }
  if (bar_log_failures_ > 0 && bar_log_->stats().ok.load(std::memory_order_relaxed)) {
    log_.log(feeds::LogLevel::kInfo, "bar_log_recovered",
             exchange_ + ":" + symbol_ + ": bar log writable again after " +
                 std::to_string(bar_log_failures_) + " failed write(s)/sync(s)");
    bar_log_failures_ = 0;
  }
}

}  // namespace tickcast::daemon

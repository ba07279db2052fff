// SymbolModel in process: a retrain on request, and the hot path's
// isolation from training (the forecasting step keeps its latency while a
// training job runs on the pool).
#include "daemon/symbol_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "daemon/training_pool.hpp"
#include "feeds/bar_history.hpp"
#include "model/forecaster.hpp"
#include "model/retrain.hpp"
#include "tests/daemon/seed_bars.hpp"
#include "tests/support/process.hpp"

namespace tickcast::daemon {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// Remembers status kinds and counts forecasts.
class RecordingPublisher final : public Publisher {
 public:
  void publish_bar(const Bar&) override {}
  void publish_forecast(const model::Forecast&) override {
    std::lock_guard lock(mu_);
    ++forecasts_;
  }
  void publish_status(const StatusEvent& event) override {
    std::lock_guard lock(mu_);
    kinds_.push_back(event.kind);
  }
  std::vector<std::string> kinds() const {
    std::lock_guard lock(mu_);
    return kinds_;
  }
  int forecasts() const {
    std::lock_guard lock(mu_);
    return forecasts_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> kinds_;
  int forecasts_ = 0;
};

model::ModelOptions small_model() {
  model::ModelOptions o;
  o.hidden = 8;
  o.seq_len = 16;
  o.warmup_steps = 4;
  o.batch = 8;
  o.epochs = 2;
  o.window = 200;
  o.min_bars = 100;
  o.validation_bars = 40;
  o.retrain_every = 0;  // only on request (and the first model)
  o.drift = "none";
  o.dm_threshold = 10;  // never refuse for lack of skill: this test is about triggers
  o.train_budget = 60s;
  return o;
}

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(SymbolModelTest, ARequestedRetrainRunsAtOnceWithoutWaitingForABar) {
  test::TempDir dir;
  constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
  const std::vector<Bar> bars = test::synthetic_bars(260, kStart);
  test::write_bar_log(dir.path(), {bars.begin(), bars.begin() + 250});
  feeds::BarHistory history;
  ASSERT_TRUE(feeds::load_bar_history(dir.path(), "binance", "BTCUSDT", 1'000'000'000, {}, history)
                  .is_ok());
  ASSERT_EQ(history.bars.size(), 250u);

  net::io_context ioc;
  auto work = net::make_work_guard(ioc);
  std::thread runner([&] { ioc.run(); });
  TrainingPool pool(1);
  CheckpointWriter writer(1);
  RecordingPublisher publisher;
  SymbolModel::Context context(net::make_strand(ioc));
  const auto strand = context.strand;
  context.pool = &pool;
  context.writer = &writer;
  context.publisher = &publisher;
  context.state_dir = dir.path();
  context.exchange = "binance";
  context.symbol = "BTCUSDT";
  context.interval_ns = 1'000'000'000;
  context.model = small_model();
  context.scores.windows = {20};
  std::string error;
  auto model = SymbolModel::create(context, history, error);
  ASSERT_TRUE(model) << error;

  auto feed = [&](std::size_t i) {
    std::promise<void> done;
    net::post(strand, [&] {
      model->on_bar(bars[i], i + 1);
      done.set_value();
    });
    done.get_future().wait();
  };
  // The first bar finds no model and enough bars: the initial job.
  feed(250);
  ASSERT_TRUE(eventually([&] { return model->stats().retrains_accepted.load() == 1; }));
  // Nothing else is due: more bars start no job.
  for (std::size_t i = 251; i < 256; ++i) feed(i);
  std::this_thread::sleep_for(300ms);
  auto total = [&] {
    const auto& s = model->stats();
    return s.retrains_accepted.load() + s.retrains_rejected.load() + s.retrains_failed.load() +
           s.retrains_timeout.load();
  };
  EXPECT_EQ(total(), 1u);

  // The admin call starts a job at once, with no bar in between.
  model->request_retrain();
  EXPECT_TRUE(eventually([&] { return total() == 2u; }));
  EXPECT_EQ(model->stats().retrains_failed.load(), 0u);
  const auto kinds = publisher.kinds();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "model_swapped"), kinds.end());
  EXPECT_EQ(publisher.forecasts(), 6);  // one per live bar, none for the requested job

  std::promise<void> stopped;
  net::post(strand, [&] {
    model->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  writer.stop(TrainingPool::Queued::kFinish);
  work.reset();
  runner.join();
}

// p99 of the time Forecaster::on_bar takes over `bars`.
double step_p99_ns(model::Forecaster& forecaster, const std::vector<Bar>& bars, std::size_t begin,
                   std::size_t end) {
  std::vector<double> ns;
  ns.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    (void)forecaster.on_bar(bars[i]);
    ns.push_back(
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  return ns[ns.size() * 99 / 100];
}

// The bar: p99 of the step under continuous retraining within 2x of
// idle. Steps run on this thread, training on the pool's (nice +10) thread,
// as in the daemon. The best of three rounds of each is compared, so one
// burst of noise from elsewhere on a shared machine does not decide.
TEST(SymbolModelTest, StepLatencyUnderContinuousRetrainingStaysWithinTwiceIdleAtP99) {
  model::ModelOptions options = small_model();
  options.hidden = 32;
  options.seq_len = 32;
  options.warmup_steps = 8;
  options.window = 600;
  options.min_bars = 300;
  options.validation_bars = 60;
  options.epochs = 1000;  // the job runs until cancelled
  options.patience = 1000;
  constexpr std::size_t kSteps = 4000;
  constexpr int kRounds = 3;
  const std::vector<Bar> bars =
      test::synthetic_bars(static_cast<int>(600 + 2 * kRounds * kSteps), 1'700'000'000'000'000'000);
  const std::vector<Bar> window(bars.begin(), bars.begin() + 600);

  model::RetrainControl accept;
  accept.gate_override = model::GateOverride::kForceAccept;
  model::ModelOptions quick = options;
  quick.epochs = 2;
  model::RetrainOutcome first = model::run_retrain(window, nullptr, quick, 1, accept);
  ASSERT_EQ(first.result, model::RetrainResult::kAccepted) << first.reason;

  model::ScoreOptions scores;
  scores.windows = {60, 1440};
  model::Forecaster forecaster(options, scores, "binance", "BTCUSDT", 1'000'000'000);
  ASSERT_TRUE(
      forecaster.install(first.bundle, first.state, first.state_after_sequence, first.last_close));

  TrainingPool pool(1);
  double idle = 1e300, busy = 1e300;
  std::size_t next = 600;
  for (int round = 0; round < kRounds; ++round) {
    idle = std::min(idle, step_p99_ns(forecaster, bars, next, next + kSteps));
    next += kSteps;

    std::atomic<bool> cancel{false}, started{false};
    std::promise<void> finished;
    ASSERT_TRUE(pool.submit([&] {
      model::RetrainControl control;
      control.cancel = &cancel;
      started = true;
      (void)model::run_retrain(window, first.bundle, options, 2, control);
      finished.set_value();
    }));
    ASSERT_TRUE(eventually([&] { return started.load(); }, 10s));
    std::this_thread::sleep_for(20ms);  // into the epochs
    busy = std::min(busy, step_p99_ns(forecaster, bars, next, next + kSteps));
    next += kSteps;
    cancel = true;
    finished.get_future().wait();
  }
  RecordProperty("idle_p99_ns", static_cast<int>(idle));
  RecordProperty("busy_p99_ns", static_cast<int>(busy));
  EXPECT_LE(busy, 2 * idle) << "idle p99 " << idle << " ns, under retraining " << busy << " ns";
}

}  // namespace
}  // namespace tickcast::daemon

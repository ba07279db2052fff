// Live vs backtest on the same trades, with the real binaries.
//
// A `tickcast replay-exchange` child plays a real Binance recording
// (../shared/data/trades/raw, spot BTCUSDT, 2024-08-08 23:54-24:00) 25 times
// faster than it was received, frames verbatim, so the trades keep their
// recorded exchange times; the daemon closes one-second bars on them,
// forecasts every bar and retrains in the background. A client records
// every forecast the daemon publishes on /v1/stream from before the first
// trade. Then `tickcast backtest --frames` runs over the very same file with
// the daemon's config, and writes its bars (--bars-out), its forecasts as
// the daemon would publish them (--stream-out) and every accepted model
// (--models-dir); and `tickcast backtest --trades` over the same recording's
// trades CSV, whose bars, jobs and models up to there must be the same
// again. Both start from nothing: an empty state dir and the first
// trade of the file, so the first bar of both is the same (a gap: it began
// before the first trade seen). Compared, exactly:
//
//   (a) the bars: the daemon's bar log (`tickcast bars dump`) and the
//       backtest's, every field of every bar, byte for byte, except the
//       backtest's last one (the end of the file cuts it: a partial gap bar;
//       live, the clock closes it, whole, a second later);
//   (b) the retrain jobs: the bar each started at, its trigger, its result
//       and the version it got: the backtest runs a job at the bar whose
//       close made it due, the daemon submits it at that bar and trains on
//       the newest model.window bars of its log up to it;
//   (c) every accepted model: the weights, scaler, residual scale and
//       training metadata of each daemon vNNNNNN.model and the backtest's,
//       bit for bit (not the creation time: the daemon's clock vs the bar's
//       end; not the free-text source);
//   (d) the forecasts: up to the backtest's first swap, every field of
//       every forecast message (price, return, interval, status, version,
//       every rolling score) byte for byte. After it, the swaps land at
//       different bars: the backtest installs model k right after the bar
//       its job was due (J_k), the daemon when the job is done, after some
//       bar S_k >= J_k. So for bars J_k+1 .. S_k the daemon still forecasts
//       with model k-1 and the backtest with model k; the test checks that
//       it is exactly these bars, and that on every other bar the model's
//       forecast (version, status, predicted return and close) is the same.
//       It prints J_k and S_k for each swap.
//
// What is not the same after the first swap, and not compared: the interval
// and the rolling scores. They are computed from the forecasts published so
// far, and on bars J_k+1 .. S_k those were made by different models. Nor is
// the state stored in vNNNNNN.model (taken at the swap: after J_k in the
// backtest, after S_k live).
//
// The job bars are determined only under this test's settings, and the test
// says why when they are not: drift detection is off (model.drift = "none")
// and dm_threshold = 10 never flags no_skill nor refuses a candidate for it;
// both read the live model's residuals since it was installed, i.e. since
// the swap bar, which differs; so would the gate's live_no_skill input
// (docs/online.md, "Live vs backtest"). And a daemon job that is still
// running when the next scheduled one comes due starts that one late, when
// it ends: the backtest, synchronous, cannot know that; retrain_every (30
// bars, 1.2 s at this speed) is far above a job's time (tens of ms for a
// 1x128 LSTM on 60 bars; big enough that swaps land a bar or two late).
//
// Bars are determined by the trades alone as long as the daemon's clock
// never closes a bar before its trades arrived: allowed_lateness = 1 s, so
// a stall of over a second of the replay or the daemon would be needed.
// Every forecast must arrive: the client keeps up, and a burst (one trade
// closing two bars at once) is not conflated (docs/protocol.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "model/checkpoint.hpp"
#include "tests/daemon/checkpoint_compare.hpp"
#include "tests/daemon/online_helpers.hpp"
#include "tests/daemon/running_daemon.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::test {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr int kWindow = 100;  // = model.min_bars: the first job is due at bar 99
constexpr int kRetrainEvery = 30;
constexpr const char* kSpeed = "25";
// A job must end within kRetrainEvery bars (1.2 s here) or the next one
// starts late. Under the sanitizers (the daemon's Asio and bar-log code at
// -O0) a 1x128 job took 1-2.7 s; a 1x32 one does a sixteenth of the work.
constexpr int kHidden = kSanitizerBuild ? 32 : 128;

fs::path recording() {
  return shared_data_dir() / "trades/raw/hftbacktest_binance_spot_btcusdt_20240808.gz";
}

// The same recording's trades as CSV (every @trade message of it and of the
// next day's file, PROVENANCE.md): the backtest's --trades input.
fs::path trades_csv() {
  return shared_data_dir() / "trades/binance_spot_BTCUSDT_trades_20240808T2354Z-20240809T0005Z.csv";
}

// The feed points at a replay exchange the test starts later (after its
// stream client has subscribed); until then the daemon retries every 200 ms.
DaemonConfig parity_config(int replay_port) {
  DaemonConfig config;
  config.daemon_keys = "train_threads = 1\n";
  config.rest = "url = \"ws://127.0.0.1:" + std::to_string(replay_port) +
                "/stream\"\nbackoff_initial = \"100ms\"\nbackoff_max = \"200ms\"\n\n"
                "[bars]\ninterval = \"1s\"\nallowed_lateness = \"1s\"\n\n"
                "[model]\nhidden = " +
                std::to_string(kHidden) +
                "\nseq_len = 16\nwarmup_steps = 4\nbatch = 8\nepochs = 10\n"
                "window = " +
                std::to_string(kWindow) + "\nmin_bars = " + std::to_string(kWindow) +
                "\nvalidation_bars = 40\nretrain_every = " + std::to_string(kRetrainEvery) +
                "\nmin_improvement = 0\ndm_threshold = 10\ndrift = \"none\"\n"
                "keep_versions = 100\ncheckpoint_every = 10\ntrain_budget = \"60s\"\n\n"
                "[scores]\nwindows = [20, 100]\n";
  return config;
}

// A /v1/stream subscriber to one symbol's forecasts that keeps every message
// until the daemon closes the connection.
class ForecastRecorder {
 public:
  // Connects and subscribes; true once the subscription is acknowledged.
  bool start(int port, std::string& error) {
    try {
      ws_.next_layer().connect(
          tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
      ws_.handshake("127.0.0.1", "/v1/stream");
      ws_.write(net::buffer(
          std::string(R"({"op":"subscribe","id":1,"topics":["forecast:binance:BTCUSDT"]})")));
      beast::flat_buffer buffer;
      ws_.read(buffer);
      const std::string ack = beast::buffers_to_string(buffer.data());
      if (ack.find(R"("type":"ack")") == std::string::npos) {
        error = "subscribe answered with " + ack;
        return false;
      }
    } catch (const std::exception& e) {
      error = e.what();
      return false;
    }
    reader_ = std::thread([this] {
      beast::flat_buffer buffer;
      beast::error_code ec;
      for (;;) {
        ws_.read(buffer, ec);
        if (ec) break;
        std::lock_guard lock(mutex_);
        messages_.push_back(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
      }
    });
    return true;
  }
  // Once the daemon has exited: every message received.
  std::vector<std::string> finish() {
    // The daemon's exit closed the socket; shutting it down here as well only
    // guards against a read that would otherwise never return.
    ::shutdown(ws_.next_layer().native_handle(), SHUT_RDWR);
    if (reader_.joinable()) reader_.join();
    return messages_;
  }
  ~ForecastRecorder() {
    if (reader_.joinable()) finish();
  }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_{ioc_};
  std::thread reader_;
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

// A forecast message's fields after "type" (and, live, "topic" and "seq"):
// the text both sides build with daemon/stream_message's forecast_fields.
std::string fields_of(const std::string& message) {
  static const std::regex header(R"(^\{"type":"forecast",("topic":"[^"]*","seq":[0-9]+,)?)");
  return std::regex_replace(message, header, "", std::regex_constants::format_first_only);
}

struct ForecastView {
  std::string fields;
  std::uint64_t bar_sequence = 0, model_version = 0, seq = 0;
  std::string status;
  double predicted_return = 0, predicted_close = 0, persistence_close = 0, close = 0;
};

ForecastView parse_forecast(simdjson::dom::parser& parser, const std::string& message) {
  ForecastView view;
  view.fields = fields_of(message);
  simdjson::dom::element m = parser.parse(message);
  view.bar_sequence = m["bar_sequence"].get_uint64();
  view.model_version = m["model_version"].get_uint64();
  view.status = std::string(std::string_view(m["status"].get_string()));
  view.predicted_return = m["predicted_return"].get_double();
  view.predicted_close = m["predicted_close"].get_double();
  view.persistence_close = m["persistence_close"].get_double();
  view.close = m["close"].get_double();
  std::uint64_t seq = 0;
  if (m["seq"].get(seq) == simdjson::SUCCESS) view.seq = seq;
  return view;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A retrain job: where it started, why, and what came of it.
struct Job {
  std::uint64_t bar = 0;
  std::string trigger, result;
  std::uint64_t version = 0;  // of an accepted candidate
  bool operator==(const Job&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Job& job) {
  return out << "{bar " << job.bar << ", " << job.trigger << ", " << job.result << ", v"
             << job.version << "}";
}

// The daemon's jobs, from its log lines "retrain started (T) on bars up to
// N" and the outcome lines "... (T, bars up to N, S s)".
std::vector<Job> daemon_jobs(const std::string& log) {
  std::map<std::uint64_t, Job> jobs;
  static const std::regex started("retrain started \\(([a-z_]+)\\) on bars up to ([0-9]+)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), started);
       it != std::sregex_iterator(); ++it) {
    Job& job = jobs[std::stoull((*it)[2])];
    job.bar = std::stoull((*it)[2]);
    job.trigger = (*it)[1];
  }
  static const std::regex outcome(
      "(model v([0-9]+) is live|candidate rejected|retrain failed|retrain "
      "stopped)[^\\n]*\\(([a-z_]+), "
      "bars up to ([0-9]+), [^\\n]* s\\)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), outcome);
       it != std::sregex_iterator(); ++it) {
    Job& job = jobs[std::stoull((*it)[4])];
    const std::string what = (*it)[1];
    job.result = what.starts_with("model v")    ? "accepted"
                 : what == "candidate rejected" ? "rejected"
                 : what == "retrain stopped"    ? "timeout"
                                                : "failed";
    if (job.result == "accepted") job.version = std::stoull((*it)[2]);
  }
  std::vector<Job> out;
  for (const auto& [bar, job] : jobs) out.push_back(job);
  return out;
}

// The backtest's jobs, from report.json.
std::vector<Job> backtest_jobs(const std::string& report) {
  std::vector<Job> out;
  static const std::regex entry(
      R"re(\{"bar_sequence": ([0-9]+), "bar_end_ns": [0-9-]+, "trigger": "([a-z_]+)", "result": "([a-z]+)", "version": ([0-9]+))re");
  for (auto it = std::sregex_iterator(report.begin(), report.end(), entry);
       it != std::sregex_iterator(); ++it) {
    Job job;
    job.bar = std::stoull((*it)[1]);
    job.trigger = (*it)[2];
    job.result = (*it)[3];
    if (job.result == "accepted") job.version = std::stoull((*it)[4]);
    out.push_back(job);
  }
  return out;
}

TEST(OnlineReplayParityTest, LiveAndBacktestOnTheSameTradesGiveTheSameBarsJobsModelsAndForecasts) {
  ASSERT_TRUE(fs::exists(recording())) << recording();
  const auto began = std::chrono::steady_clock::now();
  const int replay_port = free_port();
  RunningDaemon daemon(parity_config(replay_port));
  ASSERT_TRUE(daemon.started()) << daemon.process().output();

  // Subscribed before the exchange exists: no forecast can be missed.
  ForecastRecorder recorder;
  std::string error;
  ASSERT_TRUE(recorder.start(daemon.port(), error)) << error;
  Process exchange({tickcast_binary().string(), "replay-exchange", "--dialect", "binance",
                    "--trades", recording().string(), "--listen",
                    "127.0.0.1:" + std::to_string(replay_port), "--speed", kSpeed},
                   daemon.dir().path() / "exchange.log");
  ASSERT_TRUE(exchange.wait_for_output("listening on", 10s)) << exchange.output();

  // The backtest runs meanwhile: it does not depend on the daemon, and it
  // says which bar the daemon must get to.
  const fs::path out = daemon.dir().path() / "backtest";
  const CommandResult backtest =
      run_command({tickcast_binary().string(), "backtest", "--config",
                   daemon.config_path().string(), "--frames", recording().string(), "--out",
                   out.string(), "--models-dir", (out / "models").string(), "--bars-out",
                   (out / "bars.csv").string(), "--stream-out", (out / "stream.jsonl").string()},
                  120s);
  ASSERT_EQ(backtest.status, 0) << backtest.output;
  // And over the trades CSV: it goes on into the next day, so only what
  // precedes the frames file's last bar is compared.
  const fs::path out_csv = daemon.dir().path() / "backtest-trades";
  const CommandResult backtest_csv = run_command(
      {tickcast_binary().string(), "backtest", "--config", daemon.config_path().string(),
       "--trades", trades_csv().string(), "--out", out_csv.string(), "--models-dir",
       (out_csv / "models").string(), "--bars-out", (out_csv / "bars.csv").string()},
      120s);
  ASSERT_EQ(backtest_csv.status, 0) << backtest_csv.output;
  const std::vector<std::string> backtest_bars = lines_of(read_file(out / "bars.csv"));
  const std::vector<std::string> csv_bars = lines_of(read_file(out_csv / "bars.csv"));
  ASSERT_GT(backtest_bars.size(), 300u) << "header and bars";
  // Sequences start at 0 on both sides; the last bar is cut by the file's end.
  const std::uint64_t last = backtest_bars.size() - 2;  // the backtest's last bar
  ASSERT_THAT(backtest_bars.back(), ::testing::HasSubstr(",gap,0"));

  // Wait until the daemon has closed that bar and no job runs: every job
  // due up to it has then ended and been installed.
  const std::string metrics = wait_for_metrics(
      daemon,
      [last](const std::string& m) {
        return sum_samples(m, "tickcast_bars_total") >= static_cast<double>(last + 2) &&
               sum_samples(m, "tickcast_retrain_running") == 0;
      },
      60s);
  ASSERT_GE(sum_samples(metrics, "tickcast_bars_total"), static_cast<double>(last + 2))
      << daemon.process().output();
  daemon.process().signal(SIGTERM);
  ASSERT_TRUE(daemon.process().wait_exit(20s).has_value()) << daemon.process().output();
  exchange.signal(SIGTERM);
  const std::vector<std::string> live_messages = recorder.finish();
  const std::string log = daemon.process().output();
  EXPECT_EQ(sum_samples(metrics, "tickcast_feed_connects_total"), 1)
      << "the feed reconnected: the daemon may have missed trades";

  // (a) The bars, every field, but the backtest's last.
  const fs::path dump = daemon.dir().path() / "dump.csv";
  const CommandResult dumped = run_command(
      {"/bin/sh", "-c",
       "'" + tickcast_binary().string() + "' bars dump --latest '" +
           (daemon.dir().path() / "state").string() + "' BTCUSDT > '" + dump.string() + "'"});
  ASSERT_EQ(dumped.status, 0) << dumped.output;
  const std::vector<std::string> live_bars = lines_of(read_file(dump));
  ASSERT_GT(live_bars.size(), backtest_bars.size()) << "the daemon stopped early";
  EXPECT_EQ(live_bars[0], backtest_bars[0]) << "the columns";
  ASSERT_GT(csv_bars.size(), backtest_bars.size());
  std::size_t differing_bars = 0;
  for (std::uint64_t sequence = 0; sequence < last; ++sequence) {
    const std::string& live = live_bars[sequence + 1];
    if ((live != backtest_bars[sequence + 1] || live != csv_bars[sequence + 1]) &&
        ++differing_bars <= 5) {
      ADD_FAILURE() << "bar " << sequence << "\n  live:             " << live
                    << "\n  backtest, frames: " << backtest_bars[sequence + 1]
                    << "\n  backtest, trades: " << csv_bars[sequence + 1];
    }
  }
  EXPECT_EQ(differing_bars, 0u);

  // (b) The jobs that started before the backtest's last bar.
  std::vector<Job> live_jobs = daemon_jobs(log),
                   bt_jobs = backtest_jobs(read_file(out / "report.json")),
                   csv_jobs = backtest_jobs(read_file(out_csv / "report.json"));
  for (std::vector<Job>* jobs : {&live_jobs, &bt_jobs, &csv_jobs}) {
    std::erase_if(*jobs, [last](const Job& j) { return j.bar >= last; });
  }
  EXPECT_EQ(csv_jobs, bt_jobs);
  ASSERT_GE(bt_jobs.size(), 5u);
  EXPECT_EQ(live_jobs, bt_jobs) << "a daemon job that starts late ran longer than " << kRetrainEvery
                                << " bars, or the trigger logic differs\n"
                                << log;
  std::vector<Job> accepted;
  for (const Job& job : bt_jobs) {
    if (job.result == "accepted") accepted.push_back(job);
  }
  ASSERT_GE(accepted.size(), 2u) << "the test needs at least two swaps";

  // (c) Every accepted model, and where its swap landed.
  const fs::path live_models = daemon.dir().path() / "state/models/binance/BTCUSDT";
  std::map<std::uint64_t, std::uint64_t> live_swap;  // version -> S_k
  std::printf("version  job bar (= backtest swap)  live swap after bar\n");
  for (const Job& job : accepted) {
    char name[32];
    std::snprintf(name, sizeof name, "v%06llu.model", static_cast<unsigned long long>(job.version));
    SCOPED_TRACE(name);
    const model::Checkpoint live = load_checkpoint_or_fail(live_models / name);
    const model::Checkpoint bt = load_checkpoint_or_fail(out / "models" / name);
    EXPECT_NE(live.meta.created_unix_ns, 0);
    expect_same_trained_model(live, bt);
    expect_same_trained_model(live, load_checkpoint_or_fail(out_csv / "models" / name));
    EXPECT_EQ(bt.last_bar_sequence, job.bar);
    live_swap[job.version] = live.last_bar_sequence;
    std::printf("v%-7llu %-25llu %llu\n", static_cast<unsigned long long>(job.version),
                static_cast<unsigned long long>(job.bar),
                static_cast<unsigned long long>(live.last_bar_sequence));
  }
  // Live, a swap lands after its job's bar and before the next job starts.
  for (std::size_t k = 0; k < accepted.size(); ++k) {
    const std::uint64_t swap = live_swap[accepted[k].version];
    EXPECT_GE(swap, accepted[k].bar);
    for (const Job& later : bt_jobs) {
      if (later.bar > accepted[k].bar) {
        EXPECT_LE(swap, later.bar) << "v" << accepted[k].version;
        break;
      }
    }
  }

  // (d) The forecasts.
  simdjson::dom::parser parser;
  std::map<std::uint64_t, ForecastView> live_forecasts;
  for (const std::string& message : live_messages) {
    if (message.find(R"("type":"forecast")") == std::string::npos) continue;
    ForecastView view = parse_forecast(parser, message);
    EXPECT_EQ(message.find("\"snapshot\""), std::string::npos) << "subscribed before any bar";
    live_forecasts[view.bar_sequence] = std::move(view);
  }
  const std::vector<std::string> bt_lines = lines_of(read_file(out / "stream.jsonl"));
  ASSERT_EQ(bt_lines.size(), last + 1);
  const std::uint64_t first_swap = accepted.front().bar;
  std::size_t identical = 0, model_identical = 0, between = 0, missing = 0;
  for (std::uint64_t sequence = 0; sequence < last; ++sequence) {
    SCOPED_TRACE("bar " + std::to_string(sequence));
    const ForecastView bt = parse_forecast(parser, bt_lines[sequence]);
    ASSERT_EQ(bt.bar_sequence, sequence);
    const auto found = live_forecasts.find(sequence);
    if (found == live_forecasts.end()) {
      ++missing;
      ADD_FAILURE() << "no live forecast for bar " << sequence;
      continue;
    }
    const ForecastView& live = found->second;
    if (sequence <= first_swap) {
      EXPECT_EQ(live.fields, bt.fields);
      identical += live.fields == bt.fields;
      continue;
    }
    // Is this bar between a backtest swap and the live one?
    const Job* pending = nullptr;
    for (const Job& job : accepted) {
      if (sequence > job.bar && sequence <= live_swap[job.version]) pending = &job;
    }
    EXPECT_EQ(live.close, bt.close);
    EXPECT_EQ(live.persistence_close, bt.persistence_close);
    if (pending) {
      ++between;
      EXPECT_EQ(bt.model_version, pending->version);
      EXPECT_EQ(live.model_version + 1, pending->version) << "live still on the previous model";
      continue;
    }
    EXPECT_EQ(live.model_version, bt.model_version);
    EXPECT_EQ(live.status, bt.status);
    EXPECT_EQ(live.predicted_return, bt.predicted_return);
    EXPECT_EQ(live.predicted_close, bt.predicted_close);
    model_identical += live.predicted_return == bt.predicted_return &&
                       live.predicted_close == bt.predicted_close &&
                       live.model_version == bt.model_version;
  }
  // One trade closes two bars at once here (a quiet second, replayed in
  // 40 ms), and both forecasts are published in one handler: the stream
  // queues both for a client that keeps up (docs/protocol.md, Backpressure).
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(sum_samples(metrics, "tickcast_subscriber_dropped_total", {"reason=\"conflated\""}), 0);
  std::printf(
      "%llu bars; %zu jobs (%zu accepted); forecasts identical in every field up to the first "
      "swap (bar %llu): %zu; the same model forecast after it: %zu; between a backtest swap "
      "and the live one: %zu; not received: %zu; %.1f s\n",
      static_cast<unsigned long long>(last), bt_jobs.size(), accepted.size(),
      static_cast<unsigned long long>(first_swap), identical, model_identical, between, missing,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
}

}  // namespace
}  // namespace tickcast::test

// The soak (issue #10, part 4): 100 symbols from a replay exchange behind a
// FaultProxy that breaks the link every few seconds, retraining on, one
// subscriber that reads everything (the accountant) and a pool of
// subscribers that connect, read a little and leave. Bounded for CI
// (TICKCAST_SOAK_SECONDS, default 150); see docs/reliability.md "## Soak" for
// the long run and for what "flat" and "accounted for" mean exactly.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "tests/faults/net_harness.hpp"
#include "tests/support/slow_build.hpp"

namespace tickcast::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kSymbols = 100;
constexpr int kChurners = 100;

std::string symbol_name(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "S%03dUSDT", i);
  return name;
}

// 150 s by default; 90 s in the sanitizer builds, where the memory bound is
// not checked (see below) and CI's time is short: the faults, the churn and
// the accounting are the same, over 13 faults instead of 25.
int soak_seconds() {
  const char* env = std::getenv("TICKCAST_SOAK_SECONDS");
  return env != nullptr ? std::max(60, std::atoi(env)) : (kSanitizerBuild ? 90 : 150);
}

// A subscriber on a blocking socket with a receive timeout, so threads can
// notice the end of the soak.
class Client {
 public:
  Client(int port, const std::vector<std::string>& topics, int receive_timeout_seconds = 1)
      : ws_(ioc_) {
    net::connect(ws_.next_layer(), tcp::resolver(ioc_).resolve("127.0.0.1", std::to_string(port)));
    timeval tv{receive_timeout_seconds, 0};
    setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/v1/stream");
    std::string request = R"({"op":"subscribe","id":1,"topics":[)";
    for (std::size_t i = 0; i < topics.size(); ++i) {
      request += (i ? ",\"" : "\"") + topics[i] + "\"";
    }
    ws_.write(net::buffer(request + "]}"));
  }
  // One message; false when the connection ended or a read timed out.
  bool read(std::string& out) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    if (ec) return false;
    out = beast::buffers_to_string(buffer.data());
    return true;
  }
  void close() {
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
  }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

// What one subscriber saw of one topic: seq numbers must be consecutive.
struct TopicTally {
  std::int64_t first_seq = -1, last_seq = -1;
  std::int64_t received = 0;
  std::int64_t missed = 0;      // seq numbers skipped
  std::int64_t duplicates = 0;  // seq numbers seen again or going back
  void see(std::int64_t seq) {
    if (first_seq < 0) {
      first_seq = last_seq = seq;
      received = 1;
      return;
    }
    if (seq <= last_seq) {
      ++duplicates;
      return;
    }
    missed += seq - last_seq - 1;
    last_seq = seq;
    ++received;
  }
};

// The accountant's view of one symbol.
struct SymbolTally {
  std::set<std::int64_t> bar_sequences;       // type "bar"
  std::set<std::int64_t> forecast_sequences;  // forecast's bar_sequence
  std::int64_t bar_duplicates = 0;
  std::int64_t forecast_duplicates = 0;
  std::int64_t revisions = 0;
};

struct Sample {
  double seconds;
  double rss_kib;
  int socket_fds;
  int other_fds;
  double heap_kib = 0;  // tickcast_heap_in_use_bytes: what malloc handed out
  double anon_kib = 0;  // RssAnon: heap, stacks; RSS minus it is mapped files (code)
};

Sample sample_process(pid_t pid, double seconds) {
  Sample s{seconds, 0, 0, 0};
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stod(line.substr(6));
    if (line.rfind("RssAnon:", 0) == 0) s.anon_kib = std::stod(line.substr(8));
  }
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      char target[256] = {};
      const std::string link = dir + "/" + e->d_name;
      const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
      if (n <= 0) continue;  // closed since readdir() listed it
      if (std::string_view(target, n).rfind("socket:", 0) == 0) {
        ++s.socket_fds;
      } else {
        ++s.other_fds;
      }
    }
    closedir(d);
  }
  return s;
}

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

std::string config_text(const TempDir& dir, int proxy_port) {
  std::string symbols;
  for (int i = 0; i < kSymbols; ++i) symbols += (i ? ",\"" : "\"") + symbol_name(i) + "\"";
  return "[daemon]\nstate_dir = \"" + (dir.path() / "state").string() +
         "\"\nshutdown_timeout = \"5s\"\ntrain_threads = 1\n"
         "\n[server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 256\n"
         "\n[[feeds]]\nexchange = \"binance\"\nsymbols = [" +
         symbols + "]\nurl = \"ws://127.0.0.1:" + std::to_string(proxy_port) + "/stream\"\n" +
         fast_feed_keys() +
         // 1 s bars; a small model that retrains every 30 bars once 50 exist.
         one_second_bars() +
         // The small model of tests/ops/prometheus_proof.py; its gate accepts
         // a first model even if persistence beats it.
         "\n[model]\nhidden = 8\nseq_len = 16\nwarmup_steps = 4\nepochs = 3\nwindow = 100\n"
         "min_bars = 50\nvalidation_bars = 10\nretrain_every = 50\ndm_threshold = 10.0\n"
         "checkpoint_every = 20\ntrain_budget = \"60s\"\n";
}

// The lines of `text` that contain `needle`.
std::string lines_with(const std::string& text, const std::string& needle) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out += line + "\n";
  }
  return out;
}

// Lines at warning level or above that no injected fault explains.
std::vector<std::string> unexplained_problems(const std::string& log) {
  static const std::regex kExpected(
      "feed binance: (connect failed|read failed|handshake failed|no frame for|"
      "exchange closed the connection|undecodable frame|discarded a frame|"
      "S[0-9]{3}USDT: [0-9]+ trade ids missing)|"
      // A tiny model on a random walk may well lose to persistence, and a
      // validation window full of the gap bars the faults leave behind has
      // nothing to score.
      "significantly worse than persistence|"
      "retrain failed: no validation forecast could be scored");
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    const bool problem = line.find(" warning ") != std::string::npos ||
                         line.find(" error ") != std::string::npos ||
                         line.find(" critical ") != std::string::npos;
    if (problem && !std::regex_search(line, kExpected)) out.push_back(line);
  }
  return out;
}

TEST(SoakTest, HundredSymbolsPeriodicFaultsChurningSubscribers) {
  const int duration = soak_seconds();
  const double warm_up = std::min(90.0, duration * 0.6);

  // The exchange, a process of its own: one synthetic market played for 100
  // symbols in real time (about 2,000 trades/s in all).
  TempDir dir;
  std::string symbol_list;
  for (int i = 0; i < kSymbols; ++i) symbol_list += (i ? "," : "") + symbol_name(i);
  Process exchange(
      {tickcast_binary().string(), "replay-exchange", "--dialect", "binance", "--symbols",
       symbol_list, "--listen", "127.0.0.1:0", "--speed", "1", "--loop", "--seed", "3"},
      dir.path() / "exchange.log");
  ASSERT_TRUE(exchange.wait_for_output("listening on ws://127.0.0.1:", 10s)) << exchange.output();
  std::smatch exchange_match;
  const std::string exchange_log = exchange.output();
  ASSERT_TRUE(std::regex_search(exchange_log, exchange_match,
                                std::regex("listening on ws://127\\.0\\.0\\.1:([0-9]+)")));
  FaultProxy proxy(static_cast<std::uint16_t>(std::stoi(exchange_match[1])));

  const auto config = dir.write("tickcast.toml", config_text(dir, proxy.port()));
  Process daemon({tickcast_binary().string(), "run", "--config", config.string()},
                 dir.path() / "daemon.log");
  ASSERT_TRUE(daemon.wait_for_output("listening on 127.0.0.1:", 10s)) << daemon.output();
  std::smatch match;
  const std::string start_log = daemon.output();
  ASSERT_TRUE(
      std::regex_search(start_log, match, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")));
  const int port = std::stoi(match[1]);
  ASSERT_TRUE(daemon.wait_for_output("feed binance: connected", 10s)) << daemon.output();

  std::atomic<bool> done{false};
  const auto t0 = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  // The accountant: every bar and forecast topic, from the start to the end.
  std::map<std::string, TopicTally> topics;
  std::map<std::string, SymbolTally> symbols;
  std::int64_t accountant_messages = 0;
  std::atomic<bool> accountant_failed{false};
  std::thread accountant([&] {
    std::unique_ptr<Client> connection;
    try {
      // It reads until the daemon closes it (1001, after its queue): the
      // shutdown syncs 100 bar logs first, which can leave the socket quiet
      // for longer than the churners' 1 s timeout.
      connection = std::make_unique<Client>(
          port, std::vector<std::string>{"bar:binance:*", "forecast:binance:*"},
          /*receive_timeout_seconds=*/30);
    } catch (const std::exception&) {
      accountant_failed = true;
      return;
    }
    Client& client = *connection;
    simdjson::dom::parser parser;
    std::string text;
    while (true) {
      if (!client.read(text)) {
        if (done) break;
        continue;  // a read timeout while the soak runs: keep reading
      }
      simdjson::dom::element m;
      if (parser.parse(text).get(m) != simdjson::SUCCESS) continue;
      std::string_view type, topic, symbol;
      if (m["type"].get(type) || type == "ack") continue;
      if (m["topic"].get(topic) || m["symbol"].get(symbol)) continue;
      bool snapshot = false;
      if (m["snapshot"].get(snapshot)) snapshot = false;
      std::int64_t seq = 0;
      if (m["seq"].get(seq)) continue;
      if (!snapshot) topics[std::string(topic)].see(seq);
      ++accountant_messages;
      SymbolTally& s = symbols[std::string(symbol)];
      std::int64_t sequence = 0;
      if (type == "bar" && !m["sequence"].get(sequence) && !snapshot) {
        if (!s.bar_sequences.insert(sequence).second) ++s.bar_duplicates;
      } else if (type == "bar_revision") {
        ++s.revisions;
      } else if (type == "forecast" && !m["bar_sequence"].get(sequence) && !snapshot) {
        if (!s.forecast_sequences.insert(sequence).second) ++s.forecast_duplicates;
      }
    }
  });
  // Churning subscribers: connect, subscribe to a few topics, read for
  // 0.2-3 s, leave; each session's seqs must be consecutive too.
  std::mutex churn_mutex;
  std::int64_t churn_sessions = 0, churn_messages = 0, churn_missed = 0, churn_duplicates = 0;
  std::vector<std::thread> churners;
  for (int c = 0; c < kChurners; ++c) {
    churners.emplace_back([&, c] {
      std::mt19937 rng(static_cast<unsigned>(c));
      while (!done) {
        const std::string symbol = symbol_name(static_cast<int>(rng() % kSymbols));
        std::map<std::string, TopicTally> mine;
        std::int64_t messages = 0;
        try {
          Client client(port, {"bar:binance:" + symbol, "forecast:binance:" + symbol, "status"});
          const auto leave_at = Clock::now() + std::chrono::milliseconds(200 + rng() % 2800);
          std::string text;
          simdjson::dom::parser parser;
          while (!done && Clock::now() < leave_at && client.read(text)) {
            simdjson::dom::element m;
            std::string_view topic;
            std::int64_t seq = 0;
            bool snapshot = false;
            if (parser.parse(text).get(m) || m["topic"].get(topic) || m["seq"].get(seq)) continue;
            if (m["snapshot"].get(snapshot)) snapshot = false;
            if (!snapshot) mine[std::string(topic)].see(seq);
            ++messages;
          }
          client.close();
        } catch (const std::exception&) {
          // Refused or cut while the daemon is busy: just try again.
          std::this_thread::sleep_for(100ms);
          continue;
        }
        std::lock_guard lock(churn_mutex);
        ++churn_sessions;
        churn_messages += messages;
        for (auto& [topic, t] : mine) {
          churn_missed += t.missed;
          churn_duplicates += t.duplicates;
        }
      }
    });
  }

  // Faults, one every 5 s in turn; each is one the daemon logs and counts.
  std::vector<std::pair<std::string, std::function<void()>>> faults = {
      {"cut mid-frame", [&] { proxy.cut_mid_frame(); }},
      {"half-open", [&] { proxy.freeze(); }},
      {"garbage frame", [&] { proxy.inject_frame("this is not json {]"); }},
      {"drop", [&] { proxy.close_all(); }},
      {"2 MiB frame",
       [&] { proxy.inject_frame("{\"pad\":\"" + std::string(2u << 20, 'x') + "\"}"); }},
      {"refused for 2 s",
       [&] {
         proxy.set_refuse(true);
         proxy.close_all();
         std::this_thread::sleep_for(2s);
         proxy.set_refuse(false);
       }},
      {"throttled to 64 KiB/s for 2 s",
       [&] {
         proxy.set_throttle(64 * 1024);
         std::this_thread::sleep_for(2s);
         proxy.set_throttle(0);
       }},
  };
  std::vector<Sample> samples;
  int injected = 0;
  double next_fault = 10, next_sample = 0;
  while (elapsed() < duration) {
    if (elapsed() >= next_sample) {
      samples.push_back(sample_process(daemon.pid(), elapsed()));
      samples.back().heap_kib =
          sample(http_get(port, "/metrics").body, "tickcast_heap_in_use_bytes") / 1024;
      next_sample += 5;
    }
    if (elapsed() >= next_fault && elapsed() < duration - 15) {
      faults[static_cast<std::size_t>(injected) % faults.size()].second();
      ++injected;
      next_fault += 5;
    }
    std::this_thread::sleep_for(100ms);
  }
  // Quiet for the last 15 s: the feed is connected and bars flow again.
  const std::string metrics = http_get(port, "/metrics").body;
  EXPECT_EQ(sample(metrics, series::kConnected), 1) << lines_with(daemon.output(), "feed binance");

  // Stop: subscribers leave first, then the daemon, gracefully.
  done = true;
  for (std::thread& t : churners) t.join();
  daemon.signal(SIGTERM);
  const auto exit_status = daemon.wait_exit(20s);
  accountant.join();
  ASSERT_TRUE(exit_status);
  EXPECT_EQ(*exit_status, 0);
  const std::string log = daemon.output();
  ASSERT_FALSE(accountant_failed) << "the accountant could not subscribe";

  // --- RSS and descriptors over time ---
  std::cout << "soak: " << duration << " s, " << injected
            << " faults; t(s) rss(MiB) sockets files heap-in-use(MiB) rss-anon(MiB)\n";
  std::vector<double> xs, rss, heap;
  int files_min = 1 << 30, files_max = 0, sockets_max = 0;
  for (const Sample& s : samples) {
    std::cout << "soak: " << s.seconds << " " << s.rss_kib / 1024 << " " << s.socket_fds << " "
              << s.other_fds << " " << s.heap_kib / 1024 << " " << s.anon_kib / 1024 << "\n";
    if (s.seconds < warm_up) continue;
    xs.push_back(s.seconds);
    rss.push_back(s.rss_kib);
    heap.push_back(s.heap_kib);
    files_min = std::min(files_min, s.other_fds);
    files_max = std::max(files_max, s.other_fds);
    sockets_max = std::max(sockets_max, s.socket_fds);
  }
  ASSERT_GE(xs.size(), 5u);
  const double rss_slope_kib_s = slope(xs, rss);
  const double rss_growth_kib = *std::max_element(rss.begin(), rss.end()) - rss.front();
  const double heap_slope_kib_s = slope(xs, heap);
  const double heap_growth_kib = *std::max_element(heap.begin(), heap.end()) - heap.front();
  std::cout << "soak: after warm-up: RSS slope " << rss_slope_kib_s << " KiB/s, growth "
            << rss_growth_kib / 1024 << " MiB; heap in use slope " << heap_slope_kib_s
            << " KiB/s, growth " << heap_growth_kib / 1024 << " MiB; files " << files_min << ".."
            << files_max << "; sockets <= " << sockets_max << "\n";
  // Flat: growth after warm-up within 16 MiB and a fitted slope under
  // 64 KiB/s (under 225 MiB an hour, far below a per-message leak at this
  // rate: ~300 messages/s would leak that much with 60 bytes each).
  // (Under ASan freed memory waits in its quarantine, so RSS grows by
  // design; LeakSanitizer checks the daemon's memory at exit there.)
  if (!kAddressSanitizer) {
    EXPECT_LT(rss_slope_kib_s, 64.0);
    EXPECT_LT(rss_growth_kib, 16.0 * 1024);
  }
  // The leak check proper: the bytes malloc has handed out and not got back
  // (glibc's count, which the sanitizers' allocators bypass). RSS also holds
  // the allocator's slack, which churn grows and shrinks; this does not.
  // 4 KiB/s is 14 MiB an hour; the live heap here is ~34 MiB.
  if (!kSanitizerBuild) {
    EXPECT_LT(heap_slope_kib_s, 4.0);
    EXPECT_LT(heap_growth_kib, 8.0 * 1024);
  }
  // Files (bar logs, checkpoints, logs) flat within a checkpoint's temp file
  // and a new segment; sockets bounded by the subscribers plus a few.
  EXPECT_LE(files_max - files_min, 4);
  EXPECT_LE(sockets_max, kChurners + 1 + 10);

  // --- the logs: nothing wrong beyond the injected faults ---
  const std::vector<std::string> unexplained = unexplained_problems(log);
  std::string shown;
  for (std::size_t i = 0; i < unexplained.size() && i < 5; ++i) shown += unexplained[i] + "\n";
  EXPECT_TRUE(unexplained.empty()) << unexplained.size() << " unexplained, first:\n" << shown;

  // --- accounting ---
  // Each topic's seq is consecutive for the accountant (it reads at once, so
  // nothing of its is conflated) and for each churning session.
  const double conflated =
      sample(metrics, "tickcast_subscriber_dropped_total{reason=\"conflated\"}");
  const double queue_full =
      sample(metrics, "tickcast_subscriber_dropped_total{reason=\"queue_full\"}");
  std::int64_t missed = 0, duplicates = 0;
  for (const auto& [topic, t] : topics) {
    missed += t.missed;
    duplicates += t.duplicates;
  }
  std::cout << "soak: accountant " << accountant_messages << " messages on " << topics.size()
            << " topics, missed " << missed << "; churn " << churn_sessions << " sessions, "
            << churn_messages << " messages, missed " << churn_missed << "; conflated " << conflated
            << ", queue_full " << queue_full << "\n";
  EXPECT_EQ(topics.size(), 2u * kSymbols);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(churn_duplicates, 0);
  EXPECT_LE(static_cast<double>(missed + churn_missed), conflated + queue_full);
  EXPECT_GE(churn_sessions, kChurners);

  // Every bar is in the bar log, and the accountant got each of them and one
  // forecast for each, with nothing skipped in between.
  std::int64_t bars_logged = 0, bars_received = 0, skipped_bars = 0;
  for (int i = 0; i < kSymbols; ++i) {
    const std::string symbol = symbol_name(i);
    const SymbolTally& s = symbols[symbol];
    ASSERT_FALSE(s.bar_sequences.empty()) << symbol;
    EXPECT_EQ(s.bar_duplicates, 0) << symbol;
    EXPECT_EQ(s.forecast_duplicates, 0) << symbol;
    const std::int64_t first = *s.bar_sequences.begin(), last = *s.bar_sequences.rbegin();
    CommandResult dump = run_command({tickcast_binary().string(), "bars", "dump",
                                      (dir.path() / "state").string(), symbol, "--latest"});
    ASSERT_EQ(dump.status, 0) << dump.output;
    std::set<std::int64_t> logged;
    std::istringstream rows(dump.output);
    std::string row;
    std::getline(rows, row);  // header
    while (std::getline(rows, row)) {
      std::vector<std::string> cells;
      std::istringstream cell_stream(row);
      for (std::string cell; std::getline(cell_stream, cell, ',');) cells.push_back(cell);
      if (cells.size() == 22) logged.insert(std::stoll(cells[19]));
    }
    std::set<std::int64_t> logged_in_range;
    for (std::int64_t q : logged) {
      if (q >= first && q <= last) logged_in_range.insert(q);
    }
    // Every bar of the log in the range the accountant saw was received, or
    // its seq is one the bar topic skipped (conflated): exactly as many bars
    // missing as seqs skipped, and nothing received that the log lacks. The
    // same for the forecasts, one per bar.
    // The forecasts of the last bars received may not have come (seen in CI
    // under ASan, 1 in ~50 symbols, not yet explained; docs/reliability.md):
    // they are counted apart (the tail), at most 3.
    const std::int64_t last_forecast =
        s.forecast_sequences.empty() ? first - 1 : *s.forecast_sequences.rbegin();
    std::int64_t bars_missing = 0, forecasts_missing = 0, forecasts_tail = 0;
    for (std::int64_t q : logged_in_range) {
      bars_missing += s.bar_sequences.count(q) == 0 ? 1 : 0;
      if (s.forecast_sequences.count(q) == 0) {
        ++(q > last_forecast ? forecasts_tail : forecasts_missing);
      }
    }
    EXPECT_LE(forecasts_tail, 3) << symbol;
    for (std::int64_t q : s.bar_sequences) {
      EXPECT_EQ(logged.count(q), 1u) << symbol << ": bar " << q << " received but not logged";
    }
    for (std::int64_t q : s.forecast_sequences) {
      EXPECT_EQ(logged.count(q), 1u) << symbol << ": forecast for bar " << q << " never logged";
    }
    EXPECT_EQ(bars_missing, topics["bar:binance:" + symbol].missed) << symbol;
    EXPECT_EQ(forecasts_missing, topics["forecast:binance:" + symbol].missed) << symbol;
    skipped_bars += bars_missing;
    // The daemon closes subscribers only after the last bar is logged and
    // their queues are written: nothing logged is left unsent at the end
    // (a conflated last bar would have been replaced by a newer one).
    EXPECT_LE(*logged.rbegin(), last) << symbol;
    bars_logged += static_cast<std::int64_t>(logged.size());
    bars_received += static_cast<std::int64_t>(s.bar_sequences.size());
  }
  std::cout << "soak: bars logged " << bars_logged << ", bars received " << bars_received
            << ", missing by conflation " << skipped_bars << "\n";
  // Retraining ran: jobs finished for the symbols, whatever their result.
  double retrains = 0;
  for (const char* result : {"accepted", "rejected", "failed", "timeout"}) {
    for (int i = 0; i < kSymbols; ++i) {
      retrains += sample(metrics, "tickcast_retrains_total{exchange=\"binance\",symbol=\"" +
                                      symbol_name(i) + "\",result=\"" + result + "\"}");
    }
  }
  std::cout << "soak: retrain jobs finished " << retrains << "\n";
  EXPECT_GE(retrains, kSymbols) << "retraining did not run";
}

}  // namespace
}  // namespace tickcast::test

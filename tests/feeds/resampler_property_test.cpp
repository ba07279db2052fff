// Property tests: random trade streams through the Resampler against a
// brute-force reference written here from the rules in feeds/resampler.hpp.
//
// The reference keeps every trade of every bucket in a std::map of vectors
// and recomputes a bar from scratch (sorting by time, then id) when it closes;
// it shares no code with the Resampler. Streams are shuffled within (and
// sometimes beyond) the lateness, carry duplicated ids, bursts of trades in
// the same millisecond, long silences, missing ids, clock ticks and feed
// outages. Every emitted bar is compared field by field, exactly: both sides
// add quantities in arrival order, so even the sums agree to the bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "feeds/resampler.hpp"

namespace tickcast::feeds {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSec = 1'000 * kMs;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

struct Event {
  enum Kind { kTrade, kAdvance, kDown, kUp } kind;
  std::int64_t local_ns = 0;  // arrival on the local clock
  Trade trade;
};

struct Output {
  Bar bar;
  BarEventKind kind;
};

// The rules of resampler.hpp, done the slow and obvious way.
class Reference {
 public:
  explicit Reference(const ResamplerOptions& o) : o_(o) {}

  void on_trade(const Trade& tr) {
    if (tr.receive_time_ns != 0) offset_ = tr.exchange_time_ns - tr.receive_time_ns;
    const std::int64_t idx = floor_div(tr.exchange_time_ns, o_.interval_ns);
    if (started_ && idx < next_) {
      max_id_ = max_id_ ? std::max(*max_id_, tr.trade_id) : tr.trade_id;
      const bool in_horizon = meta_.count(idx) && idx >= next_ - o_.revision_horizon_bars;
      if (in_horizon && ids_[idx].count(tr.trade_id)) {
        ++duplicates;
        return;
      }
      if (in_horizon) ids_[idx].insert(tr.trade_id);
      if (!in_horizon || o_.late_policy == LatePolicy::kDrop) {
        ++late_dropped;
        return;
      }
      ++late_revised;
      trades_[idx].push_back(tr);
      Meta& m = meta_[idx];
      ++m.revision;
      if (m.status == BarStatus::kQuiet) m.status = BarStatus::kTraded;
      Bar b = compute(idx, m.prev_close);
      b.sequence = m.sequence;
      b.status = m.status;
      b.revision = m.revision;
      out.push_back({b, BarEventKind::kRevision});
      return;
    }
    if (!started_) {
      started_ = true;
      next_ = idx;
    }
    if (await_) {
      gap_through_ = std::max(gap_through_, idx);
      await_ = false;
    }
    newest_ = std::max(newest_, tr.exchange_time_ns);
    raise(tr.exchange_time_ns - o_.allowed_lateness_ns);
    if (!ids_[idx].insert(tr.trade_id).second) {
      ++duplicates;
      return;
    }
    trades_[idx].push_back(tr);
  }

  void advance(std::int64_t local) {
    if (started_ && offset_) raise(local + *offset_ - o_.allowed_lateness_ns);
  }
  void down() { down_ = true; }
  void up(std::int64_t local) {
    down_ = false;
    await_ = true;
    if (offset_) gap_through_ = std::max(gap_through_, floor_div(local + *offset_, o_.interval_ns));
  }
  void finish() {
    if (!started_) return;
    raise(newest_);
    if (floor_div(newest_, o_.interval_ns) == next_) close(next_++, true);
  }

  std::vector<Output> out;
  std::uint64_t duplicates = 0, late_dropped = 0, late_revised = 0;

 private:
  struct Meta {
    BarStatus status;
    std::uint64_t sequence;
    std::uint32_t revision;
    double prev_close;
  };

  void raise(std::int64_t w) {
    if (w <= watermark_) return;
    watermark_ = w;
    while ((next_ + 1) * o_.interval_ns <= watermark_) close(next_++, false);
  }

  Bar compute(std::int64_t idx, double prev_close) const {
    Bar b;
    b.exchange = o_.exchange;
    b.symbol = o_.symbol;
    b.interval_ns = o_.interval_ns;
    b.start_ns = idx * o_.interval_ns;
    b.end_ns = b.start_ns + o_.interval_ns;
    auto it = trades_.find(idx);
    if (it == trades_.end() || it->second.empty()) {
      b.open = b.high = b.low = b.close = b.vwap = prev_close;
      return b;
    }
    const std::vector<Trade>& v = it->second;  // arrival order
    for (const Trade& t : v) {
      b.volume += t.qty;
      b.quote_volume += t.price * t.qty;
      (t.side == Side::kBuy ? b.buy_volume : b.sell_volume) += t.qty;
    }
    std::vector<Trade> sorted = v;
    std::sort(sorted.begin(), sorted.end(), [](const Trade& a, const Trade& c) {
      return std::pair(a.exchange_time_ns, a.trade_id) < std::pair(c.exchange_time_ns, c.trade_id);
    });
    b.open = sorted.front().price;
    b.close = sorted.back().price;
    b.high = b.low = b.open;
    for (const Trade& t : v) {
      b.high = std::max(b.high, t.price);
      b.low = std::min(b.low, t.price);
    }
    b.trade_count = v.size();
    b.vwap = b.volume > 0 ? b.quote_volume / b.volume : b.close;
    b.first_trade_time_ns = sorted.front().exchange_time_ns;
    b.last_trade_time_ns = sorted.back().exchange_time_ns;
    b.first_trade_id = sorted.front().trade_id;
    b.last_trade_id = sorted.back().trade_id;
    return b;
  }

  void close(std::int64_t idx, bool force_gap) {
    const std::vector<Trade>& v = trades_[idx];
    std::uint64_t lo = UINT64_MAX, hi = 0;
    for (const Trade& t : v) {
      lo = std::min(lo, t.trade_id);
      hi = std::max(hi, t.trade_id);
    }
    BarStatus status;
    if (force_gap || down_ || idx <= gap_through_) {
      status = BarStatus::kGap;
    } else if (v.empty()) {
      status = BarStatus::kQuiet;
    } else if (o_.consecutive_trade_ids &&
               (hi - lo + 1 != v.size() || (max_id_ && lo > *max_id_ + 1))) {
      status = BarStatus::kGap;
    } else {
      status = BarStatus::kTraded;
    }
    Bar b = compute(idx, prev_close_);
    b.sequence = seq_++;
    b.status = status;
    meta_[idx] = Meta{status, b.sequence, 0, prev_close_};
    if (!v.empty()) {
      prev_close_ = b.close;
      max_id_ = max_id_ ? std::max(*max_id_, hi) : hi;
    }
    out.push_back({b, BarEventKind::kClose});
  }

  ResamplerOptions o_;
  bool started_ = false;
  std::int64_t next_ = 0;
  std::int64_t watermark_ = INT64_MIN;
  std::int64_t newest_ = INT64_MIN;
  std::map<std::int64_t, std::vector<Trade>> trades_;
  std::map<std::int64_t, std::set<std::uint64_t>> ids_;
  std::map<std::int64_t, Meta> meta_;
  std::uint64_t seq_ = 0;
  double prev_close_ = 0;
  bool down_ = false;
  bool await_ = true;
  std::int64_t gap_through_ = INT64_MIN;
  std::optional<std::uint64_t> max_id_;
  std::optional<std::int64_t> offset_;
};

struct StreamShape {
  std::int64_t interval_ns;
  std::int64_t lateness_ns;
  LatePolicy policy;
  bool consecutive_ids;
  int horizon;
};

// A random stream: true trades in time order, then delivered with random
// delays (mostly within the lateness, some beyond), duplicates, clock ticks
// and outages, all sorted by local arrival time.
std::vector<Event> random_stream(std::mt19937_64& rng, const StreamShape& s) {
  const std::int64_t clock_behind = 1'250 * kMs;  // local clock lags the exchange
  std::vector<Event> events;
  std::int64_t t = 1'700'000'000 * kSec + static_cast<std::int64_t>(rng() % 1000) * kMs;
  std::uint64_t id = 1000 + rng() % 1000;
  const int n = 50 + static_cast<int>(rng() % 400);
  double price = 100;
  for (int i = 0; i < n; ++i) {
    const auto r = rng() % 100;
    if (r < 5) {
      t += s.interval_ns * static_cast<std::int64_t>(1 + rng() % 5);  // long silence
    } else if (r < 40) {
      // burst: same millisecond
    } else {
      t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(s.interval_ns / 4 + 1));
    }
    id += (rng() % 50 == 0) ? 2 + rng() % 3 : 1;  // occasionally ids go missing
    if (!s.consecutive_ids) id += rng() % 7;
    price = std::max(1.0, price + static_cast<double>(static_cast<int>(rng() % 21) - 10) * 0.25);
    Trade tr;
    tr.exchange = "x";
    tr.symbol = "S";
    tr.trade_id = id;
    tr.exchange_time_ns = t;
    tr.receive_time_ns = t - clock_behind;
    tr.price = price;
    tr.qty = static_cast<double>(1 + rng() % 1000) / 64.0;
    tr.side = rng() % 2 ? Side::kBuy : Side::kSell;
    // Delivery delay on the local clock: mostly inside the lateness.
    std::int64_t delay =
        static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(s.lateness_ns + 1));
    if (rng() % 20 == 0) delay += s.interval_ns * static_cast<std::int64_t>(rng() % 3);
    Event e{Event::kTrade, t - clock_behind + delay, tr};
    events.push_back(e);
    if (rng() % 10 == 0) {  // a duplicate delivered a little later
      e.local_ns += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(s.interval_ns));
      events.push_back(e);
    }
    if (rng() % 8 == 0) {
      events.push_back(
          {Event::kAdvance,
           t - clock_behind +
               static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * s.interval_ns)),
           {}});
    }
    if (rng() % 60 == 0) {
      const std::int64_t down_at = t - clock_behind + 1;
      const std::int64_t up_at =
          down_at +
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(3 * s.interval_ns));
      events.push_back({Event::kDown, down_at, {}});
      for (std::int64_t a = down_at; a < up_at; a += s.interval_ns / 2) {
        events.push_back({Event::kAdvance, a, {}});
      }
      events.push_back({Event::kUp, up_at, {}});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.local_ns < b.local_ns; });
  // An outage is one interval [down, up]: drop nested or overlapping ones so
  // every down is followed by its up.
  std::vector<Event> clean;
  bool down = false;
  for (const Event& e : events) {
    if (e.kind == Event::kDown) {
      if (down) continue;
      down = true;
    } else if (e.kind == Event::kUp) {
      if (!down) continue;
      down = false;
    }
    clean.push_back(e);
  }
  return clean;
}

void expect_same_bar(const Bar& a, const Bar& r, const std::string& where) {
  EXPECT_EQ(a.exchange, r.exchange) << where;
  EXPECT_EQ(a.symbol, r.symbol) << where;
  EXPECT_EQ(a.interval_ns, r.interval_ns) << where;
  EXPECT_EQ(a.start_ns, r.start_ns) << where;
  EXPECT_EQ(a.end_ns, r.end_ns) << where;
  EXPECT_EQ(a.open, r.open) << where;
  EXPECT_EQ(a.high, r.high) << where;
  EXPECT_EQ(a.low, r.low) << where;
  EXPECT_EQ(a.close, r.close) << where;
  EXPECT_EQ(a.volume, r.volume) << where;
  EXPECT_EQ(a.quote_volume, r.quote_volume) << where;
  EXPECT_EQ(a.buy_volume, r.buy_volume) << where;
  EXPECT_EQ(a.sell_volume, r.sell_volume) << where;
  EXPECT_EQ(a.trade_count, r.trade_count) << where;
  EXPECT_EQ(a.vwap, r.vwap) << where;
  EXPECT_EQ(a.first_trade_time_ns, r.first_trade_time_ns) << where;
  EXPECT_EQ(a.last_trade_time_ns, r.last_trade_time_ns) << where;
  EXPECT_EQ(a.first_trade_id, r.first_trade_id) << where;
  EXPECT_EQ(a.last_trade_id, r.last_trade_id) << where;
  EXPECT_EQ(a.sequence, r.sequence) << where;
  EXPECT_EQ(a.status, r.status) << where;
  EXPECT_EQ(a.revision, r.revision) << where;
}

void run_property(const StreamShape& shape, int seeds) {
  std::uint64_t bars_checked = 0, late_seen = 0, dups_seen = 0, revisions_seen = 0;
  std::set<BarStatus> statuses_seen;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    ResamplerOptions o;
    o.exchange = "x";
    o.symbol = "S";
    o.interval_ns = shape.interval_ns;
    o.allowed_lateness_ns = shape.lateness_ns;
    o.late_policy = shape.policy;
    o.consecutive_trade_ids = shape.consecutive_ids;
    o.revision_horizon_bars = shape.horizon;
    o.offset_window_ns = INT64_MAX / 4;  // constant clock skew: one window is enough
    std::vector<Output> got;
    Resampler resampler(o, [&](const BarEvent& e) { got.push_back({e.bar, e.kind}); });
    Reference ref(o);
    for (const Event& e : random_stream(rng, shape)) {
      switch (e.kind) {
        case Event::kTrade:
          resampler.on_trade(e.trade);
          ref.on_trade(e.trade);
          break;
        case Event::kAdvance:
          resampler.advance(e.local_ns);
          ref.advance(e.local_ns);
          break;
        case Event::kDown:
          resampler.on_feed_down(e.local_ns);
          ref.down();
          break;
        case Event::kUp:
          resampler.on_feed_up(e.local_ns);
          ref.up(e.local_ns);
          break;
      }
    }
    resampler.finish();
    ref.finish();
    ASSERT_EQ(got.size(), ref.out.size()) << "seed " << seed;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const std::string where = "seed " + std::to_string(seed) + " event " + std::to_string(i);
      EXPECT_EQ(got[i].kind, ref.out[i].kind) << where;
      expect_same_bar(got[i].bar, ref.out[i].bar, where);
      statuses_seen.insert(got[i].bar.status);
      if (::testing::Test::HasFailure()) return;
    }
    const ResamplerStats& st = resampler.stats();
    EXPECT_EQ(st.duplicate_trades.load(), ref.duplicates) << "seed " << seed;
    EXPECT_EQ(st.late_dropped.load(), ref.late_dropped) << "seed " << seed;
    EXPECT_EQ(st.late_revised.load(), ref.late_revised) << "seed " << seed;
    bars_checked += got.size();
    late_seen += ref.late_dropped + ref.late_revised;
    dups_seen += ref.duplicates;
    revisions_seen += ref.late_revised;
  }
  // The streams must actually exercise the rules they claim to test.
  EXPECT_GT(bars_checked, static_cast<std::uint64_t>(seeds) * 5);
  EXPECT_GT(late_seen, 0u);
  EXPECT_GT(dups_seen, 0u);
  EXPECT_EQ(statuses_seen.size(), 3u) << "traded, quiet and gap bars all occur";
  if (shape.policy == LatePolicy::kRevise) {
    EXPECT_GT(revisions_seen, 0u);
  }
}

TEST(ResamplerProperty, MatchesBruteForceOneMinuteDrop) {
  run_property({60 * kSec, 2 * kSec, LatePolicy::kDrop, true, 16}, 300);
}

TEST(ResamplerProperty, MatchesBruteForceOneMinuteRevise) {
  run_property({60 * kSec, 2 * kSec, LatePolicy::kRevise, true, 4}, 300);
}

TEST(ResamplerProperty, MatchesBruteForceOneSecondBarsFullLateness) {
  run_property({kSec, kSec, LatePolicy::kRevise, true, 2}, 300);
}

TEST(ResamplerProperty, MatchesBruteForceZeroLatenessNonConsecutiveIds) {
  run_property({15 * kSec, 0, LatePolicy::kRevise, false, 1}, 300);
}

}  // namespace
}  // namespace tickcast::feeds

#include "model/online_state_io.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace tickcast::model {
namespace {

// Plausibility limits: anything beyond is damage, not state.
constexpr std::uint32_t kMaxWindows = 64;
constexpr std::uint64_t kMaxWindowLength = 1u << 24;
constexpr std::uint64_t kMaxRingBars = 100000;  // Forecaster's replay ring cap

OnlineStateError malformed(const char* where) {
  return {true, std::string("malformed payload: ends inside the online state's ") + where};
}
OnlineStateError bad(std::string message) {
  return {false, "online state: " + std::move(message)};
}

void put_flags(ByteWriter& out, std::initializer_list<bool> flags) {
  std::uint8_t bits = 0, bit = 1;
  for (bool f : flags) {
    if (f) bits |= bit;
    bit = static_cast<std::uint8_t>(bit << 1);
  }
  out.put(bits);
}

void put_scores(ByteWriter& out, const RollingScoresState& s) {
  out.put(static_cast<std::uint32_t>(s.windows.size()));
  for (const auto& w : s.windows) {
    out.put(w.length);
    out.put(w.n);
    out.put(w.since_recompute);
    for (double v : w.sums) out.put(v);
  }
  out.put(static_cast<std::uint32_t>(s.records.size()));
  for (const auto& r : s.records) {
    for (double v : r) out.put(v);
  }
}

// `count` doubles, checked against the bytes left before allocating.
bool get_doubles(ByteReader& in, std::uint64_t count, std::vector<double>& out) {
  if (count > in.remaining() / sizeof(double)) return false;
  out.resize(static_cast<std::size_t>(count));
  for (double& v : out) {
    if (!in.get(v)) return false;
  }
  return true;
}

OnlineStateError get_scores(ByteReader& in, RollingScoresState& s, const char* which) {
  std::uint32_t windows = 0;
  if (!in.get(windows)) return malformed(which);
  if (windows > kMaxWindows) return bad(std::string(which) + ": too many windows");
  s.windows.resize(windows);
  std::uint64_t longest = 0, most = 0;
  for (auto& w : s.windows) {
    if (!in.get(w.length) || !in.get(w.n) || !in.get(w.since_recompute)) return malformed(which);
    for (double& v : w.sums) {
      if (!in.get(v)) return malformed(which);
    }
    if (w.length < 1 || w.length > kMaxWindowLength || w.n > w.length ||
        w.since_recompute >= w.length) {
      return bad(std::string(which) + ": a window's length or count is out of range");
    }
    longest = std::max(longest, w.length);
    most = std::max(most, w.n);
  }
  std::uint32_t records = 0;
  if (!in.get(records)) return malformed(which);
  if (records > longest || records < most) {
    return bad(std::string(which) + ": " + std::to_string(records) +
               " records do not fit the windows");
  }
  if (records > in.remaining() / (kScoreTerms * sizeof(double))) return malformed(which);
  s.records.resize(records);
  for (auto& r : s.records) {
    for (double& v : r) {
      if (!in.get(v)) return malformed(which);
    }
  }
  return {};
}

}  // namespace

void put_online_state(ByteWriter& out, const OnlineState& s) {
  out.put(s.bars_seen);
  out.put(s.bars_since_submit);
  out.put(s.drift_alarms);
  put_flags(out, {s.requested, s.drift_due, s.no_skill_due, s.submitted_once, s.was_no_skill});
  out.put(s.gap_run);
  out.put(s.real_since_reset);

  const PendingForecast& p = s.pending;
  put_flags(out, {p.valid, p.from_model});
  out.put(p.sequence);
  out.put(p.close);
  out.put(p.predicted_return);
  out.put(p.predicted_close);
  out.put(p.lower);
  out.put(p.upper);

  const ConformalState& c = s.conformal;
  out.put(c.coverage);
  out.put(c.gamma);
  out.put(c.window);
  out.put(c.alpha_t);
  out.put(c.updates);
  out.put(c.covered);
  out.put(static_cast<std::uint32_t>(c.scores.size()));
  for (double v : c.scores) out.put(v);

  put_scores(out, s.scores);
  put_scores(out, s.model_scores);

  out.put_string(s.drift.kind);
  out.put(static_cast<std::uint32_t>(s.drift.counters.size()));
  for (std::uint64_t v : s.drift.counters) out.put(v);
  out.put(static_cast<std::uint32_t>(s.drift.values.size()));
  for (double v : s.drift.values) out.put(v);

  out.put(static_cast<std::uint32_t>(s.ring.sequences.size()));
  for (std::size_t i = 0; i < s.ring.sequences.size(); ++i) {
    out.put(s.ring.sequences[i]);
    out.put(s.ring.resets[i]);
  }
  for (double v : s.ring.features) out.put(v);
}

OnlineStateError get_online_state(ByteReader& in, std::size_t feature_count, OnlineState& s) {
  s = OnlineState{};
  std::uint8_t flags = 0;
  if (!in.get(s.bars_seen) || !in.get(s.bars_since_submit) || !in.get(s.drift_alarms) ||
      !in.get(flags) || !in.get(s.gap_run) || !in.get(s.real_since_reset)) {
    return malformed("counters");
  }
  if (flags > 0x1f) return bad("unknown trigger flags");
  s.requested = flags & 1;
  s.drift_due = flags & 2;
  s.no_skill_due = flags & 4;
  s.submitted_once = flags & 8;
  s.was_no_skill = flags & 16;
  if (s.gap_run < 0 || s.real_since_reset < 0) return bad("negative gap counters");

  PendingForecast& p = s.pending;
  if (!in.get(flags) || !in.get(p.sequence) || !in.get(p.close) || !in.get(p.predicted_return) ||
      !in.get(p.predicted_close) || !in.get(p.lower) || !in.get(p.upper)) {
    return malformed("pending forecast");
  }
  if (flags > 3) return bad("unknown pending-forecast flags");
  p.valid = flags & 1;
  p.from_model = flags & 2;

  ConformalState& c = s.conformal;
  std::uint32_t n = 0;
  if (!in.get(c.coverage) || !in.get(c.gamma) || !in.get(c.window) || !in.get(c.alpha_t) ||
      !in.get(c.updates) || !in.get(c.covered) || !in.get(n) || !get_doubles(in, n, c.scores)) {
    return malformed("conformal history");
  }
  if (!(c.coverage > 0 && c.coverage < 1) || !(c.gamma >= 0) || !std::isfinite(c.gamma) ||
      c.window < 1 || c.window > kMaxWindowLength || !std::isfinite(c.alpha_t) ||
      c.covered > c.updates || n > c.window) {
    return bad("conformal parameters or counters out of range");
  }
  for (double v : c.scores) {
    if (!(v >= 0) || !std::isfinite(v)) return bad("a conformal score is negative or not finite");
  }

  if (auto e = get_scores(in, s.scores, "scores"); !e.message.empty()) return e;
  if (auto e = get_scores(in, s.model_scores, "model scores"); !e.message.empty()) return e;

  std::uint32_t counters = 0, values = 0;
  if (!in.get_string(s.drift.kind) || !in.get(counters)) return malformed("drift detector");
  if (s.drift.kind != "page_hinkley" && s.drift.kind != "adwin" && s.drift.kind != "none") {
    return bad("unknown drift detector \"" + s.drift.kind + "\"");
  }
  if (counters > in.remaining() / sizeof(std::uint64_t)) return malformed("drift detector");
  s.drift.counters.resize(counters);
  for (auto& v : s.drift.counters) {
    if (!in.get(v)) return malformed("drift detector");
  }
  if (!in.get(values) || !get_doubles(in, values, s.drift.values)) {
    return malformed("drift detector");
  }

  std::uint32_t bars = 0;
  if (!in.get(bars)) return malformed("replay ring");
  if (bars > kMaxRingBars) return bad("replay ring longer than 100,000 bars");
  if (bars > in.remaining() / (sizeof(std::uint64_t) + 1)) return malformed("replay ring");
  s.ring.sequences.resize(bars);
  s.ring.resets.resize(bars);
  for (std::uint32_t i = 0; i < bars; ++i) {
    if (!in.get(s.ring.sequences[i]) || !in.get(s.ring.resets[i])) return malformed("replay ring");
    if (s.ring.resets[i] > 1) return bad("replay ring reset flag is neither 0 nor 1");
  }
  if (!get_doubles(in, std::uint64_t{bars} * feature_count, s.ring.features)) {
    return malformed("replay ring");
  }
  return {};
}

}  // namespace tickcast::model

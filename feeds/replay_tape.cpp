#include "feeds/replay_tape.hpp"

#include <cmath>
#include <fstream>

#include "feeds/frame_lines.hpp"
#include "feeds/input_file.hpp"
#include "feeds/pair_names.hpp"
#include "feeds/trade_csv.hpp"

namespace tickcast::feeds {
namespace {

class VectorTape final : public Tape {
 public:
  explicit VectorTape(std::vector<TapeItem> items) : items_(std::move(items)) {}
  bool next(TapeItem& item) override {
    if (pos_ >= items_.size()) return false;
    item = items_[pos_++];
    if (!item.verbatim) {
      item.trade.trade_id += id_shift_;
      if (item.trade.first_trade_id != 0) item.trade.first_trade_id += id_shift_;
    }
    return true;
  }
  void rewind() override {
    pos_ = 0;
    // Shift ids past the last ones sent, so a loop looks like fresh trades.
    if (!items_.empty() && !items_.front().verbatim) {
      id_shift_ += items_.back().trade.trade_id - items_.front().trade.trade_id + 1;
    }
  }

 private:
  std::vector<TapeItem> items_;
  std::size_t pos_ = 0;
  std::uint64_t id_shift_ = 0;
};

class SyntheticTape final : public Tape {
 public:
  explicit SyntheticTape(SyntheticTapeOptions o) : o_(std::move(o)), rng_(o_.seed) {
    rewind_state();
  }

  bool next(TapeItem& item) override {
    // Arrivals: a self-exciting rate (bursts) decaying toward the base rate.
    std::exponential_distribution<double> gap(rate_);
    const double dt = gap(rng_);
    rate_ = o_.trades_per_second + (rate_ - o_.trades_per_second) * std::exp(-dt / 2.0);
    rate_ += o_.trades_per_second * 0.3 * excitement_(rng_);
    time_s_ += dt;
    // Returns: GARCH(1,1) variance per trade, so calm and busy spells alternate.
    const double r = std::sqrt(variance_) * normal_(rng_);
    variance_ = kOmega + kAlpha * r * r + kBeta * variance_;
    price_ *= std::exp(r);
    std::lognormal_distribution<double> size(-5.0, 1.2);
    const double qty = std::max(1e-5, std::round(size(rng_) * 1e5) / 1e5);
    item = TapeItem{};
    item.offset_ns = static_cast<std::int64_t>(time_s_ * 1e9);
    Trade& t = item.trade;
    t.exchange = o_.exchange;
    t.symbol = o_.symbol;
    t.pair = pair_;
    t.trade_id = t.first_trade_id = next_id_++;
    t.price = std::round(price_ * 100.0) / 100.0;
    t.qty = qty;
    t.side = (r > 0) == (coin_(rng_) < 0.7) ? Side::kBuy : Side::kSell;
    return true;
  }
  void rewind() override { rewind_state(); }

 private:
  // Per-trade variance targets about 1e-4 relative moves, with strong clustering.
  static constexpr double kOmega = 1e-10, kAlpha = 0.08, kBeta = 0.91;

  void rewind_state() {
    time_s_ = 0;
    rate_ = o_.trades_per_second;
    variance_ = kOmega / (1 - kAlpha - kBeta);
    price_ = o_.start_price;
    if (next_id_ == 0) next_id_ = o_.first_trade_id;
    pair_ = normalize_concatenated_pair(o_.symbol);
  }

  SyntheticTapeOptions o_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  std::bernoulli_distribution excitement_{0.3};
  double time_s_ = 0, rate_ = 0, variance_ = 0, price_ = 0;
  std::uint64_t next_id_ = 0;
  std::string pair_;
};

bool looks_like_frame_line(const std::string& line) {
  const FrameLine parsed = split_frame_line(line);
  return parsed.receive_time_ns != 0 && !parsed.frame.empty() &&
         (parsed.frame.front() == '{' || parsed.frame.front() == '[');
}

}  // namespace

std::unique_ptr<Tape> load_tape(const std::string& path, const std::string& exchange,
                                const std::string& symbol, std::string& error) {
  std::unique_ptr<std::istream> input = open_input_file(path, error);
  if (!input) return nullptr;
  std::string first;
  std::getline(*input, first);
  // Start over (a gzip stream cannot seek back).
  input = open_input_file(path, error);
  if (!input) return nullptr;
  std::istream& in = *input;
  std::vector<TapeItem> items;
  if (looks_like_frame_line(first)) {
    std::string line;
    std::int64_t start = 0;
    while (std::getline(in, line)) {
      const FrameLine parsed = split_frame_line(line);
      if (parsed.frame.empty()) continue;
      if (items.empty()) start = parsed.receive_time_ns;
      TapeItem& item = items.emplace_back();
      item.offset_ns = std::max<std::int64_t>(0, parsed.receive_time_ns - start);
      item.verbatim = true;
      item.frame = std::string(parsed.frame);
    }
  } else {
    TradeCsvReader reader(in, TradeCsvFormat::kAuto, exchange, symbol);
    if (auto header_error = reader.read_header()) {
      error = path + ": " + *header_error;
      return nullptr;
    }
    Trade t;
    std::string line_error;
    std::int64_t start = 0;
    for (;;) {
      const auto result = reader.next(t, line_error);
      if (result == TradeCsvReader::Result::kEnd) break;
      if (result == TradeCsvReader::Result::kBadLine) continue;
      if (items.empty()) start = t.exchange_time_ns;
      TapeItem& item = items.emplace_back();
      item.offset_ns = std::max<std::int64_t>(0, t.exchange_time_ns - start);
      item.trade = t;
      item.trade.exchange = exchange;
      item.trade.symbol = symbol;
    }
  }
  if (items.empty()) {
    error = path + ": no trades or frames";
    return nullptr;
  }
  return std::make_unique<VectorTape>(std::move(items));
}

std::unique_ptr<Tape> make_synthetic_tape(const SyntheticTapeOptions& options) {
  return std::make_unique<SyntheticTape>(options);
}

}  // namespace tickcast::feeds

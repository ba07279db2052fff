#include "feeds/bar_log_format.hpp"

#include <bit>
#include <cstring>

#include "feeds/crc32c.hpp"

namespace tickcast::feeds::bar_log {

namespace {

void put_u16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_i64(std::string& out, std::int64_t v) {
  put_u64(out, static_cast<std::uint64_t>(v));
}
void put_f64(std::string& out, double v) {
  put_u64(out, std::bit_cast<std::uint64_t>(v));
}

// Reads little-endian values from a view, front to back.
class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  std::uint64_t u(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += static_cast<std::size_t>(bytes);
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u(8)); }
  double f64() { return std::bit_cast<double>(u(8)); }
  std::string_view take(std::size_t n) {
    const auto s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  [[nodiscard]] std::size_t left() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode_file_header() {
  std::string h(kMagic);
  put_u32(h, kVersion);
  put_u32(h, crc32c::mask(crc32c::value(h.data(), h.size())));
  return h;
}

bool check_file_header(std::string_view header, std::string& why) {
  if (header.size() < kFileHeaderSize) {
    why = "file shorter than its 16-byte header";
    return false;
  }
  if (header.substr(0, kMagic.size()) != kMagic) {
    why = "bad magic (not a tickcast bar log)";
    return false;
  }
  Cursor c(header.substr(kMagic.size()));
  const auto version = static_cast<std::uint32_t>(c.u(4));
  const auto stored = static_cast<std::uint32_t>(c.u(4));
  if (crc32c::unmask(stored) != crc32c::value(header.data(), kMagic.size() + 4)) {
    why = "file header checksum mismatch";
    return false;
  }
  if (version != kVersion) {
    why = "unsupported bar log version " + std::to_string(version);
    return false;
  }
  return true;
}

std::string encode_record(RecordType type, std::string_view payload) {
  std::string r(4, '\0');  // CRC, filled below
  put_u16(r, static_cast<std::uint16_t>(payload.size()));
  r += static_cast<char>(type);
  r.append(payload);
  const std::uint32_t crc = crc32c::value(r.data() + 4, r.size() - 4);
  std::string prefix;
  put_u32(prefix, crc32c::mask(crc));
  std::memcpy(r.data(), prefix.data(), 4);
  return r;
}

std::string encode_segment_info(const SegmentInfo& info) {
  std::string p;
  p += static_cast<char>(info.exchange.size());
  p += info.exchange;
  p += static_cast<char>(info.symbol.size());
  p += info.symbol;
  put_i64(p, info.created_unix_ns);
  return p;
}

std::optional<SegmentInfo> decode_segment_info(std::string_view payload) {
  Cursor c(payload);
  SegmentInfo info;
  if (c.left() < 1) return std::nullopt;
  std::size_t n = c.u(1);
  if (c.left() < n + 1) return std::nullopt;
  info.exchange = std::string(c.take(n));
  n = c.u(1);
  if (c.left() < n + 8) return std::nullopt;
  info.symbol = std::string(c.take(n));
  info.created_unix_ns = c.i64();
  return info;
}

std::string encode_bar(const Bar& b) {
  std::string p;
  p.reserve(kBarPayloadSize);
  put_i64(p, b.interval_ns);
  put_i64(p, b.start_ns);
  put_i64(p, b.end_ns);
  for (double v : {b.open, b.high, b.low, b.close, b.volume, b.quote_volume, b.buy_volume,
                   b.sell_volume, b.vwap}) {
    put_f64(p, v);
  }
  put_u64(p, b.trade_count);
  put_i64(p, b.first_trade_time_ns);
  put_i64(p, b.last_trade_time_ns);
  put_u64(p, b.first_trade_id);
  put_u64(p, b.last_trade_id);
  put_u64(p, b.sequence);
  put_u32(p, b.revision);
  p += static_cast<char>(b.status);
  return p;
}

std::optional<Bar> decode_bar(std::string_view payload) {
  if (payload.size() < kBarPayloadSize) return std::nullopt;
  Cursor c(payload);
  Bar b;
  b.interval_ns = c.i64();
  b.start_ns = c.i64();
  b.end_ns = c.i64();
  for (double* v : {&b.open, &b.high, &b.low, &b.close, &b.volume, &b.quote_volume, &b.buy_volume,
                    &b.sell_volume, &b.vwap}) {
    *v = c.f64();
  }
  b.trade_count = c.u(8);
  b.first_trade_time_ns = c.i64();
  b.last_trade_time_ns = c.i64();
  b.first_trade_id = c.u(8);
  b.last_trade_id = c.u(8);
  b.sequence = c.u(8);
  b.revision = static_cast<std::uint32_t>(c.u(4));
  const auto status = c.u(1);
  if (status > static_cast<std::uint64_t>(BarStatus::kGap)) return std::nullopt;
  b.status = static_cast<BarStatus>(status);
  return b;
}

}  // namespace tickcast::feeds::bar_log

#include "feeds/bar_log_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "feeds/bar_log_format.hpp"
#include "feeds/bar_log_paths.hpp"
#include "feeds/crc32c.hpp"

namespace tickcast::feeds {

namespace {

using namespace bar_log;

struct Record {
  RecordType type;
  std::string_view payload;
  std::size_t size;  // header + payload
};

// A checksummed record starting at `pos`, or nullopt.
std::optional<Record> record_at(std::string_view data, std::size_t pos) {
  if (data.size() - pos < kRecordHeaderSize) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data() + pos);
  const auto type = static_cast<RecordType>(p[6]);
  if (type != kSegmentInfo && type != kBar) return std::nullopt;  // cheap test first
  const std::size_t length = p[4] | (static_cast<std::size_t>(p[5]) << 8);
  if (data.size() - pos - kRecordHeaderSize < length) return std::nullopt;
  const std::uint32_t stored = p[0] | (static_cast<std::uint32_t>(p[1]) << 8) |
                               (static_cast<std::uint32_t>(p[2]) << 16) |
                               (static_cast<std::uint32_t>(p[3]) << 24);
  if (crc32c::unmask(stored) != crc32c::value(p + 4, 3 + length)) return std::nullopt;
  return Record{type, data.substr(pos + kRecordHeaderSize, length), kRecordHeaderSize + length};
}

// The offset of the next valid record after `pos`, or data.size().
std::size_t resync(std::string_view data, std::size_t pos) {
  for (std::size_t p = pos + 1; p + kRecordHeaderSize <= data.size(); ++p) {
    if (record_at(data, p)) return p;
  }
  return data.size();
}

}  // namespace

IoStatus read_bar_log_segment(const std::filesystem::path& segment, const BarLogReporter& reporter,
                              std::vector<Bar>& out, BarLogReadStats& stats) {
  return for_each_bar_in_segment(
      segment, reporter, [&out](Bar&& bar) { out.push_back(std::move(bar)); }, stats);
}

IoStatus for_each_bar_in_segment(const std::filesystem::path& segment,
                                 const BarLogReporter& reporter,
                                 const std::function<void(Bar&&)>& sink, BarLogReadStats& stats) {
  std::ifstream in(segment, std::ios::binary);
  if (!in) return IoStatus::from_errno("open", segment.string(), errno);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return IoStatus::from_errno("read", segment.string(), errno);
  ++stats.segments;
  const std::string_view data(bytes);
  auto report = [&](std::uint64_t offset, std::uint64_t dropped, std::string_view why) {
    if (reporter) reporter(segment, offset, dropped, why);
  };

  std::string why;
  if (data.size() < kFileHeaderSize) {
    // The writer creates segments under a temporary name and renames them
    // once the header is synced, so a short file was never a live segment.
    ++stats.unusable_segments;
    stats.torn_tail_bytes += data.size();
    return IoStatus::ok();
  }
  if (!check_file_header(data.substr(0, kFileHeaderSize), why)) {
    ++stats.unusable_segments;
    ++stats.corrupt_records;
    stats.corrupt_bytes += data.size();
    report(0, data.size(), why);
    return IoStatus::ok();
  }

  std::optional<SegmentInfo> info;
  std::size_t pos = kFileHeaderSize;
  while (pos < data.size()) {
    const auto record = record_at(data, pos);
    if (!record) {
      const std::size_t next = resync(data, pos);
      if (next == data.size()) {  // nothing valid follows: the writer died here
        stats.torn_tail_bytes += data.size() - pos;
        break;
      }
      ++stats.corrupt_records;
      stats.corrupt_bytes += next - pos;
      report(pos, next - pos, "checksum mismatch or malformed record");
      pos = next;
      continue;
    }
    if (record->type == kSegmentInfo) {
      // A bad one is counted like any bad record, and does not undo a good
      // one read before it.
      if (auto decoded = decode_segment_info(record->payload)) {
        info = std::move(decoded);
      } else {
        ++stats.corrupt_records;
        stats.corrupt_bytes += record->size;
        report(pos, record->size, "malformed segment info");
      }
    } else if (!info) {
      ++stats.corrupt_records;
      stats.corrupt_bytes += record->size;
      report(pos, record->size, "bar record before the segment info");
    } else if (auto bar = decode_bar(record->payload)) {
      bar->exchange = info->exchange;
      bar->symbol = info->symbol;
      ++stats.bars;
      sink(std::move(*bar));
    } else {
      ++stats.corrupt_records;
      stats.corrupt_bytes += record->size;
      report(pos, record->size, "malformed bar record");
    }
    pos += record->size;
  }
  if (!info) ++stats.unusable_segments;
  return IoStatus::ok();
}

std::vector<std::filesystem::path> list_bar_log_segments(const std::filesystem::path& dir) {
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (const auto number = parse_segment_file_name(entry.path().filename().string())) {
      found.emplace_back(*number, entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::filesystem::path> paths;
  for (auto& [number, path] : found) paths.push_back(std::move(path));
  return paths;
}

IoStatus read_bar_log(const std::filesystem::path& dir, const BarLogReporter& reporter,
                      std::vector<Bar>& out, BarLogReadStats& stats) {
  for (const auto& segment : list_bar_log_segments(dir)) {
    IoStatus status = read_bar_log_segment(segment, reporter, out, stats);
    if (!status.is_ok()) return status;
  }
  return IoStatus::ok();
}

std::vector<Bar> latest_revisions(const std::vector<Bar>& records) {
  std::map<std::uint64_t, const Bar*> newest;
  for (const Bar& bar : records) {
    const Bar*& slot = newest[bar.sequence];
    if (slot == nullptr || bar.revision >= slot->revision) slot = &bar;
  }
  std::vector<Bar> bars;
  bars.reserve(newest.size());
  for (const auto& [sequence, bar] : newest) bars.push_back(*bar);
  return bars;
}

}  // namespace tickcast::feeds

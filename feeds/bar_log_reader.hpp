// Reads bar logs back: one segment, or every segment of a symbol in order.
//
// A record cut short at the end of a segment (the writer died mid-append) or
// followed only by bytes that hold no valid record (a crash can leave the
// tail zero-filled or half-written) is a torn tail: the read ends there
// cleanly and the bytes are counted, not reported as corruption. A bad record
// with a valid record somewhere after it is corruption: the reporter hears the
// offset and the bytes dropped, and reading resumes at the next valid record.
// Nothing here aborts a read because of bad data; only I/O errors fail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "feeds/io_status.hpp"
#include "feeds/market.hpp"

namespace tickcast::feeds {

struct BarLogReadStats {
  std::uint64_t segments = 0;
  std::uint64_t bars = 0;
  std::uint64_t corrupt_bytes = 0;      // dropped in mid-segment corruption
  std::uint64_t corrupt_records = 0;    // how many such drops were reported
  std::uint64_t torn_tail_bytes = 0;    // dropped at segment ends
  std::uint64_t unusable_segments = 0;  // bad header or missing segment info
};

// Hears about every corruption: which file, where, how many bytes were
// skipped, and why.
using BarLogReporter =
    std::function<void(const std::filesystem::path& segment, std::uint64_t offset,
                       std::uint64_t bytes_dropped, std::string_view reason)>;

// Hands each bar of one segment file to `sink` (exchange and symbol from the
// segment's info record), in the order they were written.
IoStatus for_each_bar_in_segment(const std::filesystem::path& segment,
                                 const BarLogReporter& reporter,
                                 const std::function<void(Bar&&)>& sink, BarLogReadStats& stats);

// Appends the bars of one segment file to `out`, as for_each_bar_in_segment.
IoStatus read_bar_log_segment(const std::filesystem::path& segment, const BarLogReporter& reporter,
                              std::vector<Bar>& out, BarLogReadStats& stats);

// The segment files of `dir`, oldest first.
std::vector<std::filesystem::path> list_bar_log_segments(const std::filesystem::path& dir);

// Every bar record of every segment in `dir`, oldest first (revisions
// included, in the order they were written). A missing dir reads as empty.
IoStatus read_bar_log(const std::filesystem::path& dir, const BarLogReporter& reporter,
                      std::vector<Bar>& out, BarLogReadStats& stats);

// The newest revision of each bar, in sequence order: what a consumer of the
// log (retraining, resume) wants.
std::vector<Bar> latest_revisions(const std::vector<Bar>& records);

}  // namespace tickcast::feeds

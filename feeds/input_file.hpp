// Opening a recording for reading whether or not it is gzip-compressed:
// frame recordings (frame_recorder.hpp) and ../shared/data/trades/raw are
// gzip, trade CSVs usually are not. The caller just reads lines.
#pragma once

#include <filesystem>
#include <istream>
#include <memory>
#include <string>

namespace tickcast::feeds {

// A stream over the file's contents, decompressed when the file starts with
// the gzip magic bytes (concatenated gzip members read as one stream; a
// truncated last member yields what was flushed before the cut). Returns
// nullptr and sets `error` (naming the path) when the file cannot be opened.
// Read errors inside a compressed file set the stream's badbit.
std::unique_ptr<std::istream> open_input_file(const std::filesystem::path& path,
                                              std::string& error);

}  // namespace tickcast::feeds

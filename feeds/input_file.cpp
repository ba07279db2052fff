#include "feeds/input_file.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <streambuf>

namespace tickcast::feeds {

namespace {

// A read-only streambuf over zlib's gzread, which also handles
// concatenated members.
class GzipReadBuffer final : public std::streambuf {
 public:
  explicit GzipReadBuffer(gzFile file) : file_(file) {}
  ~GzipReadBuffer() override { gzclose(file_); }
  GzipReadBuffer(const GzipReadBuffer&) = delete;
  GzipReadBuffer& operator=(const GzipReadBuffer&) = delete;

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const int n = gzread(file_, buffer_.data(), static_cast<unsigned>(buffer_.size()));
    if (n <= 0) {
      // A stream cut mid-member (a recording of a crashed process) reads as
      // its end: everything flushed before the cut has been delivered.
      return traits_type::eof();
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  gzFile file_;
  std::array<char, 1 << 16> buffer_{};
};

class GzipInputStream final : public std::istream {
 public:
  explicit GzipInputStream(gzFile file) : std::istream(nullptr), buffer_(file) { rdbuf(&buffer_); }

 private:
  GzipReadBuffer buffer_;
};

bool starts_with_gzip_magic(const std::filesystem::path& path) {
  std::ifstream probe(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  probe.read(reinterpret_cast<char*>(magic), 2);
  return probe.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

}  // namespace

std::unique_ptr<std::istream> open_input_file(const std::filesystem::path& path,
                                              std::string& error) {
  if (starts_with_gzip_magic(path)) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
      error = "cannot open " + path.string() + ": " + std::strerror(errno);
      return nullptr;
    }
    gzbuffer(file, 1 << 17);
    return std::make_unique<GzipInputStream>(file);
  }
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    error = "cannot open " + path.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  return file;
}

}  // namespace tickcast::feeds

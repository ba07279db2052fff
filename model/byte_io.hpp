// Little-endian byte writer and bounds-checked reader for the checkpoint
// payload (checkpoint.cpp, online_state_io.cpp). Values are copied with
// memcpy, which is only right on a little-endian host (checkpoint.cpp
// asserts that). Internal to model/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/lstm_weights.hpp"

namespace tickcast::model {

class ByteWriter {
 public:
  template <typename V>
  void put(V v) {
    char b[sizeof(V)];
    std::memcpy(b, &v, sizeof(V));
    out.append(b, sizeof(V));
  }
  // A u16 byte length, then the bytes.
  void put_string(std::string_view s) {
    put(static_cast<std::uint16_t>(s.size()));
    out.append(s);
  }
  // A matrix row by row (row-major, as numpy and PyTorch lay tensors out).
  void put_matrix(const MatrixX<float>& m) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (Eigen::Index c = 0; c < m.cols(); ++c) put(m(r, c));
    }
  }
  std::string out;
};

// Every get returns false, and consumes nothing more, once the bytes run
// out; nothing is ever read past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : in_(bytes) {}
  template <typename V>
  bool get(V& v) {
    if (in_.size() - pos_ < sizeof(V)) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(V));
    pos_ += sizeof(V);
    return true;
  }
  bool get_string(std::string& s) {
    std::uint16_t n = 0;
    if (!get(n) || in_.size() - pos_ < n) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool get_matrix(MatrixX<float>& m) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (Eigen::Index c = 0; c < m.cols(); ++c) {
        if (!get(m(r, c))) return false;
      }
    }
    return true;
  }
  bool get_vector(VectorX<float>& v) {
    for (Eigen::Index i = 0; i < v.size(); ++i) {
      if (!get(v(i))) return false;
    }
    return true;
  }
  // Bytes not yet read: a count read from the file is checked against this
  // before anything is allocated for it.
  [[nodiscard]] std::size_t remaining() const { return in_.size() - pos_; }
  [[nodiscard]] bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace tickcast::model

#include "model/weights_json.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <vector>

namespace tickcast::model {
namespace {

template <typename T>
struct Tensor {
  bool two_d = false;
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  std::vector<T> values;  // row-major
};

// A recursive-descent reader for exactly the grammar above; nothing more.
template <typename T>
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::string read(std::map<std::string, Tensor<T>, std::less<>>& tensors) {
    if (!consume('{')) return fail("expected '{'");
    skip_space();
    if (peek() == '}') return fail("the object is empty");
    for (;;) {
      std::string key;
      if (!read_string(key)) return error_;
      if (!consume(':')) return fail("expected ':' after \"" + key + "\"");
      Tensor<T> tensor;
      if (!read_tensor(key, tensor)) return error_;
      if (!tensors.emplace(key, std::move(tensor)).second) {
        return fail("\"" + key + "\" appears twice");
      }
      if (consume(',')) continue;
      if (consume('}')) break;
      return fail("expected ',' or '}'");
    }
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected text after the object");
    return "";
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool consume(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string fail(const std::string& what) {
    error_ = "weights JSON, byte " + std::to_string(pos_) + ": " + what;
    return error_;
  }

  bool read_string(std::string& out) {
    if (!consume('"')) return fail("expected a quoted name"), false;
    const std::size_t end = text_.find('"', pos_);
    if (end == std::string_view::npos) return fail("unterminated string"), false;
    out.assign(text_.substr(pos_, end - pos_));
    if (out.find('\\') != std::string::npos) return fail("escapes are not supported"), false;
    pos_ = end + 1;
    return true;
  }

  bool read_number(const std::string& key, T& out) {
    skip_space();
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(first, last, out);
    if (ec != std::errc() || ptr == first || !std::isfinite(out)) {
      return fail("\"" + key + "\": expected a finite number"), false;
    }
    pos_ += static_cast<std::size_t>(ptr - first);
    return true;
  }

  // A list of numbers, after its '['.
  bool read_numbers(const std::string& key, std::vector<T>& out) {
    if (consume(']')) return true;
    for (;;) {
      T v{};
      if (!read_number(key, v)) return false;
      out.push_back(v);
      if (consume(',')) continue;
      if (consume(']')) return true;
      return fail("\"" + key + "\": expected ',' or ']'"), false;
    }
  }

  bool read_tensor(const std::string& key, Tensor<T>& t) {
    if (!consume('[')) return fail("\"" + key + "\": expected a list"), false;
    skip_space();
    if (peek() != '[') {
      t.two_d = false;
      if (!read_numbers(key, t.values)) return false;
      t.rows = static_cast<Eigen::Index>(t.values.size());
      t.cols = 1;
      return true;
    }
    t.two_d = true;
    for (;;) {
      if (!consume('[')) return fail("\"" + key + "\": expected a row"), false;
      const std::size_t before = t.values.size();
      if (!read_numbers(key, t.values)) return false;
      const auto width = static_cast<Eigen::Index>(t.values.size() - before);
      if (t.rows == 0) t.cols = width;
      if (width != t.cols || width == 0) {
        return fail("\"" + key + "\": row " + std::to_string(t.rows) + " has " +
                    std::to_string(width) + " values, row 0 has " + std::to_string(t.cols)),
               false;
      }
      ++t.rows;
      if (consume(',')) continue;
      if (consume(']')) return true;
      return fail("\"" + key + "\": expected ',' or ']'"), false;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

template <typename T>
void append_number(std::string& out, T v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 64 bytes always suffice for the shortest form of a double
  out.append(buf, ptr);
}

}  // namespace

template <typename T>
std::string read_weights_json(std::string_view text, LstmWeights<T>& out) {
  std::map<std::string, Tensor<T>, std::less<>> tensors;
  Reader<T> reader(text);
  if (std::string error = reader.read(tensors); !error.empty()) return error;

  // Infer the shape from the layer-0 and head tensors.
  LstmShape shape;
  while (tensors.contains("lstm.weight_ih_l" + std::to_string(shape.layers))) ++shape.layers;
  if (shape.layers == 0) return "weights JSON: missing \"lstm.weight_ih_l0\"";
  const auto& ih0 = tensors.at("lstm.weight_ih_l0");
  shape.input_size = static_cast<int>(ih0.cols);
  shape.hidden = static_cast<int>(ih0.rows / 4);
  if (ih0.rows % 4 != 0 || shape.hidden == 0) {
    return "weights JSON: \"lstm.weight_ih_l0\" has " + std::to_string(ih0.rows) +
           " rows, not a positive multiple of 4 (gates i, f, g, o)";
  }
  if (auto it = tensors.find("head.weight"); it != tensors.end()) {
    shape.output_size = static_cast<int>(it->second.rows);
  }

  out = LstmWeights<T>::zeros(shape);
  std::string error;
  std::size_t used = 0;
  out.for_each_tensor([&](const std::string& name, T* data, Eigen::Index rows, Eigen::Index cols) {
    if (!error.empty()) return;
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      error = "weights JSON: missing \"" + name + "\" (" + describe(shape) + ")";
      return;
    }
    const Tensor<T>& t = it->second;
    const bool want_2d = name.find("weight") != std::string::npos;
    if (t.two_d != want_2d || t.rows != rows || t.cols != cols) {
      error = "weights JSON: \"" + name + "\" is " +
              (t.two_d ? std::to_string(t.rows) + "x" + std::to_string(t.cols)
                       : "a list of " + std::to_string(t.rows)) +
              ", expected " +
              (want_2d ? std::to_string(rows) + "x" + std::to_string(cols)
                       : "a list of " + std::to_string(rows)) +
              " for " + describe(shape);
      return;
    }
    // JSON rows are row-major; Eigen's storage is column-major.
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index c = 0; c < cols; ++c) data[c * rows + r] = t.values[r * cols + c];
    }
    ++used;
  });
  if (!error.empty()) return error;
  if (used != tensors.size()) {
    std::map<std::string, bool> known;
    out.for_each_tensor(
        [&](const std::string& name, T*, Eigen::Index, Eigen::Index) { known[name] = true; });
    for (const auto& [name, tensor] : tensors) {
      if (!known.contains(name)) {
        return "weights JSON: unknown tensor \"" + name + "\" (expected lstm.* and head.* of " +
               describe(shape) + ")";
      }
    }
  }
  return "";
}

template <typename T>
std::string write_weights_json(const LstmWeights<T>& weights) {
  std::string out = "{";
  bool first_tensor = true;
  weights.for_each_tensor(
      [&](const std::string& name, const T* data, Eigen::Index rows, Eigen::Index cols) {
        out += first_tensor ? "\n  \"" : ",\n  \"";
        first_tensor = false;
        out += name + "\": [";
        const bool two_d = name.find("weight") != std::string::npos;
        for (Eigen::Index r = 0; r < rows; ++r) {
          if (r > 0) out += ", ";
          if (two_d) out += '[';
          for (Eigen::Index c = 0; c < cols; ++c) {
            if (c > 0) out += ", ";
            append_number(out, data[c * rows + r]);
          }
          if (two_d) out += ']';
        }
        out += ']';
      });
  out += "\n}\n";
  return out;
}

template std::string read_weights_json(std::string_view, LstmWeights<float>&);
template std::string read_weights_json(std::string_view, LstmWeights<double>&);
template std::string write_weights_json(const LstmWeights<float>&);
template std::string write_weights_json(const LstmWeights<double>&);

}  // namespace tickcast::model

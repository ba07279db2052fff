// `tickcast infer`: runs a model over input vectors read from stdin, with
// (h, c) carried from row to row, and prints the head's outputs. Its purpose
// is to let a user prove that their PyTorch (or Keras) model gives the same
// numbers here.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/arg_parser.hpp"
#include "daemon/subcommands.hpp"
#include "model/checkpoint.hpp"
#include "model/lstm.hpp"
#include "model/weights_json.hpp"

namespace tickcast::daemon {

int infer_main(std::span<const std::string_view> args) {
  ArgParser parser(
      "infer",
      "Read rows of comma-separated input vectors (the network's inputs, F values each) from "
      "stdin, step the LSTM with carried state, and print the head's outputs per row. A "
      "first line that is not numeric is taken as a header and skipped; lines starting with "
      "'#' are ignored.");
  parser
      .option("weights", "FILE", "weights JSON (PyTorch state_dict names) or a checkpoint",
              std::nullopt, true)
      .flag("resume", "start from the state stored in the checkpoint instead of zeros");
  if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  const auto fail = [](const std::string& message) {
    std::cerr << "tickcast infer: " << message << '\n';
    return 1;
  };

  const std::string path = parser.get("weights");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();

  model::LstmWeights<float> weights;
  model::Checkpoint ck;
  const bool is_checkpoint = bytes.starts_with(model::kCheckpointMagic);
  if (is_checkpoint) {
    if (auto status = model::decode_checkpoint(bytes, ck); !status.ok()) {
      return fail(path + ": " + status.message);
    }
    weights = ck.weights;
  } else if (std::string error = model::read_weights_json(bytes, weights); !error.empty()) {
    return fail(path + ": " + error);
  }
  if (parser.has("resume") && !(is_checkpoint && ck.has_state)) {
    return fail("--resume needs a checkpoint that holds a state");
  }

  const model::Lstm<float> lstm(std::move(weights));
  auto state = lstm.make_state();
  if (parser.has("resume")) {
    state.h = ck.h;
    state.c = ck.c;
  }
  const auto width = static_cast<std::size_t>(lstm.shape().input_size);
  std::vector<float> x;
  std::string line, out;
  std::size_t line_no = 0, rows = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    x.clear();
    std::string_view rest = line;
    bool numeric = true;
    while (numeric) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      float v = 0;
      const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
      if (ec != std::errc() || !std::isfinite(v)) {
        numeric = false;
        break;
      }
      x.push_back(v);
      rest.remove_prefix(static_cast<std::size_t>(ptr - rest.data()));
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.empty()) break;
      if (rest.front() != ',') {
        numeric = false;
        break;
      }
      rest.remove_prefix(1);
    }
    if (!numeric) {
      if (rows == 0 && line_no == 1) continue;  // a header
      return fail("stdin line " + std::to_string(line_no) + ": not a list of numbers");
    }
    if (x.size() != width) {
      return fail("stdin line " + std::to_string(line_no) + ": " + std::to_string(x.size()) +
                  " values, the model takes " + std::to_string(width));
    }
    const auto y = lstm.step(x, state);
    out.clear();
    for (std::size_t j = 0; j < y.size(); ++j) {
      char buf[32];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, y[j]);
      (void)ec;
      if (j > 0) out += ',';
      out.append(buf, end);
    }
    std::cout << out << '\n';
    ++rows;
  }
  return 0;
}

}  // namespace tickcast::daemon

// Import and export of weights as JSON with PyTorch's state_dict names, so a
// model trained in Python runs here unchanged (docs/model-format.md).
//
// The format is one flat object: each key a state_dict name, each value a
// list (1-D tensor) or a list of equally long rows (2-D tensor):
//
//   {"lstm.weight_ih_l0": [[...], ...],   4H rows of F (layer 0) or H numbers
//    "lstm.weight_hh_l0": [[...], ...],   4H rows of H
//    "lstm.bias_ih_l0": [...],            4H
//    "lstm.bias_hh_l0": [...],            4H
//    ... _l1, _l2 for further layers ...
//    "head.weight": [[...]],              output_size rows of H
//    "head.bias": [...]}                  output_size
//
// The shape is inferred from the tensors. The reader is strict: unknown or
// missing names, ragged rows, inconsistent sizes, non-numbers and trailing
// text are errors that name the tensor (or the byte offset for syntax).
#pragma once

#include <string>
#include <string_view>

#include "model/lstm_weights.hpp"

namespace tickcast::model {

// Parses `text` into `out`. Returns "" on success, else a one-line reason;
// `out` is unspecified after an error. Numbers are parsed directly into T, so
// the shortest text of a float32 gives back that very float32.
template <typename T>
[[nodiscard]] std::string read_weights_json(std::string_view text, LstmWeights<T>& out);

// The JSON text for `weights`; every value is written with the fewest digits
// that read back to the identical T (std::to_chars).
template <typename T>
[[nodiscard]] std::string write_weights_json(const LstmWeights<T>& weights);

extern template std::string read_weights_json(std::string_view, LstmWeights<float>&);
extern template std::string read_weights_json(std::string_view, LstmWeights<double>&);
extern template std::string write_weights_json(const LstmWeights<float>&);
extern template std::string write_weights_json(const LstmWeights<double>&);

}  // namespace tickcast::model

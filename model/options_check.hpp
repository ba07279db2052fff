// Range checks of ModelOptions, shared by the config loader and the CLI so
// that both reject the same values with the same words.
#pragma once

#include <string>

#include "model/model_options.hpp"

namespace tickcast::model {

// "" when every field is in its documented range; else names the first field
// that is not, e.g. "model.hidden = 0 is out of range 1 to 1024".
[[nodiscard]] std::string check_options(const ModelOptions& options);

}  // namespace tickcast::model

// Range checks of ModelOptions, shared by the config loader and the CLI so
// that both reject the same values with the same words.
#pragma once

#include <string>

#include "model/model_options.hpp"

namespace tickcast::model {

// "" when every field is in its documented range; else names the first field
// that is not, e.g. "model.hidden = 0 is out of range 1 to 1024".
// Includes check_online_options().
[[nodiscard]] std::string check_options(const ModelOptions& options);

// The online fields only (window, min_bars, validation_bars, retrain_every,
// gate, drift, checkpoints, budget, conformal), with the cross-checks
// min_bars <= window and validation_bars < min_bars.
[[nodiscard]] std::string check_online_options(const ModelOptions& options);

// The [scores] section: 1 to 8 windows, each 2 to 1000000 bars.
[[nodiscard]] std::string check_score_options(const ScoreOptions& scores);

}  // namespace tickcast::model

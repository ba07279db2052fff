// The backtest's files: forecasts.csv (one row per bar) and report.json (all
// scores, retrains and settings). Plain text with fixed number formats, so
// that the same result gives byte-identical files.
#pragma once

#include <string>

#include "daemon/backtest_runner.hpp"

namespace tickcast::daemon {

// Header line, then one line per bar:
// bar_end_ns,sequence,close,status,model_version,predicted_close,lower,upper,
// static_predicted_close,static_lower,static_upper,skill,static_skill
// (skill: rolling over the longest score window; empty where undefined).
[[nodiscard]] std::string backtest_forecasts_csv(const BacktestResult& result);

struct BacktestSettings {
  std::string input;       // the input file as given
  std::string input_kind;  // "bars", "trades" or "frames"
  model::ModelOptions model;
  model::ScoreOptions scores;
};

[[nodiscard]] std::string backtest_report_json(const BacktestResult& result,
                                               const BacktestSettings& settings);

}  // namespace tickcast::daemon

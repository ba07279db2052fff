// report.svg of a backtest: price with the forecast's interval band over the
// whole run, a close-up of the last bars with forecasts and intervals, and
// the rolling skill of the online and the static model, with retrains
// marked. Plain SVG, fixed number formats: byte-identical for one result.
#pragma once

#include <string>

#include "daemon/backtest_runner.hpp"

namespace tickcast::daemon {

[[nodiscard]] std::string backtest_svg(const BacktestResult& result, const std::string& title);

}  // namespace tickcast::daemon

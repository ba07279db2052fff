// Scores of one-step-ahead close forecasts, the model's and naive
// persistence's side by side (persistence: the next close equals this one).
#pragma once

#include <cstddef>
#include <limits>

namespace tickcast::model {

struct ForecastScores {
  std::size_t n = 0;
  double mae_price = 0;  // mean |predicted close - actual close|
  double rmse_price = 0;
  double mae_return = 0;  // of log returns: log(pred / close) vs log(actual / close)
  double rmse_return = 0;
  // Fraction of forecasts whose predicted return has the sign of the actual
  // return, over the forecasts where both are non-zero (unchanged closes say
  // nothing about direction). NaN when there are none, as for persistence,
  // which never predicts a move.
  double directional_accuracy = std::numeric_limits<double>::quiet_NaN();
  std::size_t directional_n = 0;
  // Fraction of actual non-zero moves that were up: the accuracy of always
  // predicting "up", for context.
  double up_fraction = std::numeric_limits<double>::quiet_NaN();
};

class ScoreAccumulator {
 public:
  // One forecast made at a bar closing at `close`, for the next bar.
  void add(double close, double actual_next, double predicted_next);
  [[nodiscard]] ForecastScores result() const;

 private:
  std::size_t n_ = 0, directional_n_ = 0, correct_ = 0, moves_ = 0, ups_ = 0;
  double abs_price_ = 0, sq_price_ = 0, abs_return_ = 0, sq_return_ = 0;
};

}  // namespace tickcast::model

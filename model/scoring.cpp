#include "model/scoring.hpp"

#include <cmath>

namespace tickcast::model {

void ScoreAccumulator::add(double close, double actual_next, double predicted_next) {
  ++n_;
  const double dp = predicted_next - actual_next;
  abs_price_ += std::abs(dp);
  sq_price_ += dp * dp;
  const double actual_r = std::log(actual_next / close);
  const double predicted_r = std::log(predicted_next / close);
  const double dr = predicted_r - actual_r;
  abs_return_ += std::abs(dr);
  sq_return_ += dr * dr;
  if (actual_r != 0) {
    ++moves_;
    if (actual_r > 0) ++ups_;
    if (predicted_r != 0) {
      ++directional_n_;
      if ((actual_r > 0) == (predicted_r > 0)) ++correct_;
    }
  }
}

ForecastScores ScoreAccumulator::result() const {
  ForecastScores s;
  s.n = n_;
  if (n_ == 0) return s;
  const auto n = static_cast<double>(n_);
  s.mae_price = abs_price_ / n;
  s.rmse_price = std::sqrt(sq_price_ / n);
  s.mae_return = abs_return_ / n;
  s.rmse_return = std::sqrt(sq_return_ / n);
  s.directional_n = directional_n_;
  if (directional_n_ > 0) {
    s.directional_accuracy = static_cast<double>(correct_) / static_cast<double>(directional_n_);
  }
  if (moves_ > 0) s.up_fraction = static_cast<double>(ups_) / static_cast<double>(moves_);
  return s;
}

}  // namespace tickcast::model

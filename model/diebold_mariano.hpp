// The Diebold-Mariano test (Diebold & Mariano 1995) of equal predictive
// accuracy, on the loss differential d_t = loss_a_t - loss_b_t:
//
//     z = mean(d) / sqrt(lrv / n),
//     lrv = g_0 + 2 * sum_{k=1..lags} (1 - k / (lags + 1)) * g_k
//
// with g_k the sample autocovariance of d at lag k (divided by n, as Newey
// and West 1987; Bartlett weights keep lrv >= 0). For one-step-ahead
// forecasts (h = 1) optimal forecast errors are serially uncorrelated, so
// tickcast uses lags = 0: the plain sample variance. z > 0 means `a` had the
// larger loss; |z| beyond ~1.96 is significant at 5% two-sided under the
// asymptotic normal distribution.
#pragma once

#include <cstddef>
#include <span>

namespace tickcast::model {

struct DmResult {
  std::size_t n = 0;
  double mean_differential = 0;  // mean(loss_a - loss_b)
  double z = 0;                  // 0 when n < 2 or the differential is constant
};

// REQUIRES: loss_a.size() == loss_b.size(); lags >= 0.
[[nodiscard]] DmResult diebold_mariano(std::span<const double> loss_a,
                                       std::span<const double> loss_b, int lags = 0);

// z from running sums of d and d^2 over n values (lags = 0), as the rolling
// scores keep them.
[[nodiscard]] double dm_z_from_sums(std::size_t n, double sum_d, double sum_d2);

}  // namespace tickcast::model

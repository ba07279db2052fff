#include "model/diebold_mariano.hpp"

#include <cmath>
#include <vector>

namespace tickcast::model {

DmResult diebold_mariano(std::span<const double> loss_a, std::span<const double> loss_b, int lags) {
  DmResult r;
  r.n = loss_a.size();
  if (r.n < 2) return r;
  std::vector<double> d(r.n);
  double sum = 0;
  for (std::size_t t = 0; t < r.n; ++t) {
    d[t] = loss_a[t] - loss_b[t];
    sum += d[t];
  }
  const double n = static_cast<double>(r.n);
  r.mean_differential = sum / n;
  auto autocov = [&](std::size_t k) {
    double s = 0;
    for (std::size_t t = k; t < r.n; ++t) {
      s += (d[t] - r.mean_differential) * (d[t - k] - r.mean_differential);
    }
    return s / n;
  };
  double lrv = autocov(0);
  for (int k = 1; k <= lags && static_cast<std::size_t>(k) < r.n; ++k) {
    lrv += 2.0 * (1.0 - k / (lags + 1.0)) * autocov(static_cast<std::size_t>(k));
  }
  if (!(lrv > 0)) return r;
  r.z = r.mean_differential / std::sqrt(lrv / n);
  return r;
}

double dm_z_from_sums(std::size_t n, double sum_d, double sum_d2) {
  if (n < 2) return 0.0;
  const double count = static_cast<double>(n);
  const double mean = sum_d / count;
  const double var = sum_d2 / count - mean * mean;
  // Relative to the scale of d, a variance this small is rounding noise.
  if (!(var > 1e-12 * (sum_d2 / count))) return 0.0;
  return mean / std::sqrt(var / count);
}

}  // namespace tickcast::model

#include "model/diebold_mariano.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tickcast::model {
namespace {

// Reference values from numpy (/usr/bin/python3): d = a - b, gamma_k =
// sum((d[k:] - m) * (d[:-k] - m)) / n, Bartlett weights 1 - k / (L + 1).
const std::vector<double> kA{1.0, 2.5, 0.3, 4.1, 2.2, 0.9, 3.3, 1.7, 2.8, 0.4};
const std::vector<double> kB{1.2, 1.9, 0.8, 3.0, 2.6, 0.5, 2.1, 1.1, 2.0, 0.9};

TEST(DieboldMariano, PlainVarianceMatchesNumpy) {
  const DmResult r = diebold_mariano(kA, kB, 0);
  EXPECT_EQ(r.n, 10u);
  EXPECT_NEAR(r.mean_differential, 0.31, 1e-15);
  EXPECT_NEAR(r.z, 1.5679379024045816, 1e-12);
}

TEST(DieboldMariano, NeweyWestTwoLagsMatchesNumpy) {
  EXPECT_NEAR(diebold_mariano(kA, kB, 2).z, 1.9957541071184697, 1e-12);
}

TEST(DieboldMariano, SignSaysWhichIsWorseAndSumsAgree) {
  EXPECT_NEAR(diebold_mariano(kB, kA, 0).z, -1.5679379024045816, 1e-12);
  double s = 0, s2 = 0;
  for (std::size_t i = 0; i < kA.size(); ++i) {
    s += kA[i] - kB[i];
    s2 += (kA[i] - kB[i]) * (kA[i] - kB[i]);
  }
  EXPECT_NEAR(dm_z_from_sums(kA.size(), s, s2), 1.5679379024045816, 1e-9);
}

TEST(DieboldMariano, DegenerateInputsGiveZero) {
  EXPECT_EQ(diebold_mariano(std::vector<double>{1.0}, std::vector<double>{2.0}).z, 0.0);
  const std::vector<double> same{1, 2, 3};
  EXPECT_EQ(diebold_mariano(same, same).z, 0.0);
  EXPECT_EQ(dm_z_from_sums(5, 5.0, 5.0), 0.0);  // constant differential
}

}  // namespace
}  // namespace tickcast::model

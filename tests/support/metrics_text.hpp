// Reading Prometheus' text exposition format in tests.
#pragma once

#include <string>
#include <vector>

namespace tickcast::test {

// Sum of every sample of `family` whose line contains all of `labels`
// (e.g. {"what=\"bar_log\""}), or -1 if there is none.
double sum_samples(const std::string& metrics, const std::string& family,
                   const std::vector<std::string>& labels = {});

}  // namespace tickcast::test

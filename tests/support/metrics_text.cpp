#include "tests/support/metrics_text.hpp"

#include <sstream>

namespace tickcast::test {

double sum_samples(const std::string& metrics, const std::string& family,
                   const std::vector<std::string>& labels) {
  double sum = 0;
  bool found = false;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(family + "{", 0) != 0 && line.rfind(family + " ", 0) != 0) continue;
    bool match = true;
    for (const std::string& label : labels) match = match && line.find(label) != std::string::npos;
    if (!match) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    found = true;
  }
  return found ? sum : -1;
}

}  // namespace tickcast::test

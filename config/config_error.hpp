// One problem found in a config file, located by key path and line.
#pragma once

#include <cstdint>
#include <string>

namespace tickcast::config {

struct ConfigError {
  std::string key;        // "model.hidden", "feeds[1].exchange"; empty for syntax errors
  std::int64_t line = 0;  // 1-based line in the file; 0 when no line applies
  std::string message;    // what is wrong and what would be right

  // One line: "config error: model.hidden at line 12: must be between 1 and
  // 1024, got 0".
  [[nodiscard]] std::string to_string() const {
    std::string out = "config error: ";
    if (!key.empty()) out += key;
    if (line > 0) out += (key.empty() ? "at line " : " at line ") + std::to_string(line);
    if (!key.empty() || line > 0) out += ": ";
    return out + message;
  }
};

}  // namespace tickcast::config

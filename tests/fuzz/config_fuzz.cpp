// The config loader (TOML parse + schema validation) on arbitrary text. It
// must answer with a Config or with errors, never both and never neither.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto result = tickcast::config::load_config_text(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  if (result.config.has_value() == !result.errors.empty()) __builtin_trap();
  return 0;
}

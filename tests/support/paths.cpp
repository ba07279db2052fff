#include "tests/support/paths.hpp"

namespace tickcast::test {

std::filesystem::path tickcast_binary() {
  return TICKCAST_BINARY_PATH;
}
std::filesystem::path source_dir() {
  return TICKCAST_SOURCE_DIR;
}
std::filesystem::path build_dir() {
  return TICKCAST_BUILD_DIR;
}
std::filesystem::path shared_data_dir() {
  return TICKCAST_SHARED_DATA_DIR;
}

}  // namespace tickcast::test

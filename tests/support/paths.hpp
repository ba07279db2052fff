// Where tests find the binary under test, the source tree and the shared data.
#pragma once

#include <filesystem>

namespace tickcast::test {

// The `tickcast` binary built in this tree.
std::filesystem::path tickcast_binary();

// The project's source directory (for config/, systemd/, docs/).
std::filesystem::path source_dir();

// The CMake build directory of this build.
std::filesystem::path build_dir();

// ../shared/data beside the checkout: real exchange recordings, read in place.
std::filesystem::path shared_data_dir();

}  // namespace tickcast::test

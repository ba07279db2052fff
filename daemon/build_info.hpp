// What was built: the version and the git commit, for `tickcast version` and
// the tickcast_build_info metric.
#pragma once

#include <string_view>

namespace tickcast::daemon {

std::string_view build_version();
std::string_view build_commit();

}  // namespace tickcast::daemon

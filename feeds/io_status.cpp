#include "feeds/io_status.hpp"

#include <cstring>

namespace tickcast::feeds {

IoStatus IoStatus::from_errno(const std::string& what, const std::string& path, int err) {
  return IoStatus::error(what + " " + path + ": " + std::strerror(err));
}

}  // namespace tickcast::feeds

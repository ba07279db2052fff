// Replacing a file so that a crash at any moment leaves either the old or the
// new contents, never a torn mix: write a temp file beside it, fsync it,
// rename it over the target, fsync the directory (so the rename itself is
// durable). The temp file is removed if any step fails.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tickcast::model {

// Returns "" on success, else what failed with the OS's reason
// ("fsync /var/lib/tickcast/x.tmp: No space left on device").
[[nodiscard]] std::string write_file_atomically(const std::filesystem::path& path,
                                                std::string_view bytes);

}  // namespace tickcast::model

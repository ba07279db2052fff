// Where one symbol's models live on disk, and how they come back at start.
//
//   <state_dir>/models/<exchange>/<symbol>/
//     live.model       the live model with its (h, c) after its last bar,
//                      rewritten every model.checkpoint_every bars and at
//                      shutdown
//     v000007.model    each accepted version as it was swapped in (weights
//                      and warm state); the newest model.keep_versions stay
//     *.corrupt-<ns>   a file that failed to load, moved aside for an
//                      operator to inspect; never read again
//
// Every file is a checkpoint (docs/model-format.md) written atomically
// (temp, fsync, rename, fsync dir), so a crash leaves the old or the new
// file, never a torn one. Restore prefers live.model; a corrupt one is moved
// aside with one log line and the newest loadable version is used instead.
// A checkpoint that loads but does not fit the config (say model.hidden
// changed) is left in place and skipped with a log line: the symbol then
// warms up a new model, whose version continues after the highest on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "feeds/log_sink.hpp"
#include "model/checkpoint.hpp"
#include "model/model_options.hpp"

namespace tickcast::daemon {

class ModelStore {
 public:
  ModelStore(const std::filesystem::path& state_dir, const std::string& exchange,
             const std::string& symbol, int keep_versions, feeds::LogSink log);

  // Creates the directory and removes temp files of checkpoint writes that
  // a crash interrupted. Returns "" or why not.
  [[nodiscard]] std::string open();

  [[nodiscard]] const std::filesystem::path& directory() const { return dir_; }
  [[nodiscard]] std::filesystem::path live_path() const { return dir_ / "live.model"; }
  [[nodiscard]] std::filesystem::path version_path(std::uint64_t version) const;

  struct Restored {
    model::Checkpoint checkpoint;
    std::filesystem::path file;
  };
  // The newest usable checkpoint under `options` (see above), if any.
  // Thread-compatible: call before the symbol starts.
  [[nodiscard]] std::optional<Restored> restore(const model::ModelOptions& options);

  // The highest model version found on disk by restore() or written since:
  // new versions are numbered after it, so numbers never repeat.
  [[nodiscard]] std::uint64_t highest_version() const { return highest_version_; }

  // Writes v<version>.model and deletes versions beyond keep_versions.
  // Returns "" or the error (nothing is deleted then).
  [[nodiscard]] std::string save_version(const model::Checkpoint& checkpoint);
  // Rewrites live.model. Returns "" or the error.
  [[nodiscard]] std::string save_live(const model::Checkpoint& checkpoint);

  // Files restore() found unloadable and moved aside.
  [[nodiscard]] std::uint64_t corrupt_files() const { return corrupt_files_; }

  // Versions on disk, ascending.
  [[nodiscard]] std::vector<std::uint64_t> versions_on_disk() const;

 private:
  bool try_load(const std::filesystem::path& path, const model::ModelOptions& options,
                model::Checkpoint& out);
  void move_aside(const std::filesystem::path& path, const std::string& why);
  void log(feeds::LogLevel level, const std::string& message);

  std::filesystem::path dir_;
  std::string name_;  // "exchange:symbol" for log lines
  int keep_versions_;
  feeds::LogSink log_;
  std::uint64_t highest_version_ = 0;
  std::uint64_t corrupt_files_ = 0;
};

}  // namespace tickcast::daemon

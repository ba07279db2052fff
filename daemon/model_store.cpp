#include "daemon/model_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "model/atomic_file.hpp"

namespace tickcast::daemon {

namespace fs = std::filesystem;

namespace {

// "v000123.model" -> 123; nullopt for anything else.
std::optional<std::uint64_t> parse_version_file(const std::string& name) {
  constexpr std::string_view kSuffix = ".model";
  if (name.size() <= 1 + kSuffix.size() || name[0] != 'v' ||
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const char* first = name.data() + 1;
  const char* last = name.data() + name.size() - kSuffix.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) return std::nullopt;
  return value;
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ModelStore::ModelStore(const fs::path& state_dir, const std::string& exchange,
                       const std::string& symbol, int keep_versions, feeds::LogSink log)
    : dir_(state_dir / "models" / exchange / symbol),
      name_(exchange + ":" + symbol),
      keep_versions_(std::max(1, keep_versions)),
      log_(std::move(log)) {}

std::string ModelStore::open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return "cannot create " + dir_.string() + ": " + ec.message();
  // A temp file ("live.model.tmp.<pid>") is what a write killed before its
  // rename leaves; it was never a checkpoint, and the state dir's lock says
  // no other process is writing one now. Left alone, crashes would pile
  // them up.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".model.tmp.") == std::string::npos) continue;
    std::error_code removed;
    fs::remove(entry.path(), removed);
    log(feeds::LogLevel::kInfo, "removed " + name + ", left by an interrupted checkpoint write" +
                                    (removed ? " (failed: " + removed.message() + ")" : ""));
  }
  return {};
}

fs::path ModelStore::version_path(std::uint64_t version) const {
  char name[32];
  std::snprintf(name, sizeof name, "v%06llu.model", static_cast<unsigned long long>(version));
  return dir_ / name;
}

std::vector<std::uint64_t> ModelStore::versions_on_disk() const {
  std::vector<std::uint64_t> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (auto v = parse_version_file(entry.path().filename().string())) versions.push_back(*v);
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

void ModelStore::log(feeds::LogLevel level, const std::string& message) {
  if (log_) log_(level, name_ + ": " + message);
}

void ModelStore::move_aside(const fs::path& path, const std::string& why) {
  ++corrupt_files_;
  const fs::path aside = path.string() + ".corrupt-" + std::to_string(wall_ns());
  std::error_code ec;
  fs::rename(path, aside, ec);
  log(feeds::LogLevel::kError, why + (ec ? "; could not move it aside: " + ec.message()
                                         : "; moved aside to " + aside.filename().string()));
}

bool ModelStore::try_load(const fs::path& path, const model::ModelOptions& options,
                          model::Checkpoint& out) {
  model::Checkpoint checkpoint;
  const model::CheckpointStatus status = model::load_checkpoint(path, checkpoint);
  if (!status.ok()) {
    if (status.code == model::CheckpointError::kIo && !fs::exists(path)) return false;
    move_aside(path, "unusable checkpoint (" + std::string(model::to_string(status.code)) +
                         "): " + status.message);
    return false;
  }
  highest_version_ = std::max(highest_version_, checkpoint.model_version);
  if (std::string problem = model::check_compatible(checkpoint, options); !problem.empty()) {
    log(feeds::LogLevel::kWarn, path.filename().string() + " does not fit the config (" + problem +
                                    "); not used, left in place");
    return false;
  }
  out = std::move(checkpoint);
  return true;
}

std::optional<ModelStore::Restored> ModelStore::restore(const model::ModelOptions& options) {
  const std::vector<std::uint64_t> versions = versions_on_disk();
  if (!versions.empty()) highest_version_ = std::max(highest_version_, versions.back());

  Restored restored;
  if (try_load(live_path(), options, restored.checkpoint)) {
    restored.file = live_path();
    return restored;
  }
  // Newest first: the most recent accepted model, with the warm state it
  // had when it was swapped in; bars logged since then catch it up.
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const fs::path path = version_path(*it);
    if (try_load(path, options, restored.checkpoint)) {
      restored.file = path;
      log(feeds::LogLevel::kWarn, "restoring from " + path.filename().string());
      return restored;
    }
  }
  return std::nullopt;
}

std::string ModelStore::save_version(const model::Checkpoint& checkpoint) {
  if (std::string error =
          model::save_checkpoint(version_path(checkpoint.model_version), checkpoint).message;
      !error.empty()) {
    return error;
  }
  highest_version_ = std::max(highest_version_, checkpoint.model_version);
  std::vector<std::uint64_t> versions = versions_on_disk();
  const std::size_t keep = static_cast<std::size_t>(keep_versions_);
  for (std::size_t i = 0; i + keep < versions.size(); ++i) {
    std::error_code ec;
    fs::remove(version_path(versions[i]), ec);
    if (ec) {
      log(feeds::LogLevel::kWarn, "cannot delete old " +
                                      version_path(versions[i]).filename().string() + ": " +
                                      ec.message());
    }
  }
  return {};
}

std::string ModelStore::save_live(const model::Checkpoint& checkpoint) {
  return model::save_checkpoint(live_path(), checkpoint).message;
}

}  // namespace tickcast::daemon

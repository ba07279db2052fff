// The whole configuration of a tickcast daemon, loaded from one TOML file.
//
// Loading is all-or-nothing: a file with any unknown key, wrong type or
// out-of-range value yields no Config, only errors that each name the key
// path and line. The daemon refuses to start on them (and a SIGHUP with such
// a file keeps the running config).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/daemon_options.hpp"
#include "feeds/bar_options.hpp"
#include "feeds/feed_options.hpp"
#include "model/model_options.hpp"

namespace tickcast::config {

struct Config {
  DaemonOptions daemon;
  ServerOptions server;
  std::vector<feeds::FeedOptions> feeds;
  feeds::BarOptions bars;
  model::ModelOptions model;
  model::ScoreOptions scores;
  BuiltinReplayOptions replay;
};

struct LoadResult {
  std::optional<Config> config;     // set exactly when errors is empty
  std::vector<ConfigError> errors;  // in file order
};

// Reads and validates a config file.
[[nodiscard]] LoadResult load_config_file(const std::filesystem::path& path);

// Same, from text; `source` names it in errors (usually the file path).
[[nodiscard]] LoadResult load_config_text(std::string_view text, std::string_view source);

// The effective config as TOML, every key present, each with a comment that
// says what it does. Loading this text gives back the same Config.
[[nodiscard]] std::string render_effective(const Config& config);

// What a SIGHUP with `next` would do to a daemon running `running`.
struct ReloadPlan {
  std::vector<std::string> applied;        // changed keys that take effect now
  std::vector<std::string> needs_restart;  // changed keys that wait for a restart
};
[[nodiscard]] ReloadPlan plan_reload(const Config& running, const Config& next);

// Every key of every section as a Markdown reference (docs/configuration.md).
[[nodiscard]] std::string render_reference();

}  // namespace tickcast::config

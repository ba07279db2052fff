#include "config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/sections.hpp"

namespace tickcast::config {
namespace {

// The line of the node at a dotted path, for errors that concern a whole
// value rather than its syntax (cross-key checks).
std::int64_t line_at(const toml::table& root, std::string_view path) {
  toml::node_view<const toml::node> node = root.at_path(path);
  return node ? node.node()->source().begin.line : 0;
}

template <class Options>
void read_section(const toml::table& root, const Section<Options>& section, Options& options,
                  std::vector<ConfigError>& errors) {
  const toml::node* node = root.get(section.name());
  if (node == nullptr) return;  // every key keeps its default
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    errors.push_back({section.name(), Section<Options>::line_of(*node),
                      "must be a table ([" + section.name() + "]), got " + describe_type(*node)});
    return;
  }
  section.read(*table, section.name(), options, errors);
}

void read_feeds(const toml::table& root, std::vector<feeds::FeedOptions>& feeds,
                std::vector<ConfigError>& errors) {
  const toml::node* node = root.get("feeds");
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    errors.push_back(
        {"feeds", Section<feeds::FeedOptions>::line_of(*node),
         "must be an array of tables (write each feed as [[feeds]]), got " + describe_type(*node)});
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    feeds::FeedOptions feed;
    feed_section().read(*array->get(i)->as_table(), "feeds[" + std::to_string(i) + "]", feed,
                        errors);
    feeds.push_back(std::move(feed));
  }
}

// Checks that involve more than one key, or a value's meaning beyond its type.
void check_consistency(const toml::table& root, const Config& config,
                       std::vector<ConfigError>& errors) {
  const auto& bars = config.bars;
  if (bars.interval % std::chrono::seconds(1) != std::chrono::nanoseconds(0)) {
    errors.push_back(
        {"bars.interval", line_at(root, "bars.interval"),
         "must be a whole number of seconds, got \"" + format_duration(bars.interval) + "\""});
  }
  if (bars.allowed_lateness > bars.interval) {
    errors.push_back({"bars.allowed_lateness", line_at(root, "bars.allowed_lateness"),
                      "must be at most bars.interval (" + format_duration(bars.interval) +
                          "), got \"" + format_duration(bars.allowed_lateness) + "\""});
  }
  if (bars.max_price_ratio > 0 && bars.max_price_ratio <= 1) {
    errors.push_back(
        {"bars.max_price_ratio", line_at(root, "bars.max_price_ratio"),
         "must be 0 (no price band) or above 1, got " + format_number(bars.max_price_ratio)});
  }

  if (config.model.warmup_steps >= config.model.seq_len) {
    errors.push_back({"model.warmup_steps", line_at(root, "model.warmup_steps"),
                      "must be less than model.seq_len (" + std::to_string(config.model.seq_len) +
                          "), got " + std::to_string(config.model.warmup_steps)});
  }

  const auto& model = config.model;
  if (model.min_bars > model.window) {
    errors.push_back({"model.min_bars", line_at(root, "model.min_bars"),
                      "must be at most model.window (" + std::to_string(model.window) + "), got " +
                          std::to_string(model.min_bars)});
  }
  // A job trains on min_bars - validation_bars bars at the least; fewer than
  // two sequences of seq_len cannot train anything worth validating.
  if (model.min_bars - model.validation_bars < 2 * model.seq_len) {
    errors.push_back({"model.validation_bars", line_at(root, "model.validation_bars"),
                      "leaves model.min_bars - model.validation_bars = " +
                          std::to_string(model.min_bars - model.validation_bars) +
                          " training bars, fewer than 2 * model.seq_len (" +
                          std::to_string(2 * model.seq_len) +
                          "); lower it or raise model.min_bars"});
  }

  for (std::size_t i = 0; i < config.feeds.size(); ++i) {
    const feeds::FeedOptions& feed = config.feeds[i];
    const std::string path = "feeds[" + std::to_string(i) + "]";
    auto line = [&](std::string_view key) { return line_at(root, path + "." + std::string(key)); };
    if (!feed.url.empty() && feed.url.rfind("ws://", 0) != 0 && feed.url.rfind("wss://", 0) != 0) {
      errors.push_back(
          {path + ".url", line("url"), "must start with ws:// or wss://, got " + quote(feed.url)});
    }
    if (!feed.channel.empty()) {
      bool binance_channel = feed.channel == "trade" || feed.channel == "aggTrade";
      if (feed.exchange == "binance" ? !binance_channel : feed.channel != "trade") {
        errors.push_back(
            {path + ".channel", line("channel"),
             feed.exchange == "binance"
                 ? "must be \"trade\" or \"aggTrade\" for binance, got " + quote(feed.channel)
                 : "must be \"trade\" for " + feed.exchange + ", got " + quote(feed.channel)});
      }
    }
    if (feed.backoff_max < feed.backoff_initial) {
      errors.push_back(
          {path + ".backoff_max", line("backoff_max"),
           "must be at least backoff_initial (" + format_duration(feed.backoff_initial) + ")"});
    }
    if (feed.rotate_after != std::chrono::nanoseconds(0) &&
        feed.rotate_after < std::chrono::minutes(1)) {
      errors.push_back(
          {path + ".rotate_after", line("rotate_after"),
           "must be 0s (off) or at least 1m, got \"" + format_duration(feed.rotate_after) + "\""});
    }
    // One [[feeds]] entry per exchange: per-connection metrics are labelled
    // by exchange alone, and the frame recorder writes one file per exchange
    // per day, so a second connection to the same exchange would merge
    // series and interleave writes into one gzip file.
    for (std::size_t j = 0; j < i; ++j) {
      if (config.feeds[j].exchange != feed.exchange) continue;
      errors.push_back({path + ".exchange", line("exchange"),
                        quote(feed.exchange) + " is already configured in feeds[" +
                            std::to_string(j) + "]; list all its symbols there"});
      break;
    }
  }
}

template <class Options>
void diff_section(const Section<Options>& section, const Options& running, const Options& next,
                  ReloadPlan& plan) {
  for (const auto& field : section.fields()) {
    if (field.write(running) == field.write(next)) continue;
    std::string key = section.name() + "." + std::string(field.info.key);
    (field.info.live ? plan.applied : plan.needs_restart).push_back(std::move(key));
  }
}

template <class Options>
std::string render_section(const Section<Options>& section, const Options& options,
                           std::string_view header) {
  std::string out = std::string(header) + "\n";
  for (const auto& field : section.fields()) {
    out += "# " + std::string(field.info.doc) + (field.info.live ? " (SIGHUP applies)" : "") + "\n";
    out += std::string(field.info.key) + " = " + field.write(options) + "\n";
  }
  return out;
}

template <class Options>
std::string reference_table(const Section<Options>& section, std::string_view header) {
  const Options defaults{};
  std::string out = "## `" + std::string(header) + "`\n\n";
  out += "| key | type | default | SIGHUP | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& field : section.fields()) {
    std::string default_text =
        field.info.required ? "(required)" : "`" + field.write(defaults) + "`";
    out += "| `" + std::string(field.info.key) + "` | " + field.type + " | " + default_text +
           " | " + (field.info.live ? "applies" : "restart") + " | " + std::string(field.info.doc) +
           " |\n";
  }
  return out + "\n";
}

}  // namespace

LoadResult load_config_text(std::string_view text, std::string_view source) {
  LoadResult result;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    result.errors.push_back(
        {"", e.source().begin.line, "invalid TOML: " + std::string(e.description())});
    return result;
  }

  Config config;
  for (auto&& [key, node] : root) {
    static constexpr std::string_view kSections[] = {"daemon", "server", "feeds", "bars",
                                                     "model",  "scores", "replay"};
    if (std::find(std::begin(kSections), std::end(kSections), key.str()) == std::end(kSections)) {
      result.errors.push_back(
          {std::string(key.str()), node.source().begin.line,
           "unknown section (known: [daemon], [server], [[feeds]], [bars], [model], [scores], "
           "[replay])"});
    }
  }
  read_section(root, daemon_section(), config.daemon, result.errors);
  read_section(root, server_section(), config.server, result.errors);
  read_feeds(root, config.feeds, result.errors);
  read_section(root, bars_section(), config.bars, result.errors);
  read_section(root, model_section(), config.model, result.errors);
  read_section(root, scores_section(), config.scores, result.errors);
  read_section(root, replay_section(), config.replay, result.errors);
  if (result.errors.empty()) check_consistency(root, config, result.errors);

  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_config_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({"", 0, "cannot read " + path.string() + ": " + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), path.string());
}

std::string render_effective(const Config& config) {
  std::string out;
  out += render_section(daemon_section(), config.daemon, "[daemon]") + "\n";
  out += render_section(server_section(), config.server, "[server]") + "\n";
  for (const feeds::FeedOptions& feed : config.feeds) {
    out += render_section(feed_section(), feed, "[[feeds]]") + "\n";
  }
  out += render_section(bars_section(), config.bars, "[bars]") + "\n";
  out += render_section(model_section(), config.model, "[model]") + "\n";
  out += render_section(scores_section(), config.scores, "[scores]") + "\n";
  out += render_section(replay_section(), config.replay, "[replay]");
  return out;
}

ReloadPlan plan_reload(const Config& running, const Config& next) {
  ReloadPlan plan;
  diff_section(daemon_section(), running.daemon, next.daemon, plan);
  diff_section(server_section(), running.server, next.server, plan);
  bool feeds_changed = running.feeds.size() != next.feeds.size();
  for (std::size_t i = 0; !feeds_changed && i < next.feeds.size(); ++i) {
    feeds_changed = feed_section().write(running.feeds[i]) != feed_section().write(next.feeds[i]);
  }
  if (feeds_changed) plan.needs_restart.push_back("feeds");
  diff_section(bars_section(), running.bars, next.bars, plan);
  diff_section(model_section(), running.model, next.model, plan);
  diff_section(scores_section(), running.scores, next.scores, plan);
  diff_section(replay_section(), running.replay, next.replay, plan);
  return plan;
}

std::string render_reference() {
  std::string out;
  out += reference_table(daemon_section(), "[daemon]");
  out += reference_table(server_section(), "[server]");
  out += reference_table(feed_section(), "[[feeds]]");
  out += reference_table(bars_section(), "[bars]");
  out += reference_table(model_section(), "[model]");
  out += reference_table(scores_section(), "[scores]");
  out += reference_table(replay_section(), "[replay]");
  return out;
}

}  // namespace tickcast::config

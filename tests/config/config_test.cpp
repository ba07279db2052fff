// The config loader: every class of error names the key path and the line,
// in one line, and a valid file gives back exactly what it says.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/paths.hpp"

namespace tickcast::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The one error a text produces, as the daemon would print it.
std::string only_error(std::string_view text) {
  LoadResult result = load_config_text(text, "test.toml");
  EXPECT_FALSE(result.config.has_value());
  if (result.errors.size() != 1) {
    ADD_FAILURE() << "expected one error, got " << result.errors.size();
    return {};
  }
  return result.errors.front().to_string();
}

TEST(ConfigTest, EmptyFileGivesTheDocumentedDefaults) {
  LoadResult result = load_config_text("", "empty.toml");
  ASSERT_TRUE(result.config) << result.errors.front().to_string();
  const Config& c = *result.config;
  EXPECT_EQ(c.daemon.state_dir, "/var/lib/tickcast");
  EXPECT_EQ(c.daemon.network_threads, 1);
  EXPECT_EQ(c.server.listen, "127.0.0.1:9464");
  EXPECT_EQ(c.bars.interval, std::chrono::minutes(1));
  EXPECT_EQ(c.bars.allowed_lateness, std::chrono::seconds(2));
  EXPECT_EQ(c.model.hidden, 32);
  EXPECT_EQ(c.model.seq_len, 64);
  EXPECT_EQ(c.model.batch, 32);
  EXPECT_DOUBLE_EQ(c.model.learning_rate, 1e-3);
  EXPECT_THAT(c.feeds, IsEmpty());
}

TEST(ConfigTest, ValuesAreReadIntoEverySection) {
  LoadResult result = load_config_text(R"(
[daemon]
state_dir = "/srv/tc"
log_level = "debug"
shutdown_timeout = "1m30s"

[server]
listen = "[::1]:9000"
max_header_bytes = "16KiB"
max_body_bytes = 0

[[feeds]]
exchange = "binance"
symbols = ["BTCUSDT", "ETHUSDT"]
channel = "aggTrade"
stale_after = "45s"

[[feeds]]
exchange = "coinbase"
symbols = ["BTC-USD"]
url = "ws://127.0.0.1:9001"

[bars]
interval = "5m"
allowed_lateness = "500ms"
late_policy = "revise"

[model]
hidden = 64
layers = 2
learning_rate = 0.01
features = ["log_return", "mask"]
)",
                                       "full.toml");
  ASSERT_TRUE(result.config) << result.errors.front().to_string();
  const Config& c = *result.config;
  EXPECT_EQ(c.daemon.state_dir, "/srv/tc");
  EXPECT_EQ(c.daemon.log_level, "debug");
  EXPECT_EQ(c.daemon.shutdown_timeout, std::chrono::seconds(90));
  EXPECT_EQ(c.server.listen, "[::1]:9000");
  EXPECT_EQ(c.server.max_header_bytes, 16384);
  EXPECT_EQ(c.server.max_body_bytes, 0);
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].exchange, "binance");
  EXPECT_THAT(c.feeds[0].symbols, ElementsAre("BTCUSDT", "ETHUSDT"));
  EXPECT_EQ(c.feeds[0].channel, "aggTrade");
  EXPECT_EQ(c.feeds[0].stale_after, std::chrono::seconds(45));
  EXPECT_EQ(c.feeds[1].url, "ws://127.0.0.1:9001");
  EXPECT_EQ(c.bars.interval, std::chrono::minutes(5));
  EXPECT_EQ(c.bars.allowed_lateness, std::chrono::milliseconds(500));
  EXPECT_EQ(c.bars.late_policy, "revise");
  EXPECT_EQ(c.model.hidden, 64);
  EXPECT_EQ(c.model.layers, 2);
  EXPECT_DOUBLE_EQ(c.model.learning_rate, 0.01);
  EXPECT_THAT(c.model.features, ElementsAre("log_return", "mask"));
}

TEST(ConfigTest, OutOfRangeIntegerNamesKeyLineRangeAndValue) {
  EXPECT_EQ(only_error("[model]\nlayers = 1\n\nhidden = 0\n"),
            "config error: model.hidden at line 4: must be between 1 and 1024, got 0");
}

TEST(ConfigTest, UnknownKeyIsAnErrorWithASuggestion) {
  EXPECT_EQ(only_error("[model]\nhiden = 12\n"),
            "config error: model.hiden at line 2: unknown key (did you mean hidden?)");
}

TEST(ConfigTest, UnknownKeyFarFromAnyKnownOneNamesTheSection) {
  EXPECT_EQ(only_error("[server]\ncompletely_different = true\n"),
            "config error: server.completely_different at line 2: unknown key in [server]");
}

TEST(ConfigTest, UnknownSectionIsAnError) {
  EXPECT_EQ(only_error("[modle]\nhidden = 3\n"),
            "config error: modle at line 1: unknown section (known: [daemon], [server], "
            "[[feeds]], [bars], [model], [scores], [replay])");
}

TEST(ConfigTest, WrongTypeNamesExpectedAndActualType) {
  EXPECT_EQ(only_error("[model]\nhidden = \"32\"\n"),
            "config error: model.hidden at line 2: must be an integer, got a string");
  EXPECT_EQ(only_error("[daemon]\nstate_dir = 5\n"),
            "config error: daemon.state_dir at line 2: must be a string, got an integer");
  EXPECT_EQ(only_error("[bars]\ninterval = 60\n"),
            "config error: bars.interval at line 2: must be a duration string like \"2s\" or "
            "\"500ms\", got an integer");
}

TEST(ConfigTest, FloatIsNotAcceptedForAnInteger) {
  EXPECT_THAT(only_error("[model]\nbatch = 32.5\n"),
              HasSubstr("model.batch at line 2: must be an integer, got a number"));
}

TEST(ConfigTest, IntegerIsAcceptedForANumber) {
  LoadResult result = load_config_text("[model]\nlearning_rate = 1\n", "t.toml");
  ASSERT_TRUE(result.config);
  EXPECT_DOUBLE_EQ(result.config->model.learning_rate, 1.0);
}

TEST(ConfigTest, ExclusiveLowerBoundRejectsZeroLearningRate) {
  EXPECT_EQ(only_error("[model]\nlearning_rate = 0.0\n"),
            "config error: model.learning_rate at line 2: must be above 0.0 and at most 1.0, got "
            "0.0");
}

TEST(ConfigTest, ChoiceOutsideTheListIsNamed) {
  EXPECT_EQ(only_error("[bars]\nlate_policy = \"keep\"\n"),
            "config error: bars.late_policy at line 2: must be one of drop, revise, got \"keep\"");
}

TEST(ConfigTest, MalformedDurationSaysHowToWriteOne) {
  EXPECT_THAT(only_error("[bars]\ninterval = \"1 minute\"\n"),
              HasSubstr("bars.interval at line 2: \"1 minute\" is not a duration"));
  EXPECT_THAT(only_error("[bars]\ninterval = \"60\"\n"),
              HasSubstr("bars.interval at line 2: \"60\" lacks a unit"));
}

TEST(ConfigTest, DurationOutOfRange) {
  EXPECT_EQ(only_error("[bars]\ninterval = \"2d\"\n"),
            "config error: bars.interval at line 2: must be between 1s and 1d, got \"2d\"");
}

TEST(ConfigTest, CrossKeyRulesNameTheDependentKey) {
  EXPECT_EQ(only_error("[bars]\ninterval = \"1s\"\nallowed_lateness = \"2s\"\n"),
            "config error: bars.allowed_lateness at line 3: must be at most bars.interval (1s), "
            "got \"2s\"");
  EXPECT_EQ(only_error("[bars]\ninterval = \"1500ms\"\nallowed_lateness = \"1s\"\n"),
            "config error: bars.interval at line 2: must be a whole number of seconds, got "
            "\"1s500ms\"");
}

TEST(ConfigTest, APriceBandOfAtMostOneWouldRefuseEveryMoveAndIsNamed) {
  EXPECT_EQ(only_error("[bars]\nmax_price_ratio = 0.5\n"),
            "config error: bars.max_price_ratio at line 2: must be 0 (no price band) or above 1, "
            "got 0.5");
  EXPECT_EQ(only_error("[bars]\ninterval = \"1m\"\nmax_price_ratio = 1\n"),
            "config error: bars.max_price_ratio at line 3: must be 0 (no price band) or above 1, "
            "got 1.0");
  LoadResult off = load_config_text("[bars]\nmax_price_ratio = 0\nmax_gap_fill_bars = 60\n", "t");
  ASSERT_TRUE(off.config) << off.errors.front().to_string();
  EXPECT_EQ(off.config->bars.max_price_ratio, 0);
  EXPECT_EQ(off.config->bars.max_gap_fill_bars, 60);
}

TEST(ConfigTest, BadListenAddress) {
  EXPECT_THAT(only_error("[server]\nlisten = \"localhost:80\"\n"),
              HasSubstr("server.listen at line 2: \"localhost:80\": localhost is not an IPv4"));
  EXPECT_THAT(only_error("[server]\nlisten = \"127.0.0.1:70000\"\n"),
              HasSubstr("server.listen at line 2: \"127.0.0.1:70000\": the port must be a number"));
}

TEST(ConfigTest, FeedErrorsNameTheFeedIndex) {
  EXPECT_EQ(only_error("[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\n\n"
                       "[[feeds]]\nexchange = \"nasdaq\"\nsymbols = [\"AAPL\"]\n"),
            "config error: feeds[1].exchange at line 6: must be one of binance, coinbase, kraken, "
            "bitstamp, okx, bybit, got \"nasdaq\"");
}

TEST(ConfigTest, MissingRequiredFeedKeyPointsAtTheTable) {
  EXPECT_EQ(only_error("[[feeds]]\nexchange = \"okx\"\n"),
            "config error: feeds[0].symbols at line 1: required key is missing");
}

TEST(ConfigTest, FeedsWrittenAsASingleTableIsExplained) {
  EXPECT_THAT(only_error("[feeds]\nexchange = \"okx\"\n"),
              HasSubstr("feeds at line 1: must be an array of tables (write each feed as "
                        "[[feeds]])"));
}

TEST(ConfigTest, EmptySymbolListAndRepeatsAreRefused) {
  EXPECT_THAT(only_error("[[feeds]]\nexchange = \"okx\"\nsymbols = []\n"),
              HasSubstr("feeds[0].symbols at line 3: must hold at least 1 entry"));
  EXPECT_THAT(only_error("[[feeds]]\nexchange = \"okx\"\nsymbols = [\"A\", \"A\"]\n"),
              HasSubstr("feeds[0].symbols at line 3: lists \"A\" twice"));
}

TEST(ConfigTest, SecondFeedOfOneExchangeIsRefused) {
  EXPECT_EQ(only_error("[[feeds]]\nexchange = \"okx\"\nsymbols = [\"BTC-USDT\"]\n"
                       "[[feeds]]\nexchange = \"okx\"\nsymbols = [\"ETH-USDT\"]\n"),
            "config error: feeds[1].exchange at line 5: \"okx\" is already configured in "
            "feeds[0]; list all its symbols there");
}

TEST(ConfigTest, FeedUrlMustBeAWebsocketUrl) {
  EXPECT_THAT(
      only_error("[[feeds]]\nexchange = \"okx\"\nsymbols = [\"BTC-USDT\"]\nurl = \"http://x\"\n"),
      HasSubstr("feeds[0].url at line 4: must start with ws:// or wss://"));
}

TEST(ConfigTest, ChannelMustSuitTheExchange) {
  EXPECT_THAT(only_error("[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\n"
                         "channel = \"depth\"\n"),
              HasSubstr("feeds[0].channel at line 4: must be \"trade\" or \"aggTrade\""));
}

TEST(ConfigTest, UnknownFeatureNameIsRefused) {
  EXPECT_THAT(only_error("[model]\nfeatures = [\"log_return\", \"moon_phase\"]\n"),
              HasSubstr("model.features at line 2: has \"moon_phase\", which is not one of"));
}

TEST(ConfigTest, TomlSyntaxErrorGivesTheLine) {
  std::string error = only_error("[model]\nhidden = 3\nlayers 2\n");
  EXPECT_THAT(error, HasSubstr("config error: at line 3: invalid TOML"));
}

TEST(ConfigTest, EveryErrorIsReportedInFileOrder) {
  LoadResult result =
      load_config_text("[model]\nhidden = 0\nlayers = 99\n[bars]\nbogus = 1\n", "t.toml");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[1].line, 3);
  EXPECT_EQ(result.errors[2].line, 5);
  EXPECT_FALSE(result.config);
}

TEST(ConfigTest, MissingFileSaysWhy) {
  LoadResult result = load_config_file("/nonexistent/tickcast.toml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "config error: cannot read /nonexistent/tickcast.toml: No such file or directory");
}

TEST(ConfigTest, EffectiveConfigReadsBackToTheSameConfig) {
  LoadResult first = load_config_text(
      "[daemon]\nshutdown_timeout = \"90s\"\n[server]\nmax_body_bytes = 1000\n"
      "[[feeds]]\nexchange = \"kraken\"\nsymbols = [\"XBT/USD\"]\n[model]\nlearning_rate = 3e-4\n",
      "t.toml");
  ASSERT_TRUE(first.config);
  const std::string rendered = render_effective(*first.config);
  EXPECT_THAT(rendered, HasSubstr("shutdown_timeout = \"1m30s\""));
  EXPECT_THAT(rendered, HasSubstr("max_body_bytes = \"1000B\""));
  LoadResult second = load_config_text(rendered, "rendered.toml");
  ASSERT_TRUE(second.config) << second.errors.front().to_string() << "\n" << rendered;
  EXPECT_EQ(render_effective(*second.config), rendered);
}

TEST(ConfigTest, ReloadPlanSeparatesLiveKeysFromRestartKeys) {
  Config running = *load_config_text("", "a").config;
  Config next = *load_config_text(
                     "[daemon]\nlog_level = \"debug\"\nnetwork_threads = 2\n"
                     "[server]\nlisten = \"127.0.0.1:1\"\nmax_connections = 5\n"
                     "[[feeds]]\nexchange = \"okx\"\nsymbols = [\"BTC-USDT\"]\n",
                     "b")
                     .config;
  ReloadPlan plan = plan_reload(running, next);
  EXPECT_THAT(plan.applied, ElementsAre("daemon.log_level", "server.max_connections"));
  EXPECT_THAT(plan.needs_restart, ElementsAre("daemon.network_threads", "server.listen", "feeds"));
}

TEST(ConfigTest, ShippedExampleConfigsAreValid) {
  for (const char* name : {"config/tickcast.toml", "config/demo.toml"}) {
    LoadResult result = load_config_file(test::source_dir() / name);
    EXPECT_TRUE(result.config) << name << ": "
                               << (result.errors.empty() ? "" : result.errors[0].to_string());
  }
}

TEST(ConfigTest, ConfigurationDocIsTheGeneratedReference) {
  std::ifstream in(test::source_dir() / "docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(doc, HasSubstr(render_reference()))
      << "docs/configuration.md is out of date: paste the output of `tickcast config-reference` "
         "into it";
}

TEST(ConfigTest, ScoreWindowsAreDistinctIntegersInRange) {
  EXPECT_EQ(only_error("[scores]\nwindows = [60, 60]\n"),
            "config error: scores.windows at line 2: lists 60 twice");
  EXPECT_EQ(only_error("[scores]\nwindows = [1]\n"),
            "config error: scores.windows at line 2: entries must be between 2 and 1000000, got 1");
  EXPECT_EQ(only_error("[scores]\nwindows = []\n"),
            "config error: scores.windows at line 2: must hold 1 to 8 entries, got 0");
  EXPECT_EQ(only_error("[scores]\nwindows = [\"60\"]\n"),
            "config error: scores.windows at line 2: must hold only integers, got a string");
  auto loaded = load_config_text(
      "[[feeds]]\nexchange = \"binance\"\nsymbols = [\"BTCUSDT\"]\n[scores]\nwindows = [1440, "
      "60]\n",
      "test.toml");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->scores.windows, (std::vector<int>{60, 1440}));
}

TEST(ConfigTest, RetrainWindowKeysMustFitTogether) {
  EXPECT_EQ(only_error("[model]\nwindow = 300\nmin_bars = 400\n"),
            "config error: model.min_bars at line 3: must be at most model.window (300), got 400");
  EXPECT_EQ(only_error("[model]\nmin_bars = 200\nvalidation_bars = 100\n"),
            "config error: model.validation_bars at line 3: leaves model.min_bars - "
            "model.validation_bars = 100 training bars, fewer than 2 * model.seq_len (128); lower "
            "it or raise model.min_bars");
}

}  // namespace
}  // namespace tickcast::config

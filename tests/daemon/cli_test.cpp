// The command line: help, version, unknown input, and check-config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

CommandResult tickcast(std::vector<std::string> args) {
  args.insert(args.begin(), tickcast_binary().string());
  return run_command(args);
}

TEST(CliTest, HelpListsEverySubcommand) {
  CommandResult result = tickcast({"--help"});
  EXPECT_EQ(result.status, 0);
  for (const char* sub : {"run", "check-config", "version", "config-reference"}) {
    EXPECT_THAT(result.output, HasSubstr(std::string("  ") + sub + " "));
  }
}

TEST(CliTest, EachSubcommandHasHelp) {
  for (const char* sub : {"run", "check-config", "version", "config-reference"}) {
    CommandResult result = tickcast({sub, "--help"});
    EXPECT_EQ(result.status, 0) << sub;
    EXPECT_THAT(result.output, StartsWith(std::string("usage: tickcast ") + sub)) << sub;
  }
}

TEST(CliTest, UnknownSubcommandAndFlagAreNamed) {
  CommandResult unknown = tickcast({"frobnicate"});
  EXPECT_NE(unknown.status, 0);
  EXPECT_THAT(unknown.output, HasSubstr("unknown subcommand 'frobnicate'"));
  CommandResult flag = tickcast({"run", "--confg", "x.toml"});
  EXPECT_EQ(flag.status, 2);
  EXPECT_THAT(flag.output, HasSubstr("tickcast run: unknown flag --confg"));
  CommandResult missing = tickcast({"check-config"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.output, HasSubstr("missing argument FILE"));
}

TEST(CliTest, VersionNamesVersionAndCommit) {
  CommandResult result = tickcast({"version"});
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.output, StartsWith("tickcast 0."));
  EXPECT_THAT(result.output, HasSubstr("(commit "));
}

TEST(CliTest, CheckConfigPrintsTheEffectiveConfigOfAValidFile) {
  CommandResult result = tickcast({"check-config", (source_dir() / "config/demo.toml").string()});
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("is valid"));
  // Keys the file does not set appear with their defaults.
  EXPECT_THAT(result.output, HasSubstr("max_connections = 256"));
  EXPECT_THAT(result.output, HasSubstr("interval = \"1s\""));
}

TEST(CliTest, CheckConfigFailsWithOneLinePerErrorNamingKeyAndLine) {
  TempDir dir;
  auto file =
      dir.write("bad.toml", "[bars]\ninterval = \"1x\"\n\n[server]\nlisten = \"nowhere\"\n");
  CommandResult result = tickcast({"check-config", file.string()});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output,
              HasSubstr(file.string() + ": config error: bars.interval at line 2: "));
  EXPECT_THAT(result.output,
              HasSubstr(file.string() + ": config error: server.listen at line 5: "));
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 2) << result.output;
}

}  // namespace
}  // namespace tickcast::test

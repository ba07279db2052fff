// The systemd unit: systemd itself accepts it, it carries the hardening the
// daemon is designed for, and `cmake --install` puts the binary and config
// where the installed unit looks for them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"

namespace tickcast::test {
namespace {

using ::testing::HasSubstr;

std::string unit_text() {
  return read_file(source_dir() / "systemd/tickcast.service");
}

TEST(SystemdUnitTest, SystemdAnalyzeVerifyAcceptsTheUnit) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/systemd-analyze"));
  // verify also checks that ExecStart= exists; point it at this build's
  // binary (the install test below checks the installed paths).
  std::string unit =
      std::regex_replace(unit_text(), std::regex("/usr/bin/tickcast"), tickcast_binary().string());
  TempDir dir;
  auto path = dir.write("tickcast.service", unit);
  CommandResult result = run_command({"/usr/bin/systemd-analyze", "verify", path.string()});
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(result.output, "") << "systemd-analyze verify printed warnings";
}

TEST(SystemdUnitTest, UnitIsANotifyServiceWithWatchdogAndHardening) {
  const std::string unit = unit_text();
  for (const char* line :
       {"Type=notify", "WatchdogSec=", "Restart=on-failure", "DynamicUser=yes",
        "StateDirectory=tickcast", "ConfigurationDirectory=tickcast", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute=yes",
        "SystemCallFilter=@system-service", "CapabilityBoundingSet=\n",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "ExecStart=/usr/bin/tickcast run --config /etc/tickcast/tickcast.toml"}) {
    EXPECT_THAT(unit, HasSubstr(line));
  }
}

TEST(SystemdUnitTest, InstallPutsBinaryUnitAndConfigWhereTheUnitExpects) {
  TempDir dest;
  CommandResult result = run_command({"/usr/bin/env", "DESTDIR=" + dest.path().string(), "cmake",
                                      "--install", build_dir().string()});
  ASSERT_EQ(result.status, 0) << result.output;

  // Find the installed unit and follow its paths into the staging tree.
  std::filesystem::path unit_path;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dest.path())) {
    if (entry.path().filename() == "tickcast.service") unit_path = entry.path();
  }
  ASSERT_FALSE(unit_path.empty()) << result.output;
  EXPECT_EQ(unit_path.parent_path().filename(), "system");
  const std::string unit = read_file(unit_path);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(unit, match, std::regex("ExecStart=(\\S+) run --config (\\S+)")));
  std::filesystem::path binary = dest.path().string() + match[1].str();
  std::filesystem::path config = dest.path().string() + match[2].str();
  EXPECT_TRUE(std::filesystem::exists(binary)) << binary;
  EXPECT_TRUE(std::filesystem::exists(config)) << config;
  CommandResult check = run_command({binary.string(), "check-config", "--quiet", config.string()});
  EXPECT_EQ(check.status, 0) << check.output;
}

}  // namespace
}  // namespace tickcast::test

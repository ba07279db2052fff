// Starting real binaries from tests: the tickcast daemon, promtool, a
// Prometheus server. Output goes to a file the test can read while the
// process runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tickcast::test {

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Writes `text` to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

// A child process whose stdout and stderr go to one log file.
class Process {
 public:
  // Starts `argv[0]` with the rest as arguments; `env` adds to (or
  // overrides) the test's own environment.
  Process(std::vector<std::string> argv, const std::filesystem::path& log_file,
          std::map<std::string, std::string> env = {});
  ~Process();  // SIGKILLs the child if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int signal_number) const;

  // The exit status (or 128 + signal) once the child ends, or nothing if it
  // is still running after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // Everything the child wrote so far.
  [[nodiscard]] std::string output() const;

  // Waits until the output contains `text`; false after `timeout` or if the
  // child ended first.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::filesystem::path log_file_;
};

// Runs a command to completion; returns its exit status and combined output.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// The test's own value of a sanitizer's options variable (ASAN_OPTIONS,
// UBSAN_OPTIONS) with `options` appended: a child given it keeps the
// preset's settings (log_path, halt_on_error) and later ones override them.
std::string sanitizer_options_with(const char* variable, const std::string& options);

// Environment entries that LD_PRELOAD `library` into a child, with the
// ASAN_OPTIONS (added to the test's own) that a sanitized child needs to
// start with a preloaded library; process.cpp says why each. Ignored by
// other builds.
std::map<std::string, std::string> preload_env(const std::string& library);

}  // namespace tickcast::test

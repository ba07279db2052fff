// A small command-line parser for tickcast's subcommands.
//
// Every subcommand declares its flags and positionals once; the same
// declaration produces `--help` and the error messages, so the two never
// disagree. Errors name the bad input ("tickcast train: unknown flag --epoch").
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tickcast::daemon {

class ArgParser {
 public:
  enum class Outcome { kOk, kHelpShown, kError };

  ArgParser(std::string command, std::string summary);

  // A flag without a value: `--loop`.
  ArgParser& flag(std::string name, std::string help);

  // A flag with a value: `--config FILE` or `--config=FILE`. An option with a
  // default is never missing; a required one without a value is an error.
  ArgParser& option(std::string name, std::string value_name, std::string help,
                    std::optional<std::string> default_value = std::nullopt, bool required = false);

  // A positional argument, in declaration order.
  ArgParser& positional(std::string name, std::string help, bool required = true);

  // Parses the arguments after the subcommand name. Prints usage on --help
  // (to stdout) and one line naming the problem on errors (to stderr).
  [[nodiscard]] Outcome parse(std::span<const std::string_view> args);

  // parse(), reduced to what a subcommand does next: nothing to do but go
  // on (nullopt), or end with this exit code (0 after --help, 2 on an error):
  //   if (auto exit_code = parser.parse_or_exit_code(args)) return *exit_code;
  [[nodiscard]] std::optional<int> parse_or_exit_code(std::span<const std::string_view> args);

  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::string get(std::string_view name) const;  // "" when absent
  [[nodiscard]] std::optional<std::string> get_optional(std::string_view name) const;

  [[nodiscard]] std::string usage() const;

 private:
  struct Spec {
    std::string name;
    std::string value_name;  // empty for a plain flag
    std::string help;
    std::optional<std::string> default_value;
    bool required = false;
    bool positional = false;
  };

  const Spec* find_flag(std::string_view name) const;
  Outcome fail(const std::string& message) const;

  std::string command_;
  std::string summary_;
  std::vector<Spec> specs_;
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace tickcast::daemon

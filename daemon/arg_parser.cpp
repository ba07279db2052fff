#include "daemon/arg_parser.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace tickcast::daemon {

ArgParser::ArgParser(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

ArgParser& ArgParser::flag(std::string name, std::string help) {
  specs_.push_back({std::move(name), "", std::move(help), std::nullopt, false, false});
  return *this;
}

ArgParser& ArgParser::option(std::string name, std::string value_name, std::string help,
                             std::optional<std::string> default_value, bool required) {
  specs_.push_back({std::move(name), std::move(value_name), std::move(help),
                    std::move(default_value), required, false});
  return *this;
}

ArgParser& ArgParser::positional(std::string name, std::string help, bool required) {
  specs_.push_back({std::move(name), "", std::move(help), std::nullopt, required, true});
  return *this;
}

const ArgParser::Spec* ArgParser::find_flag(std::string_view name) const {
  auto it = std::find_if(specs_.begin(), specs_.end(),
                         [&](const Spec& s) { return !s.positional && s.name == name; });
  return it == specs_.end() ? nullptr : &*it;
}

ArgParser::Outcome ArgParser::fail(const std::string& message) const {
  std::cerr << "tickcast " << command_ << ": " << message << " (see tickcast " << command_
            << " --help)\n";
  return Outcome::kError;
}

ArgParser::Outcome ArgParser::parse(std::span<const std::string_view> args) {
  values_.clear();
  std::vector<const Spec*> positionals;
  for (const Spec& s : specs_) {
    if (s.positional) positionals.push_back(&s);
  }
  std::size_t next_positional = 0;

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      return Outcome::kHelpShown;
    }
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      std::string_view body = arg.substr(2);
      std::optional<std::string_view> inline_value;
      if (auto eq = body.find('='); eq != std::string_view::npos) {
        inline_value = body.substr(eq + 1);
        body = body.substr(0, eq);
      }
      const Spec* spec = find_flag(body);
      if (spec == nullptr) return fail("unknown flag --" + std::string(body));
      if (spec->value_name.empty()) {
        if (inline_value) return fail("flag --" + spec->name + " takes no value");
        values_[spec->name] = "true";
        continue;
      }
      if (inline_value) {
        values_[spec->name] = std::string(*inline_value);
      } else if (i + 1 < args.size()) {
        values_[spec->name] = std::string(args[++i]);
      } else {
        return fail("flag --" + spec->name + " needs a value " + spec->value_name);
      }
      continue;
    }
    if (next_positional >= positionals.size()) {
      return fail("unexpected argument '" + std::string(arg) + "'");
    }
    values_[positionals[next_positional++]->name] = std::string(arg);
  }

  for (const Spec& s : specs_) {
    if (values_.contains(s.name)) continue;
    if (s.default_value) {
      values_[s.name] = *s.default_value;
    } else if (s.required) {
      return fail(s.positional ? "missing argument " + s.name
                               : "missing required flag --" + s.name);
    }
  }
  return Outcome::kOk;
}

std::optional<int> ArgParser::parse_or_exit_code(std::span<const std::string_view> args) {
  switch (parse(args)) {
    case Outcome::kOk:
      return std::nullopt;
    case Outcome::kHelpShown:
      return 0;
    case Outcome::kError:
      break;
  }
  return 2;
}

bool ArgParser::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

std::string ArgParser::get(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

std::optional<std::string> ArgParser::get_optional(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string ArgParser::usage() const {
  std::ostringstream out;
  out << "usage: tickcast " << command_;
  for (const Spec& s : specs_) {
    if (s.positional) {
      out << (s.required ? " " : " [") << s.name << (s.required ? "" : "]");
    } else if (s.required) {
      out << " --" << s.name << ' ' << s.value_name;
    }
  }
  bool has_optional_flags = std::any_of(specs_.begin(), specs_.end(),
                                        [](const Spec& s) { return !s.positional && !s.required; });
  if (has_optional_flags) out << " [options]";
  out << "\n\n" << summary_ << "\n\n";
  for (const Spec& s : specs_) {
    std::string left = s.positional
                           ? "  " + s.name
                           : "  --" + s.name + (s.value_name.empty() ? "" : " " + s.value_name);
    out << left;
    out << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << s.help;
    if (s.default_value) out << " (default: " << *s.default_value << ")";
    out << '\n';
  }
  out << "  --help                    show this help\n";
  return out.str();
}

}  // namespace tickcast::daemon

// The config schema: each section declares its keys once, and that one
// declaration reads TOML into the option struct (with type and range checks),
// writes the effective config back, decides what a SIGHUP may change, and
// produces the reference in docs/configuration.md.
//
// The option structs themselves (feeds/, model/, config/daemon_options.hpp)
// hold the defaults as member initializers, so a default-constructed struct is
// the default config and nothing here repeats a default.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/value_parsers.hpp"

namespace tickcast::config {

// What the reference says about a key, and how it may change.
struct KeyInfo {
  std::string_view key;
  std::string_view doc;
  bool live = false;      // a SIGHUP applies a new value without a restart
  bool required = false;  // no default: the key must be present
};

// "string", "integer", ... as a reader would say it.
std::string describe_type(const toml::node& node);

// A TOML literal for a string value, quoted and escaped.
std::string quote(std::string_view text);

// The shortest decimal that reads back to the same double ("0.001", "1e-08").
std::string format_number(double value);

// Levenshtein distance, to suggest the key a typo meant.
std::size_t edit_distance(std::string_view a, std::string_view b);

template <class Options>
struct Field {
  KeyInfo info;
  std::string type;  // "integer from 1 to 1024", for the reference
  // Reads the node into options; returns "" on success, else what is wrong.
  std::function<std::string(const toml::node&, Options&)> read;
  // The value as a TOML literal.
  std::function<std::string(const Options&)> write;
};

template <class Options>
class Section {
 public:
  explicit Section(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  const std::vector<Field<Options>>& fields() const { return fields_; }

  template <std::integral T>
  Section& integer(KeyInfo info, T Options::*member, std::int64_t min, std::int64_t max) {
    std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    return add(
        info, "integer " + range,
        [=](const toml::node& node, Options& o) -> std::string {
          auto value = node.value_exact<std::int64_t>();
          if (!value) return "must be an integer, got " + describe_type(node);
          if (*value < min || *value > max) {
            return "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", got " + std::to_string(*value);
          }
          o.*member = static_cast<T>(*value);
          return {};
        },
        [=](const Options& o) { return std::to_string(o.*member); });
  }

  // A real number in [min, max], or (min, max] when min_exclusive.
  Section& number(KeyInfo info, double Options::*member, double min, double max,
                  bool min_exclusive = false) {
    std::string range =
        (min_exclusive ? "above " : "from ") + format_number(min) + " to " + format_number(max);
    return add(
        info, "number " + range,
        [=](const toml::node& node, Options& o) -> std::string {
          std::optional<double> value;
          if (auto f = node.value_exact<double>()) value = *f;
          if (auto i = node.value_exact<std::int64_t>()) value = static_cast<double>(*i);
          if (!value) return "must be a number, got " + describe_type(node);
          bool below = min_exclusive ? !(*value > min) : !(*value >= min);
          if (below || !(*value <= max)) {
            return "must be " + std::string(min_exclusive ? "above " : "between ") +
                   format_number(min) + (min_exclusive ? " and at most " : " and ") +
                   format_number(max) + ", got " + format_number(*value);
          }
          o.*member = *value;
          return {};
        },
        [=](const Options& o) { return format_number(o.*member); });
  }

  Section& boolean(KeyInfo info, bool Options::*member) {
    return add(
        info, "boolean",
        [=](const toml::node& node, Options& o) -> std::string {
          auto value = node.value_exact<bool>();
          if (!value) return "must be true or false, got " + describe_type(node);
          o.*member = *value;
          return {};
        },
        [=](const Options& o) { return std::string(o.*member ? "true" : "false"); });
  }

  // A string; when `choices` is not empty it must be one of them.
  Section& text(KeyInfo info, std::string Options::*member, std::vector<std::string> choices = {}) {
    std::string type = choices.empty() ? "string" : "one of " + join(choices);
    return text_checked(info, member, type, [choices](const std::string& value) -> std::string {
      if (choices.empty() || std::find(choices.begin(), choices.end(), value) != choices.end()) {
        return {};
      }
      return "must be one of " + join(choices) + ", got " + quote(value);
    });
  }

  // A string that `check` accepts (it returns "" or what is wrong).
  Section& text_checked(KeyInfo info, std::string Options::*member, std::string type,
                        std::function<std::string(const std::string&)> check) {
    return add(
        info, std::move(type),
        [=](const toml::node& node, Options& o) -> std::string {
          auto value = node.value_exact<std::string>();
          if (!value) return "must be a string, got " + describe_type(node);
          if (std::string problem = check(*value); !problem.empty()) return problem;
          o.*member = *value;
          return {};
        },
        [=](const Options& o) { return quote(o.*member); });
  }

  // An array of strings, each one of `choices` when that is not empty, with
  // at least `min_count` entries and no repeats.
  Section& text_list(KeyInfo info, std::vector<std::string> Options::*member,
                     std::vector<std::string> choices, std::size_t min_count) {
    std::string type =
        "array of " + (choices.empty() ? std::string("strings") : "strings from " + join(choices));
    return add(
        info, type,
        [=](const toml::node& node, Options& o) -> std::string {
          const toml::array* array = node.as_array();
          if (array == nullptr) return "must be an array of strings, got " + describe_type(node);
          std::vector<std::string> values;
          for (const toml::node& item : *array) {
            auto value = item.value_exact<std::string>();
            if (!value) return "must hold only strings, got " + describe_type(item);
            if (!choices.empty() &&
                std::find(choices.begin(), choices.end(), *value) == choices.end()) {
              return "has " + quote(*value) + ", which is not one of " + join(choices);
            }
            if (std::find(values.begin(), values.end(), *value) != values.end()) {
              return "lists " + quote(*value) + " twice";
            }
            values.push_back(*value);
          }
          if (values.size() < min_count) {
            return "must hold at least " + std::to_string(min_count) + " entr" +
                   (min_count == 1 ? "y" : "ies");
          }
          o.*member = std::move(values);
          return {};
        },
        [=](const Options& o) {
          std::string out = "[";
          for (const std::string& v : o.*member) out += (out.size() > 1 ? ", " : "") + quote(v);
          return out + "]";
        });
  }

  // An array of distinct integers, each in [min, max], with between
  // min_count and max_count entries, kept in ascending order.
  Section& integer_list(KeyInfo info, std::vector<int> Options::*member, std::int64_t min,
                        std::int64_t max, std::size_t min_count, std::size_t max_count) {
    std::string type = "array of " + std::to_string(min_count) + " to " +
                       std::to_string(max_count) + " integers from " + std::to_string(min) +
                       " to " + std::to_string(max);
    return add(
        info, type,
        [=](const toml::node& node, Options& o) -> std::string {
          const toml::array* array = node.as_array();
          if (array == nullptr) return "must be an array of integers, got " + describe_type(node);
          std::vector<int> values;
          for (const toml::node& item : *array) {
            auto value = item.value_exact<std::int64_t>();
            if (!value) return "must hold only integers, got " + describe_type(item);
            if (*value < min || *value > max) {
              return "entries must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", got " + std::to_string(*value);
            }
            if (std::find(values.begin(), values.end(), *value) != values.end()) {
              return "lists " + std::to_string(*value) + " twice";
            }
            values.push_back(static_cast<int>(*value));
          }
          if (values.size() < min_count || values.size() > max_count) {
            return "must hold " + std::to_string(min_count) + " to " + std::to_string(max_count) +
                   " entries, got " + std::to_string(values.size());
          }
          std::sort(values.begin(), values.end());
          o.*member = std::move(values);
          return {};
        },
        [=](const Options& o) {
          std::string out = "[";
          for (int v : o.*member) out += (out.size() > 1 ? ", " : "") + std::to_string(v);
          return out + "]";
        });
  }

  // A duration string ("500ms", "2s", "1h") in [min, max].
  Section& duration(KeyInfo info, std::chrono::nanoseconds Options::*member,
                    std::chrono::nanoseconds min, std::chrono::nanoseconds max) {
    std::string range = "from " + format_duration(min) + " to " + format_duration(max);
    return add(
        info, "duration " + range,
        [=](const toml::node& node, Options& o) -> std::string {
          auto text_value = node.value_exact<std::string>();
          if (!text_value) {
            return "must be a duration string like \"2s\" or \"500ms\", got " + describe_type(node);
          }
          auto parsed = parse_duration(*text_value);
          if (!parsed) return parsed.error;
          if (*parsed.value < min || *parsed.value > max) {
            return "must be between " + format_duration(min) + " and " + format_duration(max) +
                   ", got " + quote(*text_value);
          }
          o.*member = *parsed.value;
          return {};
        },
        [=](const Options& o) { return quote(format_duration(o.*member)); });
  }

  // A byte size: an integer, or a string with a unit ("64MiB"), in [min, max].
  template <std::integral T>
  Section& bytes(KeyInfo info, T Options::*member, std::int64_t min, std::int64_t max) {
    std::string range = "from " + format_bytes(min) + " to " + format_bytes(max);
    return add(
        info, "size " + range,
        [=](const toml::node& node, Options& o) -> std::string {
          std::optional<std::int64_t> value = node.value_exact<std::int64_t>();
          if (!value) {
            auto text_value = node.value_exact<std::string>();
            if (!text_value) {
              return "must be a size like 8192 or \"8KiB\", got " + describe_type(node);
            }
            auto parsed = parse_bytes(*text_value);
            if (!parsed) return parsed.error;
            value = *parsed.value;
          }
          if (*value < min || *value > max) {
            return "must be between " + format_bytes(min) + " and " + format_bytes(max) + ", got " +
                   format_bytes(*value);
          }
          o.*member = static_cast<T>(*value);
          return {};
        },
        [=](const Options& o) {
          return quote(format_bytes(static_cast<std::int64_t>(o.*member)));
        });
  }

  // Reads every key of `table` into `options`. Unknown keys, wrong types,
  // out-of-range values and missing required keys become errors naming
  // `path`.key and the line; valid keys are applied even when others fail,
  // so one pass reports every problem.
  void read(const toml::table& table, const std::string& path, Options& options,
            std::vector<ConfigError>& errors) const {
    for (auto&& [key, node] : table) {
      const Field<Options>* field = find(key.str());
      std::string key_path = path + "." + std::string(key.str());
      if (field == nullptr) {
        errors.push_back({key_path, line_of(node), "unknown key" + suggestion(key.str())});
        continue;
      }
      std::string problem = field->read(node, options);
      if (!problem.empty()) errors.push_back({key_path, line_of(node), std::move(problem)});
    }
    for (const Field<Options>& field : fields_) {
      if (field.info.required && !table.contains(field.info.key)) {
        errors.push_back(
            {path + "." + std::string(field.info.key), line_of(table), "required key is missing"});
      }
    }
  }

  // "key = value" lines, one per field, in declaration order.
  std::string write(const Options& options) const {
    std::string out;
    for (const Field<Options>& field : fields_) {
      out += std::string(field.info.key) + " = " + field.write(options) + "\n";
    }
    return out;
  }

  static std::int64_t line_of(const toml::node& node) { return node.source().begin.line; }

 private:
  Section& add(KeyInfo info, std::string type,
               std::function<std::string(const toml::node&, Options&)> reader,
               std::function<std::string(const Options&)> writer) {
    fields_.push_back({info, std::move(type), std::move(reader), std::move(writer)});
    return *this;
  }

  const Field<Options>* find(std::string_view key) const {
    for (const Field<Options>& field : fields_) {
      if (field.info.key == key) return &field;
    }
    return nullptr;
  }

  // ", did you mean \"hidden\"?" when a known key is one typo away.
  std::string suggestion(std::string_view key) const {
    for (const Field<Options>& field : fields_) {
      if (edit_distance(key, field.info.key) <= 2) {
        return " (did you mean " + std::string(field.info.key) + "?)";
      }
    }
    return " in [" + name_ + "]";
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
  }

  std::string name_;
  std::vector<Field<Options>> fields_;
};

}  // namespace tickcast::config

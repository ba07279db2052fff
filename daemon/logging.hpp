// Logging to stderr, the way a systemd service should: with syslog priority
// prefixes ("<6>") and no timestamps when stderr goes to the journal (which
// adds its own), with timestamps otherwise.
#pragma once

#include <string_view>

namespace tickcast::daemon {

// Installs the default logger. Call once, first thing in a subcommand.
void setup_logging(std::string_view level = "info");

// Changes the level ("trace", "debug", "info", "warn", "error"); false if the
// name is not a level (the config schema already refuses those).
bool set_log_level(std::string_view level);

}  // namespace tickcast::daemon

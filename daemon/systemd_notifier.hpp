// Talks to systemd's service manager (sd_notify(3)): READY=1 once serving,
// STATUS= lines, RELOADING=1 around a SIGHUP, STOPPING=1 on shutdown, and
// WATCHDOG=1 pings when WatchdogSec= is set. The pings are sent by a timer on
// the daemon's io_context, so a stuck event loop stops them and systemd
// restarts the service. Without NOTIFY_SOCKET every call does nothing.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string_view>

namespace tickcast::daemon {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& ioc);

  void ready(std::string_view status);
  void status(std::string_view status);
  void reloading();
  void stopping(std::string_view status);

  // Starts the watchdog pings at half the interval systemd asked for.
  // Returns the interval, or zero when no watchdog is configured.
  std::chrono::microseconds start_watchdog();
  void stop_watchdog();

 private:
  void schedule_ping();

  boost::asio::steady_timer watchdog_timer_;
  std::chrono::microseconds watchdog_interval_{0};
};

}  // namespace tickcast::daemon

#include "daemon/systemd_notifier.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <string>

namespace tickcast::daemon {
namespace {

void notify(const std::string& message) {
  // 0 means no NOTIFY_SOCKET (not under systemd); negative is an error
  // worth knowing, but never worth stopping for.
  if (int rc = sd_notify(0, message.c_str()); rc < 0) {
    spdlog::warn("sd_notify({}) failed: {}", message, std::strerror(-rc));
  }
}

}  // namespace

SystemdNotifier::SystemdNotifier(boost::asio::io_context& ioc) : watchdog_timer_(ioc) {}

void SystemdNotifier::ready(std::string_view status) {
  notify("READY=1\nSTATUS=" + std::string(status));
}

void SystemdNotifier::status(std::string_view status) {
  notify("STATUS=" + std::string(status));
}

void SystemdNotifier::reloading() {
  notify("RELOADING=1");
}

void SystemdNotifier::stopping(std::string_view status) {
  notify("STOPPING=1\nSTATUS=" + std::string(status));
}

std::chrono::microseconds SystemdNotifier::start_watchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::microseconds(0);
  watchdog_interval_ = std::chrono::microseconds(usec);
  notify("WATCHDOG=1");
  schedule_ping();
  return watchdog_interval_;
}

void SystemdNotifier::stop_watchdog() {
  watchdog_timer_.cancel();
}

void SystemdNotifier::schedule_ping() {
  watchdog_timer_.expires_after(watchdog_interval_ / 2);
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled by stop_watchdog()
    notify("WATCHDOG=1");
    schedule_ping();
  });
}

}  // namespace tickcast::daemon

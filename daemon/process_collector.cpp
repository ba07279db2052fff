#include "daemon/process_collector.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "daemon/metric_family.hpp"

namespace tickcast::daemon {
namespace {

using prometheus::MetricType;

struct ProcStat {
  double user_ticks = 0;
  double system_ticks = 0;
  double start_ticks_after_boot = 0;
  double virtual_bytes = 0;
  double resident_pages = 0;
};

// /proc/self/stat: the command name may hold spaces and parentheses, so
// fields are counted from the last ')' (proc(5)); utime is field 14.
bool read_proc_stat(ProcStat& out) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    switch (index) {
      case 14:
        out.user_ticks = std::stod(field);
        break;
      case 15:
        out.system_ticks = std::stod(field);
        break;
      case 22:
        out.start_ticks_after_boot = std::stod(field);
        break;
      case 23:
        out.virtual_bytes = std::stod(field);
        break;
      case 24:
        out.resident_pages = std::stod(field);
        return true;
      default:
        break;
    }
  }
  return false;
}

// Seconds since the epoch at which the machine booted (/proc/stat "btime").
double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  return count;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  ProcStat stat;
  if (read_proc_stat(stat)) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    auto cpu = make_family("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.", MetricType::Counter);
    add_sample(cpu, (stat.user_ticks + stat.system_ticks) / ticks);
    families.push_back(std::move(cpu));

    auto rss = make_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                           MetricType::Gauge);
    add_sample(rss, stat.resident_pages * page);
    families.push_back(std::move(rss));

    auto vsz = make_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                           MetricType::Gauge);
    add_sample(vsz, stat.virtual_bytes);
    families.push_back(std::move(vsz));

    auto start =
        make_family("process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.", MetricType::Gauge);
    add_sample(start, boot_time_seconds() + stat.start_ticks_after_boot / ticks);
    families.push_back(std::move(start));
  }

  auto fds = make_family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge);
  add_sample(fds, open_fds());
  families.push_back(std::move(fds));

  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    auto max_fds = make_family("process_max_fds", "Maximum number of open file descriptors.",
                               MetricType::Gauge);
    add_sample(max_fds, static_cast<double>(limit.rlim_cur));
    families.push_back(std::move(max_fds));
  }

  // What the allocator holds, beside RSS: a leak grows the bytes in use; a
  // fragmented heap grows RSS with them flat, and the free bytes say how much
  // of RSS is slack. (Zero under the sanitizers, whose allocator glibc's
  // counters do not see.)
  const struct mallinfo2 heap = mallinfo2();
  auto in_use = make_family("tickcast_heap_in_use_bytes",
                            "Bytes allocated with malloc and not freed (glibc mallinfo2: "
                            "uordblks + hblkhd).",
                            MetricType::Gauge);
  add_sample(in_use, static_cast<double>(heap.uordblks + heap.hblkhd));
  families.push_back(std::move(in_use));
  auto free_bytes = make_family("tickcast_heap_free_bytes",
                                "Free bytes the allocator keeps in its arenas instead of "
                                "returning them to the system (glibc mallinfo2: fordblks).",
                                MetricType::Gauge);
  add_sample(free_bytes, static_cast<double>(heap.fordblks));
  families.push_back(std::move(free_bytes));
  return families;
}

}  // namespace tickcast::daemon

#include "tests/support/process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tickcast::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tickcast-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  std::filesystem::path file = path_ / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  return file;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Process::Process(std::vector<std::string> argv, const std::filesystem::path& log_file,
                 std::map<std::string, std::string> env)
    : log_file_(log_file) {
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string key = entry.substr(0, entry.find('='));
    if (!env.contains(key)) environment.push_back(entry);
  }
  for (const auto& [key, value] : env) environment.push_back(key + "=" + value);

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    FILE* out = std::fopen(log_file.c_str(), "w");
    if (out == nullptr) _exit(126);
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(out), STDERR_FILENO);
    int null_in = ::open("/dev/null", O_RDONLY);
    dup2(null_in, STDIN_FILENO);
    // Nothing else of the test crosses over: a listening socket the test
    // holds (a fake exchange, a fault proxy) must close when the test closes
    // it, not live on in the child.
    close_range(3, ~0U, 0);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!exit_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void Process::signal(int signal_number) const {
  ::kill(pid_, signal_number);
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string Process::output() const {
  return read_file(log_file_);
}

bool Process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (output().find(text) != std::string::npos) return true;
    if (wait_exit(std::chrono::milliseconds(0))) return output().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  char log_template[] = "/tmp/tickcast-cmd-XXXXXX";
  int fd = mkstemp(log_template);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  CommandResult result;
  {
    Process process(argv, log_template);
    auto status = process.wait_exit(timeout);
    result.status = status ? *status : -1;
    result.output = process.output();
  }
  ::unlink(log_template);
  return result;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

std::string sanitizer_options_with(const char* variable, const std::string& options) {
  const char* inherited = std::getenv(variable);
  if (inherited == nullptr || *inherited == '\0') return options;
  return std::string(inherited) + ':' + options;
}

std::map<std::string, std::string> preload_env(const std::string& library) {
  // verify_asan_link_order=0: a runtime loaded as a library (g++) accepts
  // coming second. allocator_release_to_os_interval_ms=-1: the runtime
  // linked into the binary (clang) reads the clock while it holds its
  // allocator's lock, and libfaketime's clock_gettime then mallocs on first
  // use (dlsym), a deadlock; with no release interval it never asks.
  return {{"LD_PRELOAD", library},
          {"ASAN_OPTIONS", sanitizer_options_with("ASAN_OPTIONS",
                                                  "verify_asan_link_order=0:"
                                                  "allocator_release_to_os_interval_ms=-1")}};
}

}  // namespace tickcast::test

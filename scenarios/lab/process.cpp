#include "scenarios/lab/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace fabric::lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(20);

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

std::vector<std::string> fullArgv(const std::filesystem::path& program, const std::vector<std::string>& args,
                                  const std::string& netns) {
  std::vector<std::string> argv;
  if (!netns.empty()) argv = {"/usr/sbin/ip", "netns", "exec", netns};
  argv.push_back(program.string());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

[[noreturn]] void execOrDie(const std::vector<std::string>& argv) {
  std::vector<char*> raw;
  for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  raw.push_back(nullptr);
  ::execv(raw[0], raw.data());
  std::string msg = "exec " + argv[0] + ": " + std::strerror(errno) + "\n";
  ssize_t ignored = ::write(2, msg.data(), msg.size());
  (void)ignored;
  ::_exit(127);
}

// Reaps `pid` if it is our child and has exited; returns true when it is gone.
bool reaped(pid_t pid, int* status = nullptr) {
  int st = 0;
  pid_t r = ::waitpid(pid, &st, WNOHANG);
  if (r == pid) {
    if (status) *status = st;
    return true;
  }
  return false;
}

}  // namespace

pid_t spawnDaemon(const DaemonSpec& spec) {
  if (::access(spec.program.c_str(), X_OK) != 0)
    throw std::runtime_error(spec.program.string() + " is not an executable (build it: ninja -C build " +
                             spec.program.filename().string() + ")");
  auto argv = fullArgv(spec.program, spec.args, spec.netns);
  int out = ::open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error(errnoText("open " + spec.output.string()));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    throw std::runtime_error(errnoText("fork"));
  }
  if (pid == 0) {
    ::setsid();
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    execOrDie(argv);
  }
  ::close(out);
  return pid;
}

bool processAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (reaped(pid)) return false;
  if (::kill(pid, 0) != 0) return errno == EPERM;
  // A zombie that is not our child (its parent has not reaped it yet) is gone for our purposes.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (std::getline(stat, line)) {
    auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z') return false;
  }
  return true;
}

bool processHasArgument(pid_t pid, const std::string& needle) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string arg;
  while (std::getline(in, arg, '\0')) {
    if (arg == needle) return true;
  }
  return false;
}

bool stopProcess(pid_t pid, std::chrono::milliseconds grace) {
  if (!processAlive(pid)) return false;
  ::kill(pid, SIGTERM);
  auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!processAlive(pid)) return false;
    std::this_thread::sleep_for(kPoll);
  }
  killProcess(pid);
  return true;
}

void killProcess(pid_t pid) {
  if (!processAlive(pid)) return;
  ::kill(pid, SIGKILL);
  while (processAlive(pid)) std::this_thread::sleep_for(kPoll);
}

CommandResult runCommand(const std::filesystem::path& program, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout, const std::string& input, const std::string& netns) {
  if (::access(program.c_str(), X_OK) != 0)
    throw std::runtime_error(program.string() + " is not an executable");
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe"));
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error(errnoText("pipe"));
  }
  auto argv = fullArgv(program, args, netns);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(errnoText("fork"));
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    ::signal(SIGPIPE, SIG_DFL);
    execOrDie(argv);
  }
  ::close(out_pipe[1]);
  ::close(in_pipe[0]);
  // Small inputs (CLI scripts) fit the pipe buffer; write, then close so the child sees EOF.
  std::size_t written = 0;
  ::signal(SIGPIPE, SIG_IGN);
  while (written < input.size()) {
    ssize_t n = ::write(in_pipe[1], input.data() + written, input.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(in_pipe[1]);

  CommandResult result;
  auto deadline = Clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  if (result.timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace fabric::lab

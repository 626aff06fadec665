#pragma once
// Starts build/bin/fortigate as a child process on its own 127.x.y.z address, waits for
// ready.json (a condition, not a sleep), runs `fortigate cli`, and kills what it started by pid
// (also when a test fails: RAII).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/atomic_file.h"

extern char** environ;

namespace fgt_it {

namespace fs = std::filesystem;
inline const std::string kBin = std::string(FABRIC_BIN_DIR) + "/fortigate";

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("fgt_it_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A random loopback address unlikely to collide with other tests: 127.<r>.<r>.<r>.
inline std::string randomLoopback() {
  std::random_device rd;
  return "127." + std::to_string(100 + rd() % 100) + "." + std::to_string(rd() % 250 + 1) + "." +
         std::to_string(rd() % 240 + 2);
}

// A port free on `address` right now (bound then released).
inline std::uint16_t freePort(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind for a free port");
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline pid_t spawn(const std::vector<std::string>& args, const fs::path& in, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn " + args[0] + " failed");
  return pid;
}

// Polls `condition` until it holds; false after `limit` (a safety net, not a timing assertion).
template <typename F>
bool waitFor(F condition, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

struct CommandResult {
  int status = -1;  // exit status, or 128+signal
  std::string out;
  std::string err;
};

inline int waitStatus(pid_t pid) {
  int st = 0;
  if (::waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Runs a command to completion with `input` on stdin.
inline CommandResult run(const fs::path& scratch, const std::vector<std::string>& args, const std::string& input = {}) {
  static int counter = 0;
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(++counter);
  const fs::path in = scratch / ("in_" + tag), out = scratch / ("out_" + tag), err = scratch / ("err_" + tag);
  fabric::writeFileAtomically(in, input);
  CommandResult r;
  r.status = waitStatus(spawn(args, in, out, err));
  r.out = fabric::readFile(out).value_or("");
  r.err = fabric::readFile(err).value_or("");
  return r;
}

class Daemon {
 public:
  Daemon(fs::path home, std::string address) : home_(std::move(home)), address_(std::move(address)) {}
  ~Daemon() { kill(SIGKILL); }
  Daemon(const Daemon&) = delete;

  // Starts and waits for ready.json; false (with stderr in `error`) when the daemon exits first.
  bool start(std::string& error) {
    std::error_code ec;
    fs::remove(home_ / "ready.json", ec);
    fs::create_directories(home_);
    pid_ = spawn({kBin, "--home", home_.string(), "--listen", address_}, "/dev/null", home_ / "stdout.txt",
                 home_ / "stderr.txt");
    bool exited = false;
    const bool ready = waitFor([&] {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        exited = true;
        exit_status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        pid_ = -1;
        return true;
      }
      return fs::exists(home_ / "ready.json");
    });
    if (!ready || exited) {
      error = fabric::readFile(home_ / "stderr.txt").value_or("");
      return false;
    }
    ready_ = nlohmann::json::parse(*fabric::readFile(home_ / "ready.json"));
    return true;
  }
  // Sends `sig` and reaps the process; returns its exit status (or 128+signal).
  int kill(int sig) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, sig);
    exit_status_ = waitStatus(pid_);
    pid_ = -1;
    return exit_status_;
  }
  CommandResult cli(const fs::path& scratch, std::vector<std::string> lines, const std::string& input = {}) const {
    std::vector<std::string> args = {kBin, "cli", "--home", home_.string()};
    for (auto& l : lines) {
      args.push_back("-c");
      args.push_back(std::move(l));
    }
    return run(scratch, args, input);
  }
  const nlohmann::json& ready() const { return ready_; }
  std::uint16_t httpsPort() const { return ready_["ports"]["https"].get<std::uint16_t>(); }
  const fs::path& home() const { return home_; }
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  int exitStatus() const { return exit_status_; }

 private:
  fs::path home_;
  std::string address_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  nlohmann::json ready_;
};

inline std::string initialConfig(std::uint16_t port, int lockout_threshold = 3) {
  return "config system global\n    set admin-sport " + std::to_string(port) + "\n    set admin-lockout-threshold " +
         std::to_string(lockout_threshold) + "\n    set admin-lockout-duration 300\nend\n";
}

}  // namespace fgt_it

#pragma once
// Starts build/bin/fortianalyzer as a child process and always kills it by pid (RAII), waits for
// its ready.json, and runs its console client.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::faz::test {

class FazProcess {
 public:
  FazProcess(std::filesystem::path home, std::string address, std::vector<std::string> extra = {})
      : home_(std::move(home)), address_(std::move(address)), extra_(std::move(extra)) {}
  ~FazProcess() { kill(SIGKILL); }

  // `fresh`: remove a stale ready.json first (not when another daemon may legitimately own it).
  void start(bool fresh = true) {
    if (fresh) std::filesystem::remove(home_ / "ready.json");
    std::vector<std::string> args{std::string(FABRIC_BIN_DIR) + "/fortianalyzer", "--home", home_.string(),
                                  "--listen", address_, "--https-port", "0", "--udp-port", "0", "--tcp-port", "0",
                                  "--tls-port", "0", "--feed-poll-ms", "100"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::string log = (home_ / "daemon.stderr").string();
    pid_ = fork();
    if (pid_ == 0) {
      std::FILE* f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }

  // Waits for ready.json (or the child's death); returns it.
  nlohmann::json waitReady(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(home_ / "ready.json");
      if (in) {
        nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
        if (!j.is_discarded() && j.contains("ports")) return j;
      }
      int status = 0;
      if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("fortianalyzer exited before ready: " + stderrText());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("fortianalyzer not ready in time: " + stderrText());
  }

  // Waits for the child to exit by itself; its exit status (or -1).
  int waitExit() {
    if (pid_ <= 0) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // SIGTERM and wait; returns the exit status (or -1).
  int terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void kill(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // Runs `fortianalyzer cli --home DIR -c LINE...`; returns (exit status, stdout).
  std::pair<int, std::string> cli(const std::vector<std::string>& lines) const {
    std::string cmd = std::string(FABRIC_BIN_DIR) + "/fortianalyzer cli --home '" + home_.string() + "'";
    for (const auto& l : lines) cmd += " -c '" + l + "'";
    std::FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  std::string stderrText() const {
    std::ifstream in(home_ / "daemon.stderr");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::filesystem::path home_;
  std::string address_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

}  // namespace fabric::faz::test

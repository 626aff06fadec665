#pragma once
// Test support: a real build/bin/ems child process in its own home directory (killed by pid when
// the guard goes away, also on failure), a lab CA with certificates, and a test agent on a
// LinkClient that records every message it receives.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/base/atomic_file.h"
#include "common/net/link.h"
#include "common/tls/pki.h"

namespace fabric::ems::itest {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `condition` until it holds or `limit` passes (a guard against hanging, not a timing check).
inline bool waitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ems_it_" + std::to_string(rd()) + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// 127.A.B.x with random A, B: unlikely to collide with another test on the machine.
inline std::string randomBase() {
  std::random_device rd;
  return "127." + std::to_string(100 + rd() % 150) + "." + std::to_string(1 + rd() % 250) + ".";
}

class EmsProcess {
 public:
  EmsProcess(fs::path home, std::string address) : home_(std::move(home)), address_(std::move(address)) {}
  ~EmsProcess() { kill9(); }

  void start() {
    fs::remove(home_ / "ready.json");
    const std::string bin = std::string(FABRIC_BIN_DIR) + "/ems";
    const std::string log = (home_ / "ems.stderr").string();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(bin.c_str(), bin.c_str(), "--home", home_.c_str(), "--listen", address_.c_str(), "--https-port",
              "0", "--fct-port", "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const bool ready = waitUntil([&] {
      if (exited()) return true;
      auto text = readFile(home_ / "ready.json");
      if (!text) return false;
      auto j = nlohmann::json::parse(*text, nullptr, false);
      return !j.is_discarded() && j.value("pid", 0) == pid_;
    });
    INFO("ems stderr:\n" << slurp(home_ / "ems.stderr"));
    REQUIRE(ready);
    REQUIRE(pid_ > 0);
    ready_ = nlohmann::json::parse(*readFile(home_ / "ready.json"));
  }

  bool exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = status;
      return true;
    }
    return false;
  }

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &exit_status_, 0);
    pid_ = -1;
  }

  // SIGTERM and wait: the daemon exits cleanly.
  int terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, &exit_status_, 0);
    pid_ = -1;
    return exit_status_;
  }

  // `ems cli --home DIR -c LINE...`: exit status and output.
  std::pair<int, std::string> cli(const std::vector<std::string>& lines) {
    std::string cmd = std::string(FABRIC_BIN_DIR) + "/ems cli --home '" + home_.string() + "'";
    for (const auto& l : lines) cmd += " -c '" + l + "'";
    cmd += " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  std::uint16_t httpsPort() const { return ready_["ports"]["https"].get<std::uint16_t>(); }
  std::uint16_t linkPort() const { return ready_["ports"]["link"].get<std::uint16_t>(); }
  const std::string& address() const { return address_; }
  const fs::path& home() const { return home_; }
  pid_t pid() const { return pid_; }

 private:
  fs::path home_;
  std::string address_;
  pid_t pid_ = -1;
  int exit_status_ = 0;
  nlohmann::json ready_;
};

// A FortiClient stand-in: keeps one verified TLS link to the EMS up (LinkClient), sends
// `register` on every new link, records what arrives.
class TestAgent {
 public:
  TestAgent(net::EventLoop& loop, net::TlsConfig tls, std::string host, std::uint16_t port, std::string source,
            nlohmann::json register_message)
      : loop_(loop), register_(std::move(register_message)) {
    net::ClientOptions options;
    options.host = std::move(host);
    options.port = port;
    options.source_address = std::move(source);
    options.backoff_min = std::chrono::milliseconds(50);
    options.backoff_max = std::chrono::milliseconds(200);
    client_ = std::make_unique<net::LinkClient>(loop_, std::move(tls), options,
                                                [this](std::shared_ptr<net::FramedLink> link) { onLink(link); });
  }
  ~TestAgent() { stop(); }

  void start() {
    loop_.call([this] { client_->start(); });
  }
  void stop() {
    loop_.call([this] { client_->stop(); });
  }
  bool send(const nlohmann::json& m) {
    return loop_.call([&] {
      auto link = client_->link();
      return link && link->send(m);
    });
  }
  // Waits for a message of `type` (the n-th, counting from 1) and returns it.
  nlohmann::json waitFor(const std::string& type, std::size_t nth = 1) {
    std::unique_lock<std::mutex> lock(mu_);
    nlohmann::json found;
    cv_.wait_for(lock, std::chrono::seconds(20), [&] {
      std::size_t seen = 0;
      for (const auto& m : received_) {
        if (m.value("type", "") == type && ++seen == nth) {
          found = m;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::size_t count(const std::string& type) {
    std::lock_guard<std::mutex> lock(mu_);
    std::size_t n = 0;
    for (const auto& m : received_) n += m.value("type", "") == type;
    return n;
  }

 private:
  void onLink(const std::shared_ptr<net::FramedLink>& link) {
    link->onMessage([this](const nlohmann::json& m) {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(m);
      cv_.notify_all();
    });
    link->send(register_);
  }

  net::EventLoop& loop_;
  nlohmann::json register_;
  std::unique_ptr<net::LinkClient> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<nlohmann::json> received_;
};

}  // namespace fabric::ems::itest

#pragma once
// Helpers shared by the analyzer's integration tests: a temporary directory, a 127.x address per
// test process, waiting on a condition, plain sockets, and the HTTPS API as admin.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/http/http.h"

namespace fabric::faz::test {

using json = nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "faz_it_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string address(int last) {
  int p = static_cast<int>(getpid());
  return "127." + std::to_string(100 + p % 100) + "." + std::to_string((p / 100) % 250) + "." + std::to_string(last);
}

template <typename F>
bool waitFor(F done, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

inline int plainSocket(int type, const std::string& to, std::uint16_t port, const std::string& from) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  inet_pton(AF_INET, to.c_str(), &remote.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0);
  return fd;
}

inline void sendAll(int fd, const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    off += static_cast<std::size_t>(n);
  }
}

class Api {
 public:
  Api(const std::string& host, std::uint16_t port, const std::filesystem::path& ca)
      : client_(host, port, http::ClientTls{ca, {}, {}}) {}
  json call(const std::string& method, const std::string& path, const std::string& body = {}) {
    auto r = client_.request(method, path, body, {{"Authorization", "Basic YWRtaW46"}});
    INFO(method << " " << path << " -> " << r.status << " " << r.error << " " << r.body);
    REQUIRE(r.ok());
    json j = json::parse(r.body, nullptr, false);
    REQUIRE(!j.is_discarded());
    j["http_status"] = r.status;
    return j;
  }
  std::int64_t count(const std::string& filter) {
    json j = call("GET", "/api/logs?count=1&filter=" + filter);
    return j["http_status"] == 200 ? j["data"]["count"].get<std::int64_t>() : -1;
  }

 private:
  http::HttpsClient client_;
};

}  // namespace fabric::faz::test

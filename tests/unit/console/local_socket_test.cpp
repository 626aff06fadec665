#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>

#include "common/console/local_socket.h"
#include "tests/support/temp_dir.h"

using namespace fabric::console;

namespace {

std::atomic<int> g_alive{0};

// Counts messages per connection, so the test sees one handler object per connection.
class Counter final : public LocalSocketHandler {
 public:
  Counter() { ++g_alive; }
  ~Counter() override { --g_alive; }
  nlohmann::json handle(const nlohmann::json& m) override {
    const std::string type = m["type"];
    if (type == "throw") throw std::runtime_error("handler refused");
    if (type == "silent") return nullptr;
    if (type == "bye") done_ = true;
    return {{"type", "count"}, {"n", ++n_}, {"echo", m.value("text", "")}};
  }
  bool finished() const override { return done_; }

 private:
  int n_ = 0;
  bool done_ = false;
};

LocalHandlerFactory counters() {
  return [] { return std::make_unique<Counter>(); };
}

}  // namespace

TEST_CASE("local socket: one handler per connection, request and reply in order") {
  fabric::test::TempDir tmp{"con"};
  const auto path = tmp.path() / "x.sock";
  LocalSocketServer server(path, counters());
  REQUIRE(server.start() == "");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);

  LocalSocketClient a, b;
  REQUIRE(a.connect(path) == "");
  REQUIRE(b.connect(path) == "");
  CHECK((*a.request({{"type", "hit"}, {"text", "héllo"}}))["n"] == 1);
  CHECK((*a.request({{"type", "hit"}}))["n"] == 2);
  CHECK((*b.request({{"type", "hit"}}))["n"] == 1);
  REQUIRE(a.send({{"type", "silent"}}));
  auto after_silent = a.request({{"type", "hit"}, {"text", "x"}});
  CHECK((*after_silent)["n"] == 3);
  CHECK((*after_silent)["echo"] == "x");

  auto thrown = a.request({{"type", "throw"}});
  CHECK((*thrown)["type"] == "error");
  CHECK((*thrown)["message"] == "handler refused");
  CHECK((*a.request({{"type", "hit"}}))["n"] == 4);  // still open

  auto bye = b.request({{"type", "bye"}});
  CHECK((*bye)["n"] == 2);
  CHECK_FALSE(b.receive());
  CHECK(b.error() == "connection closed by the daemon");
}

TEST_CASE("local socket: a broken frame is answered with the reason and the connection closed") {
  fabric::test::TempDir tmp{"con"};
  const auto path = tmp.path() / "x.sock";
  LocalSocketServer server(path, counters());
  REQUIRE(server.start() == "");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const char huge[4] = {0x7f, 0, 0, 0};
  REQUIRE(::write(fd, huge, 4) == 4);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  CHECK(got.find("exceeds the 1048576-byte limit") != std::string::npos);
}

TEST_CASE("local socket: live socket refused, stale socket replaced, stop removes the file") {
  fabric::test::TempDir tmp{"con"};
  const auto path = tmp.path() / "x.sock";
  {
    LocalSocketServer first(path, counters());
    REQUIRE(first.start() == "");
    LocalSocketServer second(path, counters());
    CHECK(second.start() == "another process is listening on " + path.string());
    LocalSocketClient open_client;
    REQUIRE(open_client.connect(path) == "");
    REQUIRE(open_client.request({{"type", "hit"}}));
    first.stop();  // with a connection still open
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_FALSE(open_client.request({{"type", "hit"}}));
  }
  CHECK(g_alive == 0);

  // A socket file left by a killed process: nobody answers, so it is replaced.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::close(fd);
  REQUIRE(std::filesystem::exists(path));
  LocalSocketServer server(path, counters());
  CHECK(server.start() == "");
  LocalSocketClient c;
  REQUIRE(c.connect(path) == "");
  CHECK((*c.request({{"type", "hit"}}))["n"] == 1);

  std::filesystem::create_directories(tmp.path() / "dir");
  REQUIRE(std::filesystem::exists(tmp.path() / "dir"));
  LocalSocketServer not_socket(tmp.path() / "dir", counters());
  CHECK_THAT(not_socket.start(), Catch::Contains("is not a socket"));
}

TEST_CASE("local socket: client errors name the socket; long paths are refused") {
  fabric::test::TempDir tmp{"con"};
  LocalSocketClient c;
  CHECK(c.connect(tmp.path() / "none.sock") ==
        "connect " + (tmp.path() / "none.sock").string() + ": No such file or directory");
  CHECK_FALSE(c.request({{"type", "hit"}}));
  const auto long_path = tmp.path() / std::string(120, 'a');
  CHECK_THAT(checkSocketPath(long_path), Catch::Contains("longer than 107 bytes"));
  LocalSocketServer server(long_path, counters());
  CHECK_THAT(server.start(), Catch::Contains("longer than"));
}

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "common/base/atomic_file.h"
#include "common/node/node_home.h"

namespace fs = std::filesystem;
using fabric::node::NodeHome;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("node_home_test_" + std::to_string(rd()));
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("NodeHome names the files of the layout and creates the directory") {
  TempDir tmp;
  NodeHome home(tmp.path / "fgt", "fortigate");
  CHECK(fs::is_directory(tmp.path / "fgt"));
  CHECK(home.configFile() == tmp.path / "fgt" / "fortigate.conf");
  CHECK(home.consoleSocket() == tmp.path / "fgt" / "console.sock");
  CHECK(home.pidFile() == tmp.path / "fgt" / "fortigate.pid");
  CHECK(home.readyFile() == tmp.path / "fgt" / "ready.json");
  CHECK(home.eventLog() == tmp.path / "fgt" / "event.log");
  CHECK(home.file("state.db") == tmp.path / "fgt" / "state.db");
}

TEST_CASE("NodeHome refuses a home that is a file") {
  TempDir tmp;
  fs::create_directories(tmp.path);
  REQUIRE(fabric::writeFileAtomically(tmp.path / "f", "x").empty());
  CHECK_THROWS_WITH(NodeHome(tmp.path / "f", "fortigate"), Catch::Contains("ot a directory"));
}

TEST_CASE("secret key: 32 random bytes, owner-only, stable across calls") {
  TempDir tmp;
  NodeHome home(tmp.path, "fortigate");
  const std::string key = home.secretKey();
  CHECK(key.size() == 32);
  CHECK(home.secretKey() == key);
  CHECK(NodeHome(tmp.path, "fortigate").secretKey() == key);
  struct stat st {};
  REQUIRE(::stat((tmp.path / "secret.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  TempDir other;
  CHECK(NodeHome(other.path, "fortigate").secretKey() != key);
}

TEST_CASE("a damaged secret key is reported, not replaced") {
  TempDir tmp;
  NodeHome home(tmp.path, "fortigate");
  REQUIRE(fabric::writeFileAtomically(tmp.path / "secret.key", "short", 0600).empty());
  CHECK_THROWS_WITH(home.secretKey(), Catch::Contains("expected 32"));
  CHECK(*fabric::readFile(tmp.path / "secret.key") == "short");
}

TEST_CASE("identity: serial made once from the prefix, kept afterwards") {
  TempDir tmp;
  NodeHome home(tmp.path, "fortigate");
  auto id = home.identity("FGVM01TM", "FGVM01TM");
  CHECK(id.serial.size() == 16);
  CHECK(id.serial.rfind("FGVM01TM", 0) == 0);
  for (char c : id.serial.substr(8)) CHECK(std::isdigit(static_cast<unsigned char>(c)));
  CHECK(id.hostname == "FGVM01TM");

  auto again = NodeHome(tmp.path, "fortigate").identity("FGVM01TM", "other");
  CHECK(again.serial == id.serial);
  CHECK(again.hostname == "FGVM01TM");

  auto faz = NodeHome(tmp.path / "faz", "fortianalyzer").identity("FAZ-VM00", "faz");
  CHECK(faz.serial.rfind("FAZ-VM00", 0) == 0);
  CHECK(faz.serial.size() == 16);
}

TEST_CASE("identity: a broken identity.json is an error naming the file") {
  TempDir tmp;
  NodeHome home(tmp.path, "ems");
  REQUIRE(fabric::writeFileAtomically(tmp.path / "identity.json", "{\"serial\": 5}").empty());
  CHECK_THROWS_WITH(home.identity("FCTEMS00", "ems"), Catch::Contains("identity.json"));
  REQUIRE(fabric::writeFileAtomically(tmp.path / "identity.json", "not json").empty());
  CHECK_THROWS_WITH(home.identity("FCTEMS00", "ems"), Catch::Contains("identity.json"));
  REQUIRE(fabric::writeFileAtomically(tmp.path / "identity.json",
                                      R"({"serial":"FCTEMS0000012345","hostname":"ems1"})")
              .empty());
  auto id = home.identity("FCTEMS00", "ems");
  CHECK(id.serial == "FCTEMS0000012345");
  CHECK(id.hostname == "ems1");
}

TEST_CASE("pid and ready files are written and cleared") {
  TempDir tmp;
  NodeHome home(tmp.path, "fortigate");
  home.writePid();
  CHECK(*fabric::readFile(home.pidFile()) == std::to_string(::getpid()) + "\n");
  home.writeReady({{"serial", "FGVM01TM00000001"}, {"ports", {{"https", 4443}}}, {"address", "127.0.0.1"}});
  auto ready = nlohmann::json::parse(*fabric::readFile(home.readyFile()));
  CHECK(ready["pid"] == ::getpid());
  CHECK(ready["ports"]["https"] == 4443);
  CHECK(ready["serial"] == "FGVM01TM00000001");
  home.clearRuntimeFiles();
  CHECK_FALSE(fs::exists(home.pidFile()));
  CHECK_FALSE(fs::exists(home.readyFile()));
  home.clearRuntimeFiles();  // idempotent
}

#include "forticlient/activity.h"

#include <catch2/catch.hpp>

using namespace fabric::forticlient;

namespace {
Activity ok(std::vector<std::string> words) {
  auto r = parseActivity(words);
  if (auto* err = std::get_if<std::string>(&r)) FAIL(*err);
  return std::get<Activity>(r);
}
std::string error(std::vector<std::string> words) {
  auto r = parseActivity(words);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}
}  // namespace

TEST_CASE("visit parses scheme, host, port and path") {
  auto a = ok({"visit", "https://Evil.Example.com/dl/payload?x=1#frag"});
  CHECK(a.kind == ActivityKind::kVisit);
  CHECK(a.host == "evil.example.com");
  CHECK(a.port == 443);
  CHECK(a.path == "/dl/payload?x=1");
  auto b = ok({"visit", "http://10.0.0.5:8080"});
  CHECK(b.port == 8080);
  CHECK(b.path == "/");
  CHECK(b.describe() == "visit http://10.0.0.5:8080/");
  CHECK(ok({"visit", "example.org/a"}).scheme == "https");
}

TEST_CASE("resolve, connect and download parse their targets") {
  CHECK(ok({"resolve", "Bad.Example."}).host == "bad.example");
  auto c = ok({"connect", "203.0.113.9:4444"});
  CHECK(c.host == "203.0.113.9");
  CHECK(c.port == 4444);
  std::string sha(64, 'A');
  auto d = ok({"download", sha, "http://files.example.net/x/setup.exe"});
  CHECK(d.sha256 == std::string(64, 'a'));
  CHECK(d.filename == "setup.exe");
  CHECK(d.host == "files.example.net");
  CHECK(ok({"download", sha}).filename == "aaaaaaaaaaaa.bin");
}

TEST_CASE("bad activities get specific errors") {
  CHECK(error({}).find("no activity") != std::string::npos);
  CHECK(error({"fly", "x"}).find("unknown activity 'fly'") != std::string::npos);
  CHECK(error({"visit"}) == "usage: visit URL");
  CHECK(error({"visit", "ftp://x/y"}).find("unsupported URL scheme 'ftp'") != std::string::npos);
  CHECK(error({"visit", "https://exa mple.com/"}).find("invalid host") != std::string::npos);
  CHECK(error({"visit", "https://x.com:99999/"}).find("invalid port") != std::string::npos);
  CHECK(error({"connect", "1.2.3.4"}).find("IP:PORT") != std::string::npos);
  CHECK(error({"connect", "1.2.3:80"}).find("invalid IPv4") != std::string::npos);
  CHECK(error({"connect", "1.2.3.4:0"}).find("invalid port") != std::string::npos);
  CHECK(error({"download", "abc"}).find("not a SHA-256") != std::string::npos);
  CHECK(error({"resolve", "-bad"}).find("invalid domain") != std::string::npos);
}

TEST_CASE("activities round-trip through the control-socket JSON") {
  for (auto words : std::vector<std::vector<std::string>>{
           {"visit", "http://a.example:81/p?q"},
           {"resolve", "b.example"},
           {"connect", "198.51.100.2:22"},
           {"download", std::string(64, 'b'), "https://c.example/f.zip"},
           {"download", std::string(64, 'c')}}) {
    auto a = ok(words);
    auto back = activityFromJson(a.toJson());
    REQUIRE(std::holds_alternative<Activity>(back));
    CHECK(std::get<Activity>(back).describe() == a.describe());
  }
  CHECK(std::holds_alternative<std::string>(activityFromJson({{"kind", "visit"}})));
  CHECK(std::holds_alternative<std::string>(activityFromJson(42)));
}

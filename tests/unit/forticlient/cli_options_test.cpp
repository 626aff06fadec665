#include "forticlient/cli_options.h"

#include <catch2/catch.hpp>

using namespace fabric::forticlient;

TEST_CASE("one endpoint: home, EMS and identity overrides") {
  auto r = parseCommandLine({"--home", "/tmp/a", "--ems", "127.0.0.20:8013", "--os", "macos",
                             "--hostname", "alice-mbp", "--ip", "127.1.0.5", "--user", "alice"});
  REQUIRE(r.command);
  auto& run = std::get<RunOptions>(*r.command);
  CHECK(run.common.home == "/tmp/a");
  CHECK(run.common.ems.host == "127.0.0.20");
  CHECK(run.common.ems.port == 8013);
  CHECK(run.identity.os == Os::kMacos);
  CHECK(*run.identity.hostname == "alice-mbp");
  CHECK(*run.identity.ip == "127.1.0.5");
  CHECK_FALSE(run.common.enforce_nftables);
  CHECK(run.common.seed == "/tmp/a");
  auto d = parseCommandLine({"--home", "h", "--ems", "ems.lab", "--enforce-nftables", "--real-connections"});
  REQUIRE(d.command);
  CHECK(std::get<RunOptions>(*d.command).common.ems.port == 8013);
  CHECK(std::get<RunOptions>(*d.command).common.enforce_nftables);
  CHECK(std::get<RunOptions>(*d.command).common.real_connections);
}

TEST_CASE("fleet mode options") {
  auto r = parseCommandLine({"fleet", "--home", "/tmp/f", "--ems", "127.0.0.20:8013", "--count", "500",
                             "--first-ip", "127.1.0.1", "--linux-every", "10", "--seed", "s1"});
  REQUIRE(r.command);
  auto& f = std::get<FleetOptions>(*r.command);
  CHECK(f.count == 500);
  CHECK(f.first_ip == "127.1.0.1");
  CHECK(f.linux_every == 10);
  CHECK(f.common.seed == "s1");
}

TEST_CASE("act, status and release") {
  auto a = parseCommandLine({"act", "--home", "/tmp/f", "--endpoint", "127.1.0.2", "download",
                             std::string(64, 'a'), "https://x.example/f.exe"});
  REQUIRE(a.command);
  auto& act = std::get<ActOptions>(*a.command);
  CHECK(act.endpoint == "127.1.0.2");
  CHECK(act.words.size() == 3);
  auto s = parseCommandLine({"status", "--home", "/tmp/f", "--json"});
  REQUIRE(s.command);
  CHECK(std::get<StatusOptions>(*s.command).json);
  auto rel = parseCommandLine({"release", "--home", "/tmp/f", "--code", "123456"});
  REQUIRE(rel.command);
  CHECK(std::get<ReleaseOptions>(*rel.command).code == "123456");
}

TEST_CASE("bad command lines exit 2 with a specific message") {
  auto check = [](std::vector<std::string> args, const std::string& needle) {
    auto r = parseCommandLine(args);
    CHECK_FALSE(r.command);
    CHECK(r.exit_code == 2);
    INFO(r.output);
    CHECK(r.output.find(needle) != std::string::npos);
  };
  check({"--ems", "x:1"}, "--home is required");
  check({"--home", "h"}, "--ems HOST:PORT is required");
  check({"--home", "h", "--ems", "x:99999"}, "invalid port");
  check({"--home", "h", "--ems", ":80"}, "missing host");
  check({"--home", "h", "--ems", "x", "--os", "beos"}, "--os must be windows, macos or linux");
  check({"--home", "h", "--ems", "x", "--ip", "1.2.3"}, "not an IPv4 address");
  check({"fleet", "--home", "h", "--ems", "x", "--count", "0", "--first-ip", "127.1.0.1"}, "count");
  check({"fleet", "--home", "h", "--ems", "x", "--count", "5", "--first-ip", "255.255.255.254"}, "overflows");
  check({"act", "--home", "h"}, "activity");
  check({"--bogus"}, "bogus");
  auto help = parseCommandLine({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("fleet") != std::string::npos);
}

TEST_CASE("fleet --os and --hostname-prefix (a lab's PC1..PCN); status --brief") {
  auto r = parseCommandLine({"fleet", "--home", "/tmp/f", "--ems", "127.0.0.20:8013", "--count", "3", "--first-ip",
                             "127.1.1.1", "--os", "linux", "--hostname-prefix", "PC"});
  REQUIRE(r.command);
  auto& f = std::get<FleetOptions>(*r.command);
  REQUIRE(f.os);
  CHECK(*f.os == Os::kLinux);
  CHECK(f.hostname_prefix == "PC");
  auto bad = parseCommandLine({"fleet", "--home", "h", "--ems", "x", "--count", "3", "--first-ip", "127.1.1.1",
                               "--hostname-prefix", "P C"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--hostname-prefix") != std::string::npos);
  auto bad_os = parseCommandLine({"fleet", "--home", "h", "--ems", "x", "--count", "3", "--first-ip", "127.1.1.1",
                                  "--os", "beos"});
  CHECK(bad_os.exit_code == 2);
  auto s = parseCommandLine({"status", "--home", "/tmp/f", "--brief", "--json"});
  REQUIRE(s.command);
  CHECK(std::get<StatusOptions>(*s.command).brief);
}

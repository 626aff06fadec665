#include "forticlient/identity.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "common/base/atomic_file.h"

namespace fs = std::filesystem;
using namespace fabric::forticlient;

namespace {
fs::path freshDir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("fct-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("fleet identities are deterministic for a seed and index") {
  auto a = fleetIdentity("lab", 7, Os::kWindows, "127.1.0.8");
  auto b = fleetIdentity("lab", 7, Os::kWindows, "127.1.0.8");
  CHECK(a.toJson() == b.toJson());
  auto c = fleetIdentity("other-seed", 7, Os::kWindows, "127.1.0.8");
  CHECK(a.uid != c.uid);
  CHECK(validate(a).empty());
  CHECK(a.uid.size() == 40);
  CHECK(a.os_version.find("Microsoft Windows") == 0);
  CHECK(a.mac.rfind("00-15-5D-", 0) == 0);
}

TEST_CASE("a fleet of 5000 has unique uids, MACs, hostnames, serials and IPs") {
  std::set<std::string> uids, macs, hosts, serials, ips;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    auto ip = ipv4Add("127.1.0.1", i);
    REQUIRE(ip);
    auto id = fleetIdentity("fleet", i, fleetOs(i, 10, 4), *ip);
    REQUIRE(validate(id).empty());
    uids.insert(id.uid);
    macs.insert(id.mac);
    hosts.insert(id.hostname);
    serials.insert(id.serial);
    ips.insert(id.ip);
  }
  CHECK(uids.size() == 5000);
  CHECK(macs.size() == 5000);
  CHECK(hosts.size() == 5000);
  CHECK(serials.size() == 5000);
  CHECK(ips.size() == 5000);
}

TEST_CASE("fleetOs puts every K-th endpoint on Linux") {
  CHECK(fleetOs(0, 3, 0) == Os::kWindows);
  CHECK(fleetOs(2, 3, 0) == Os::kLinux);
  CHECK(fleetOs(5, 3, 0) == Os::kLinux);
  CHECK(fleetOs(1, 0, 2) == Os::kMacos);
  CHECK(fleetOs(2, 0, 0) == Os::kWindows);
  auto linux_id = fleetIdentity("s", 2, Os::kLinux, "10.0.0.3");
  CHECK((linux_id.os_version.find("Ubuntu") != std::string::npos ||
         linux_id.os_version.find("Linux") != std::string::npos));
}

TEST_CASE("ipv4Add does address arithmetic and refuses bad input") {
  CHECK(*ipv4Add("127.1.0.1", 300) == "127.1.1.45");
  CHECK_FALSE(ipv4Add("255.255.255.255", 1));
  CHECK_FALSE(ipv4Add("not-an-ip", 1));
}

TEST_CASE("identity persists in agent.json and survives a restart") {
  auto dir = freshDir("identity");
  IdentityOverrides o;
  o.os = Os::kMacos;
  o.ip = "127.1.0.9";
  o.hostname = "alice-mbp";
  auto first = loadOrCreateIdentity(dir, "seed-1", o);
  CHECK(first.os == Os::kMacos);
  CHECK(first.hostname == "alice-mbp");
  CHECK(fs::exists(dir / "agent.json"));
  // A restart without flags, even with another seed, keeps the stored identity.
  auto again = loadOrCreateIdentity(dir, "seed-2", {});
  CHECK(again.toJson() == first.toJson());
  // An explicit override changes only that field and is persisted.
  IdentityOverrides user;
  user.user = "bob";
  auto changed = loadOrCreateIdentity(dir, "seed-2", user);
  CHECK(changed.uid == first.uid);
  CHECK(changed.user == "bob");
  CHECK(loadOrCreateIdentity(dir, "x", {}).user == "bob");
  fs::remove_all(dir);
}

TEST_CASE("a corrupt agent.json or a bad override is a clear error and changes nothing") {
  auto dir = freshDir("identity-bad");
  REQUIRE(fabric::writeFileAtomically(dir / "agent.json", "{not json").empty());
  CHECK_THROWS_WITH(loadOrCreateIdentity(dir, "s", {}), Catch::Contains("not valid JSON"));
  CHECK(*fabric::readFile(dir / "agent.json") == "{not json");
  fs::remove(dir / "agent.json");
  IdentityOverrides bad;
  bad.ip = "300.1.1.1";
  CHECK_THROWS_WITH(loadOrCreateIdentity(dir, "s", bad), Catch::Contains("not an IPv4 address"));
  CHECK_FALSE(fs::exists(dir / "agent.json"));
  fs::remove_all(dir);
}

TEST_CASE("Identity::fromJson names the missing field") {
  auto j = fleetIdentity("s", 1, Os::kWindows, "127.0.0.2").toJson();
  j.erase("mac");
  CHECK_THROWS_WITH(Identity::fromJson(j), Catch::Contains("'mac'"));
  j = fleetIdentity("s", 1, Os::kWindows, "127.0.0.2").toJson();
  j["uid"] = "abc";
  CHECK_THROWS_WITH(Identity::fromJson(j), Catch::Contains("40 upper-case hex"));
}

TEST_CASE("every endpoint has its own FortiClient serial, kept across restarts") {
  // Two single endpoints (lab agents: one home each, the seed is the home path) must not share the
  // devid of their logs, as every endpoint once did (FCT8000000000000).
  auto a_dir = freshDir("serial-a");
  auto b_dir = freshDir("serial-b");
  auto a = loadOrCreateIdentity(a_dir, a_dir.string(), {});
  auto b = loadOrCreateIdentity(b_dir, b_dir.string(), {});
  CHECK(a.serial != b.serial);
  CHECK(a.serial != "FCT8000000000000");
  CHECK(a.mac != b.mac);  // nor a MAC (every endpoint once had 00-15-5D-00-00-00)
  for (const auto& id : {a, b}) {
    CHECK(id.serial.size() == 16);
    CHECK(id.serial.rfind("FCT8", 0) == 0);
    CHECK(id.serial.find_first_not_of("0123456789", 3) == std::string::npos);
  }
  // A restart keeps the serial (it is stored in agent.json with the rest of the identity).
  CHECK(loadOrCreateIdentity(a_dir, "another-seed", {}).serial == a.serial);
  // Index 0 of different fleets differ too; one fleet's serials are distinct (tested above).
  CHECK(fleetIdentity("lab-1", 0, Os::kWindows, "127.0.0.2").serial !=
        fleetIdentity("lab-2", 0, Os::kWindows, "127.0.0.2").serial);
  fs::remove_all(a_dir);
  fs::remove_all(b_dir);
}

TEST_CASE("an agent.json with the once-shared serial gets its own, from its uid, and keeps it") {
  auto dir = freshDir("serial-legacy");
  auto j = fleetIdentity("old", 0, Os::kWindows, "127.0.0.2").toJson();
  j["serial"] = "FCT8000000000000";
  REQUIRE(fabric::writeFileAtomically(dir / "agent.json", j.dump()).empty());
  auto id = loadOrCreateIdentity(dir, "s", {});
  CHECK(id.serial != "FCT8000000000000");
  CHECK(id.uid == j["uid"]);
  CHECK(nlohmann::json::parse(*fabric::readFile(dir / "agent.json"))["serial"] == id.serial);
  CHECK(loadOrCreateIdentity(dir, "other", {}).serial == id.serial);
  // Another endpoint's old file (another uid) gets another serial.
  auto dir2 = freshDir("serial-legacy2");
  auto j2 = fleetIdentity("old", 1, Os::kWindows, "127.0.0.3").toJson();
  j2["serial"] = "FCT8000000000000";
  REQUIRE(fabric::writeFileAtomically(dir2 / "agent.json", j2.dump()).empty());
  CHECK(loadOrCreateIdentity(dir2, "s", {}).serial != id.serial);
  fs::remove_all(dir);
  fs::remove_all(dir2);
}

TEST_CASE("a malformed serial in agent.json is refused by name") {
  auto j = fleetIdentity("s", 1, Os::kWindows, "127.0.0.2").toJson();
  j["serial"] = "FCT12";
  CHECK_THROWS_WITH(Identity::fromJson(j), Catch::Contains("serial 'FCT12'"));
}

// The real build/bin/fortigate on loopback: configuration file, console client, REST over verified
// HTTPS with every error case, lockout, event log, clean stop.
#include <catch2/catch.hpp>

#include "common/http/http.h"
#include "daemon_harness.h"

using namespace fgt_it;
using fabric::http::ClientTls;
using fabric::http::HttpsClient;

namespace {

const std::string kSeedScript = R"(config system automation-trigger
edit "trigger01"
set trigger-type event-based
set event-type ioc
set ioc-level high
next
end
config system automation-action
edit "action01"
set action-type quarantine-forticlient
set minimum-interval 0
next
end
config system automation-stitch
edit "stitch01"
set status enable
set trigger "trigger01"
set action "action01"
next
end
config firewall address
edit "EMS01"
set type ipmask
set subnet 127.0.1.3 255.255.255.255
next
end
config endpoint-control forticlient-ems
edit "e01"
set address "EMS01"
set serial-number FCTEMS0000012345
set rest-api-auth userpass
set https-port 443
set admin-username admin
set admin-password S3cret-EMS!
set admin-type Windows
next
end
)";

nlohmann::json body(const fabric::http::ClientResult& r) { return nlohmann::json::parse(r.body); }

std::string setCookieValue(const fabric::http::ClientResult& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k != "Set-Cookie" || v.rfind(name + "=", 0) != 0) continue;
    std::string value = v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return "";
}

std::string generateKey(const Daemon& d, const fs::path& scratch, const std::string& user) {
  auto r = d.cli(scratch, {"execute api-user generate-key " + user});
  REQUIRE(r.status == 0);
  REQUIRE(r.out.rfind("New API key: ", 0) == 0);
  return r.out.substr(13, 30);
}

}  // namespace

TEST_CASE("a configuration file that does not load stops the daemon with the reason") {
  TempDir tmp;
  const fs::path home = tmp.path / "fgt";
  fs::create_directories(home);
  const std::string broken = "config system global\n    set admin-sport 99999\nend\n";
  fabric::writeFileAtomically(home / "fortigate.conf", broken);
  Daemon d(home, randomLoopback());
  std::string error;
  CHECK_FALSE(d.start(error));
  CHECK(d.exitStatus() == 1);
  CHECK_THAT(error, Catch::Contains("cannot load the configuration: " + (home / "fortigate.conf").string() + ": line 2"));
  CHECK(*fabric::readFile(home / "fortigate.conf") == broken);  // untouched
  CHECK_FALSE(fs::exists(home / "ready.json"));
}

TEST_CASE("fortigate daemon: console and REST on one tree") {
  TempDir tmp;
  const std::string address = randomLoopback();
  const std::uint16_t port = freePort(address);
  const fs::path home = tmp.path / "fgt";
  fs::create_directories(home);
  fabric::writeFileAtomically(home / "fortigate.conf", initialConfig(port, 2));
  Daemon d(home, address);
  std::string error;
  REQUIRE(d.start(error));
  INFO(error);
  const auto identity = nlohmann::json::parse(*fabric::readFile(home / "identity.json"));
  const std::string serial = identity["serial"];
  CHECK(d.httpsPort() == port);
  CHECK(d.ready()["serial"] == serial);
  CHECK(d.ready()["address"] == address);
  CHECK(fs::exists(home / "fortigate.pid"));

  // --- console ---
  auto status = d.cli(tmp.path, {"get system status"});
  CHECK(status.status == 0);
  CHECK_THAT(status.out, Catch::Contains("Serial-Number: " + serial + "\n"));

  auto seeded = d.cli(tmp.path, {}, kSeedScript);  // the seed's five blocks, as a script on stdin
  CHECK(seeded.status == 0);
  CHECK(seeded.err.empty());
  auto shown = d.cli(tmp.path, {"show endpoint-control forticlient-ems", "show system automation-stitch"});
  CHECK(shown.status == 0);
  CHECK_THAT(shown.out, Catch::Contains("set admin-password ENC "));
  CHECK(shown.out.find("S3cret-EMS!") == std::string::npos);
  CHECK_THAT(shown.out, Catch::Contains("        set trigger \"trigger01\"\n"));
  const std::string saved = *fabric::readFile(home / "fortigate.conf");
  CHECK_THAT(saved, Catch::Contains("edit \"stitch01\""));
  CHECK(saved.find("S3cret-EMS!") == std::string::npos);

  auto failing = d.cli(tmp.path, {"show firewall address", "config firewall address", "delete EMS01", "end"});
  CHECK(failing.status == 1);  // EMS01 is used by e01
  CHECK_THAT(failing.out, Catch::Contains("Command fail. Return code"));
  auto unfinished = d.cli(tmp.path, {}, "config firewall address\nedit \"half\"\nset comment \"x\"\n");
  CHECK(unfinished.status == 1);
  CHECK_THAT(unfinished.err, Catch::Contains("uncommitted changes were discarded"));
  CHECK(fabric::readFile(home / "fortigate.conf")->find("\"half\"") == std::string::npos);

  TempDir nobody;
  auto unreachable = run(tmp.path, {kBin, "cli", "--home", nobody.path.string(), "-c", "show"});
  CHECK(unreachable.status == 2);
  CHECK_THAT(unreachable.err, Catch::Contains("cannot reach the daemon"));

  REQUIRE(d.cli(tmp.path, {"config system accprofile", "edit \"reader\"", "set sysgrp read", "set fwgrp read", "next",
                           "end", "config system api-user", "edit \"bot\"", "set accprofile \"super_admin\"", "next",
                           "edit \"ro\"", "set accprofile \"reader\"", "next", "edit \"far\"",
                           "set accprofile \"super_admin\"", "config trusthost", "edit 1",
                           "set ipv4-trusthost 10.0.0.0 255.0.0.0", "next", "end", "next", "end",
                           "config system admin", "edit \"admin\"", "set password \"Adm1n-Lab\"", "next", "end"})
              .status == 0);
  const std::string key = generateKey(d, tmp.path, "bot");
  const std::string ro_key = generateKey(d, tmp.path, "ro");
  const std::string far_key = generateKey(d, tmp.path, "far");

  // --- REST over verified TLS ---
  const ClientTls tls{home / "tls" / "ca.pem", {}, {}};
  HttpsClient api(address, port, tls);
  const fabric::http::Headers auth = {{"Authorization", "Bearer " + key}};

  auto st = api.request("GET", "/api/v2/monitor/system/status", {}, auth);
  REQUIRE(st.status == 200);
  CHECK(api.peerSerialNumber() == serial);
  CHECK(body(st)["serial"] == serial);
  CHECK(body(st)["version"] == "v6.0.4");
  CHECK(body(st)["results"]["model_name"] == "FortiGate");

  auto stitch = api.request("GET", "/api/v2/cmdb/system/automation-stitch/stitch01?access_token=" + key);
  REQUIRE(stitch.status == 200);
  CHECK(body(stitch)["results"][0]["trigger"] == "trigger01");
  CHECK(body(stitch)["results"][0]["status"] == "enable");
  auto ems = api.request("GET", "/api/v2/cmdb/endpoint-control/forticlient-ems/e01", {}, auth);
  REQUIRE(ems.status == 200);
  CHECK(ems.body.find("S3cret-EMS!") == std::string::npos);

  auto missing = api.request("GET", "/api/v2/cmdb/firewall/address/nope", {}, auth);
  CHECK(missing.status == 404);
  CHECK(body(missing)["http_status"] == 404);

  auto bad_ref = api.request("PUT", "/api/v2/cmdb/system/automation-stitch/stitch01", R"({"trigger":"ghost"})",
                             {{"Authorization", "Bearer " + key}, {"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(bad_ref.status == 500);
  CHECK(body(bad_ref)["error"] == -3);
  CHECK_THAT(body(bad_ref)["cli_error"].get<std::string>(), Catch::Contains("Command fail. Return code -3"));

  auto created = api.request("POST", "/api/v2/cmdb/firewall/address",
                             R"({"name":"from-rest","subnet":"10.1.2.3 255.255.255.255"})", auth);
  CHECK(created.status == 200);
  auto via_cli = d.cli(tmp.path, {"show firewall address from-rest"});
  CHECK_THAT(via_cli.out, Catch::Contains("set subnet 10.1.2.3 255.255.255.255"));

  CHECK(api.request("GET", "/api/v2/cmdb/firewall/address").status == 401);
  CHECK(api.request("GET", "/api/v2/cmdb/firewall/address", {}, {{"Authorization", "Bearer wrong"}}).status == 401);
  auto untrusted = api.request("GET", "/api/v2/cmdb/firewall/address", {}, {{"Authorization", "Bearer " + far_key}});
  CHECK(untrusted.status == 401);
  CHECK_THAT(body(untrusted)["error_text"].get<std::string>(), Catch::Contains("not a trusted host"));
  CHECK(api.request("GET", "/api/v2/cmdb/firewall/address", {}, {{"Authorization", "Bearer " + ro_key}}).status == 200);
  CHECK(api.request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"ro"})",
                    {{"Authorization", "Bearer " + ro_key}})
            .status == 403);
  CHECK(api.request("PATCH", "/api/v2/cmdb/firewall/address", "{}", auth).status == 405);

  // --- session auth ---
  HttpsClient gui(address, port, tls);
  auto login = gui.request("POST", "/logincheck", "username=admin&secretkey=Adm1n-Lab&ajax=1",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(login.status == 200);
  REQUIRE(login.body.substr(0, 1) == "1");
  const std::string csrf = setCookieValue(login, "ccsrftoken");
  REQUIRE_FALSE(csrf.empty());
  CHECK(gui.request("GET", "/api/v2/cmdb/firewall/address/from-rest").status == 200);
  CHECK(gui.request("DELETE", "/api/v2/cmdb/firewall/address/from-rest").status == 403);  // no X-CSRFTOKEN
  CHECK(gui.request("DELETE", "/api/v2/cmdb/firewall/address/from-rest", {}, {{"X-CSRFTOKEN", csrf}}).status == 200);
  CHECK(gui.request("POST", "/logout").status == 200);
  CHECK(gui.request("GET", "/api/v2/cmdb/firewall/address").status == 401);

  // --- lockout: two failures from one source address lock it out ---
  std::string other = address.substr(0, address.rfind('.') + 1) + "1";
  HttpsClient attacker(address, port, tls, other);
  CHECK(attacker.request("POST", "/logincheck", "username=admin&secretkey=guess1").body == "0");
  CHECK(attacker.request("POST", "/logincheck", R"({"username":"admin","secretkey":"guess2"})").body == "0");
  CHECK(attacker.request("POST", "/logincheck", "username=admin&secretkey=Adm1n-Lab").body == "2");
  CHECK(gui.request("POST", "/logincheck", "username=admin&secretkey=Adm1n-Lab").body.substr(0, 1) == "1");

  const std::string events = *fabric::readFile(home / "event.log");
  CHECK_THAT(events, Catch::Contains("logid=\"0100032001\""));
  CHECK_THAT(events, Catch::Contains("logid=\"0100032002\""));
  CHECK_THAT(events, Catch::Contains("logid=\"0100032021\""));
  CHECK_THAT(events, Catch::Contains("Login disabled from IP " + other));
  CHECK_THAT(events, Catch::Contains("logid=\"0100044547\""));
  CHECK_THAT(events, Catch::Contains("cfgpath=\"system.automation-stitch\" cfgobj=\"stitch01\""));
  for (const std::string secret : {"S3cret-EMS!", "Adm1n-Lab", key.c_str()})
    CHECK(events.find(secret) == std::string::npos);

  // --- a second daemon on the same home is refused; SIGTERM is a clean exit ---
  Daemon twin(home, address);
  std::string twin_error;
  CHECK_FALSE(twin.start(twin_error));
  CHECK_THAT(twin_error, Catch::Contains("already running"));
  CHECK(d.kill(SIGTERM) == 0);
  CHECK_FALSE(fs::exists(home / "ready.json"));
  CHECK_FALSE(fs::exists(home / "fortigate.pid"));
  CHECK_FALSE(fs::exists(home / "console.sock"));
}

TEST_CASE("a busy admin-sport stops the daemon with the reason") {
  TempDir tmp;
  const std::string address = randomLoopback();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t port = ntohs(a.sin_port);
  const fs::path home = tmp.path / "fgt";
  fs::create_directories(home);
  fabric::writeFileAtomically(home / "fortigate.conf", initialConfig(port));
  Daemon d(home, address);
  std::string error;
  CHECK_FALSE(d.start(error));
  ::close(fd);
  CHECK(d.exitStatus() == 1);
  CHECK_THAT(error, Catch::Contains("HTTPS: bind " + address + ":" + std::to_string(port) + ": Address already in use"));
  CHECK_FALSE(fs::exists(home / "ready.json"));
  CHECK_FALSE(fs::exists(home / "console.sock"));
}

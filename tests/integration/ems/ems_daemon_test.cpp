// The real build/bin/ems on loopback: REST over verified HTTPS, agent links over mutually verified
// TLS, the console, persistence across kill -9.
#include "common/http/http.h"
#include "ems/rest_api.h"
#include "ems_process.h"

using namespace fabric;
using namespace fabric::ems::itest;

namespace {

const std::string kSerial = "FCTEMS0000012345";
const std::string kUid1 = "0123456789ABCDEF0123456789ABCDEF01234567";
const std::string kUid2 = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

struct Lab {
  TempDir dir;
  std::string base = randomBase();
  std::string ems_ip = base + "3", fgt_ip = base + "1", faz_ip = base + "2";
  fs::path home = dir.path / "ems";
  fs::path pki = dir.path / "pki";
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  net::EventLoop loop;
  std::unique_ptr<EmsProcess> ems;

  Lab() {
    fs::create_directories(home);
    fs::create_directories(pki);
    REQUIRE(writeFileAtomically(home / "identity.json",
                                nlohmann::json{{"serial", kSerial}, {"hostname", "ems"}}.dump()) == "");
    tls::installNodeCertificate(home, ca, tls::issueCertificate(ca, {kSerial, kSerial, {"ems"}, {ems_ip}}));
    REQUIRE(writeFileAtomically(pki / "ca.pem", ca.cert_pem) == "");
    const std::string config =
        "config system admin\n    edit \"admin\"\n        set password S3cret!\n    next\nend\n"
        "config system server\n    set remote-https-access enable\nend\n"
        "config endpoint profile\n    edit \"default\"\n        set faz-address " + faz_ip + "\n    next\nend\n"
        "config endpoint gateway-list\n    edit \"gl1\"\n        config fortigate\n            edit \"fgt1\"\n"
        "                set address " + fgt_ip + "\n            next\n        end\n    next\nend\n"
        "config endpoint assignment-rule\n    edit 1\n        set profile \"default\"\n"
        "        set gateway-list \"gl1\"\n    next\nend\n";
    REQUIRE(writeFileAtomically(home / "ems.conf", config) == "");
    ems = std::make_unique<EmsProcess>(home, ems_ip);
    ems->start();
    loop.start();
  }

  net::TlsConfig agentTls(const std::string& uid, const std::string& ip) {
    auto pair = tls::issueCertificate(ca, {uid, "", {}, {ip}});
    const fs::path cert = pki / (uid + ".pem"), key = pki / (uid + ".key");
    REQUIRE(writeFileAtomically(cert, pair.cert_pem) == "");
    REQUIRE(writeFileAtomically(key, pair.key_pem, 0600) == "");
    return net::TlsConfig{pki / "ca.pem", cert, key, true, ""};
  }

  nlohmann::json registerMessage(const std::string& uid, const std::string& ip, const std::string& os = "windows") {
    return {{"type", "register"}, {"uid", uid}, {"hostname", "PC-" + uid.substr(0, 4)}, {"os", os},
            {"os_version", "Microsoft Windows 11"}, {"ip", ip}, {"mac", "00-11-22-33-44-55"},
            {"user", "alice"}, {"fctver", "7.0.9.0493"}, {"quarantine", {{"state", "none"}, {"since", 0}}}};
  }

  std::unique_ptr<TestAgent> agent(const std::string& uid, const std::string& ip, const std::string& os = "windows") {
    auto a = std::make_unique<TestAgent>(loop, agentTls(uid, ip), ems_ip, ems->linkPort(), ip,
                                         registerMessage(uid, ip, os));
    a->start();
    return a;
  }

  // A REST client (the FortiGate unless `source` says otherwise), signed in.
  struct Rest {
    std::unique_ptr<http::HttpsClient> client;
    std::string csrf;
    http::ClientResult call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) {
      http::Headers headers = {{"Content-Type", "application/json"}};
      if (!csrf.empty()) headers.push_back({"X-CSRFToken", csrf});
      return client->request(method, path, body.is_null() ? "" : body.dump(), headers);
    }
  };
  Rest rest(const std::string& source, bool sign_in = true) {
    Rest r;
    r.client = std::make_unique<http::HttpsClient>(ems_ip, ems->httpsPort(), http::ClientTls{pki / "ca.pem", {}, {}},
                                                   source, std::chrono::seconds(10));
    if (sign_in) {
      auto res = r.call("POST", "/api/v1/auth/signin", {{"name", "admin"}, {"password", "S3cret!"}});
      INFO(res.error << " " << res.body);
      REQUIRE(res.status == 200);
      for (const auto& [k, v] : res.headers) {
        if (k == "Set-Cookie" && v.rfind("csrftoken=", 0) == 0) r.csrf = v.substr(10, v.find(';') - 10);
      }
      REQUIRE(r.csrf.size() == 64);
    }
    return r;
  }
};

nlohmann::json json(const http::ClientResult& r) {
  INFO(r.error << " " << r.body);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

nlohmann::json endpointOf(Lab::Rest& rest, const std::string& uid) {
  auto r = rest.call("GET", "/api/v1/endpoints/" + uid);
  REQUIRE(r.status == 200);
  return json(r)["data"];
}

}  // namespace

TEST_CASE("REST over HTTPS: sign-in, CSRF, serial, endpoints, errors, remote access", "[ems][integration]") {
  Lab lab;
  auto anonymous = lab.rest(lab.fgt_ip, false);
  auto denied = anonymous.call("POST", "/api/v1/auth/signin", {{"name", "admin"}, {"password", "wrong"}});
  CHECK(denied.status == 401);
  CHECK(json(denied)["result"]["retval"] == -1);
  CHECK(anonymous.call("GET", "/api/v1/endpoints").status == 401);

  auto fgt = lab.rest(lab.fgt_ip);
  auto serial = fgt.call("GET", "/api/v1/system/serial_number");
  CHECK(serial.status == 200);
  CHECK(json(serial)["data"] == kSerial);
  CHECK(fgt.client->peerSerialNumber() == kSerial);
  CHECK(json(fgt.call("GET", "/api/v1/endpoints"))["data"] == nlohmann::json::array());

  const std::string token = fgt.csrf;
  fgt.csrf.clear();
  CHECK(fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", lab.base + "50"}}).status == 403);
  fgt.csrf = token;
  auto missing = fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", lab.base + "50"}});
  CHECK(missing.status == 404);
  CHECK(json(missing)["result"]["message"] == "Endpoint not found: no endpoint has IP address " + lab.base + "50");
  CHECK(fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", 12}}).status == 400);

  // The console turns remote access off; the FortiGate is refused, localhost is not.
  auto [status, output] = lab.ems->cli({"config system server", "set remote-https-access disable", "end"});
  INFO(output);
  REQUIRE(status == 0);
  auto refused = fgt.call("GET", "/api/v1/endpoints");
  CHECK(refused.status == 403);
  CHECK(json(refused)["result"]["message"] == ems::kRemoteAccessDisabled);
  auto local = lab.rest("127.0.0.1");
  CHECK(local.call("GET", "/api/v1/endpoints").status == 200);
  // The change was saved; passwords only as hashes.
  const std::string conf = slurp(lab.home / "ems.conf");
  CHECK(conf.find("remote-https-access enable") == std::string::npos);
  CHECK(conf.find("S3cret!") == std::string::npos);
  CHECK(conf.find("set password ENC SH2") != std::string::npos);
  const std::string events = slurp(lab.home / "event.log");
  CHECK(events.find("S3cret!") == std::string::npos);
  CHECK(events.find("logid=\"0100032002\"") != std::string::npos);
  CHECK(lab.ems->terminate() == 0);
  CHECK_FALSE(fs::exists(lab.home / "ready.json"));
}

TEST_CASE("an agent registers, gets its profile and receives a quarantine command", "[ems][integration]") {
  Lab lab;
  const std::string ip1 = lab.base + "50", ip2 = lab.base + "51";
  auto agent = lab.agent(kUid1, ip1);
  auto registered = agent->waitFor("registered");
  REQUIRE_FALSE(registered.is_null());
  CHECK(registered["ems_serial"] == kSerial);
  CHECK(registered["profile"]["faz_address"] == lab.faz_ip);
  CHECK(registered["gateways"][0]["address"] == lab.fgt_ip);

  auto fgt = lab.rest(lab.fgt_ip);
  auto r = fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", ip1}, {"flow_id", "F-20261128-000001-abcd"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(json(r)["data"]["delivered"] == true);
  auto command = agent->waitFor("command");
  REQUIRE_FALSE(command.is_null());
  CHECK(command["action"] == "quarantine");
  CHECK(command["flow_id"] == "F-20261128-000001-abcd");
  CHECK(command["source"] == "fortigate:" + lab.fgt_ip);

  REQUIRE(agent->send({{"type", "command-result"}, {"id", command["id"]}, {"ok", true}, {"message", "quarantined"},
                       {"state", "quarantined"}, {"flow_id", command["flow_id"]}}));
  REQUIRE(agent->send({{"type", "status"}, {"state", "quarantined"}, {"flow_id", command["flow_id"]}}));
  REQUIRE(waitUntil([&] { return endpointOf(fgt, kUid1)["quarantine"]["state"] == "quarantined"; }));
  CHECK(endpointOf(fgt, kUid1)["commands"][0]["status"] == "done");

  // Another FortiGate (not in the gateway list) and a Linux endpoint are refused with their reasons.
  auto stranger = lab.rest(lab.base + "9");
  auto not_in_list = stranger.call("POST", "/api/v1/endpoints/unquarantine", {{"uid", kUid1}});
  CHECK(not_in_list.status == 409);
  CHECK(json(not_in_list)["result"]["message"].get<std::string>().find("does not contain FortiGate") !=
        std::string::npos);
  auto linux_agent = lab.agent(kUid2, ip2, "linux");
  REQUIRE_FALSE(linux_agent->waitFor("registered").is_null());
  auto linux_refused = fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", ip2}});
  CHECK(linux_refused.status == 409);
  CHECK(json(linux_refused)["result"]["message"] == "Quarantine is not supported on FortiClient (Linux)");

  auto [status, output] = lab.ems->cli({"diagnose endpoint list"});
  CHECK(status == 0);
  CHECK(output.find(kUid1) != std::string::npos);
  CHECK(output.find("quarantined") != std::string::npos);

  // The rule loses its profile: the online agent is told at once, and the FortiGate's next call
  // fails with that reason.
  auto [unset_status, unset_output] =
      lab.ems->cli({"config endpoint assignment-rule", "edit 1", "unset profile", "next", "end"});
  INFO(unset_output);
  REQUIRE(unset_status == 0);
  auto pushed = agent->waitFor("profile");
  REQUIRE_FALSE(pushed.is_null());
  CHECK(pushed["profile"].is_null());
  auto no_profile = fgt.call("POST", "/api/v1/endpoints/unquarantine", {{"uid", kUid1}});
  CHECK(no_profile.status == 409);
  CHECK(json(no_profile)["result"]["message"] == "No profile is assigned to endpoint PC-0123 (" + ip1 + ")");
}

TEST_CASE("an agent without a certificate from the lab CA is refused", "[ems][integration]") {
  Lab lab;
  const std::string ip = lab.base + "52";
  auto rogue_ca = tls::makeCertificateAuthority("Rogue CA");
  auto pair = tls::issueCertificate(rogue_ca, {kUid1, "", {}, {ip}});
  REQUIRE(writeFileAtomically(lab.pki / "rogue.pem", pair.cert_pem) == "");
  REQUIRE(writeFileAtomically(lab.pki / "rogue.key", pair.key_pem, 0600) == "");
  TestAgent rogue(lab.loop, net::TlsConfig{lab.pki / "ca.pem", lab.pki / "rogue.pem", lab.pki / "rogue.key", true, ""},
                  lab.ems_ip, lab.ems->linkPort(), ip, lab.registerMessage(kUid1, ip));
  rogue.start();
  // A good agent registers meanwhile; the rogue one never does.
  auto good = lab.agent(kUid2, lab.base + "53");
  REQUIRE_FALSE(good->waitFor("registered").is_null());
  CHECK(rogue.count("registered") == 0);
  auto fgt = lab.rest(lab.fgt_ip);
  CHECK(fgt.call("GET", "/api/v1/endpoints/" + kUid1).status == 404);
}

TEST_CASE("an offline endpoint gets its pending command on reconnect", "[ems][integration]") {
  Lab lab;
  const std::string ip = lab.base + "54";
  auto fgt = lab.rest(lab.fgt_ip);
  {
    auto agent = lab.agent(kUid1, ip);
    REQUIRE_FALSE(agent->waitFor("registered").is_null());
  }
  REQUIRE(waitUntil([&] { return endpointOf(fgt, kUid1)["online"] == false; }));
  auto r = fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", ip}});
  REQUIRE(r.status == 200);
  CHECK(json(r)["data"]["delivered"] == false);
  const auto command_id = json(r)["data"]["command_id"];

  auto agent = lab.agent(kUid1, ip);
  auto command = agent->waitFor("command");
  REQUIRE_FALSE(command.is_null());
  CHECK(command["id"] == command_id);
  CHECK(agent->count("registered") == 1);
}

TEST_CASE("kill -9 with pending commands, restart: nothing is lost", "[ems][integration]") {
  Lab lab;
  const std::string ip1 = lab.base + "55", ip2 = lab.base + "56";
  nlohmann::json q1, q2;
  {
    auto fgt = lab.rest(lab.fgt_ip);
    {
      auto a1 = lab.agent(kUid1, ip1);
      auto a2 = lab.agent(kUid2, ip2);
      REQUIRE_FALSE(a1->waitFor("registered").is_null());
      REQUIRE_FALSE(a2->waitFor("registered").is_null());
    }
    REQUIRE(waitUntil([&] {
      return endpointOf(fgt, kUid1)["online"] == false && endpointOf(fgt, kUid2)["online"] == false;
    }));
    q1 = json(fgt.call("POST", "/api/v1/endpoints/quarantine", {{"ip", ip1}}))["data"];
    q2 = json(fgt.call("POST", "/api/v1/endpoints/quarantine", {{"uid", kUid2}}))["data"];
    auto u1 = json(fgt.call("POST", "/api/v1/endpoints/unquarantine", {{"ip", ip1}}))["data"];
    REQUIRE(q1["delivered"] == false);
    REQUIRE(u1["command_id"] > q1["command_id"]);
  }
  lab.ems->kill9();
  lab.ems->start();

  auto fgt = lab.rest(lab.fgt_ip);
  auto list = json(fgt.call("GET", "/api/v1/endpoints"))["data"];
  REQUIRE(list.size() == 2);
  for (const auto& e : list) CHECK(e["online"] == false);
  CHECK(endpointOf(fgt, kUid1)["quarantine"]["pending"].size() == 2);
  CHECK(endpointOf(fgt, kUid2)["quarantine"]["pending"].size() == 1);

  auto a1 = lab.agent(kUid1, ip1);
  auto first = a1->waitFor("command", 1);
  auto second = a1->waitFor("command", 2);
  REQUIRE_FALSE(second.is_null());
  CHECK(first["id"] == q1["command_id"]);
  CHECK(first["action"] == "quarantine");
  CHECK(second["action"] == "unquarantine");
  auto a2 = lab.agent(kUid2, ip2);
  auto c2 = a2->waitFor("command");
  REQUIRE_FALSE(c2.is_null());
  CHECK(c2["id"] == q2["command_id"]);

  // Results recorded before another kill -9 stay recorded.
  REQUIRE(a2->send({{"type", "command-result"}, {"id", c2["id"]}, {"ok", true}, {"state", "quarantined"}}));
  REQUIRE(waitUntil([&] { return endpointOf(fgt, kUid2)["quarantine"]["state"] == "quarantined"; }));
  lab.ems->kill9();
  lab.ems->start();
  auto again = lab.rest(lab.fgt_ip);
  CHECK(endpointOf(again, kUid2)["quarantine"]["state"] == "quarantined");
  CHECK(endpointOf(again, kUid2)["quarantine"]["pending"].empty());
  CHECK(endpointOf(again, kUid1)["quarantine"]["pending"].size() == 2);
}

TEST_CASE("an agent may register only as the endpoint its certificate names", "[ems][integration]") {
  Lab lab;
  const std::string ip = lab.base + "56";
  // A certificate issued for endpoint 1, used to register as endpoint 2.
  TestAgent impostor(lab.loop, lab.agentTls(kUid1, ip), lab.ems_ip, lab.ems->linkPort(), ip,
                     lab.registerMessage(kUid2, ip));
  impostor.start();
  auto error = impostor.waitFor("error");
  REQUIRE_FALSE(error.is_null());
  CHECK(error["message"] == "register: uid " + kUid2 + " does not match the agent certificate (CN \"" + kUid1 +
                                "\"): an agent may register only as the endpoint its certificate names");
  CHECK(impostor.count("registered") == 0);
  impostor.stop();
  auto fgt = lab.rest(lab.fgt_ip);
  CHECK(fgt.call("GET", "/api/v1/endpoints/" + kUid2).status == 404);
  REQUIRE(waitUntil([&] {
    return readFile(lab.home / "event.log").value_or("").find("does not match the agent certificate") !=
           std::string::npos;
  }));
  // Its own uid registers.
  auto agent = lab.agent(kUid1, ip);
  REQUIRE_FALSE(agent->waitFor("registered").is_null());
}

TEST_CASE("a command the agent never answers times out, visible over REST, in the console and the event log",
          "[ems][integration]") {
  Lab lab;
  REQUIRE(lab.ems->cli({"config system server", "set command-timeout 2", "end"}).first == 0);
  const std::string ip = lab.base + "57";
  auto agent = lab.agent(kUid1, ip);  // a TestAgent never answers commands
  REQUIRE_FALSE(agent->waitFor("registered").is_null());
  auto fgt = lab.rest(lab.fgt_ip);
  auto r = fgt.call("POST", "/api/v1/endpoints/quarantine", {{"uid", kUid1}, {"flow_id", "F-20261129-000057-beef"}});
  REQUIRE(r.status == 200);
  const auto id = json(r)["data"]["command_id"].get<std::int64_t>();
  REQUIRE_FALSE(agent->waitFor("command").is_null());
  nlohmann::json cmd;
  const bool timed_out = waitUntil([&] {
    const auto endpoint = endpointOf(fgt, kUid1);  // kept: a range over a temporary's member dangles
    for (const auto& c : endpoint["commands"])
      if (c["id"] == id) cmd = c;
    return cmd.is_object() && cmd.value("status", "") == "timeout";
  });
  INFO("ems stderr:\n" << readFile(lab.home / "ems.stderr").value_or("") << "\nevent.log:\n"
                        << readFile(lab.home / "event.log").value_or("") << "\ncommand: " << cmd.dump());
  REQUIRE(timed_out);
  CHECK(cmd["result"]["message"] == "no answer from FortiClient within 2 s (command-timeout) after it was sent 1 time");
  auto console = lab.ems->cli({"diagnose endpoint commands " + kUid1});
  CHECK(console.second.find("status=timeout") != std::string::npos);
  const auto log = readFile(lab.home / "event.log").value_or("");
  CHECK(log.find("logid=\"0109045015\"") != std::string::npos);
  CHECK(log.find("flowid=\"F-20261129-000057-beef\"") != std::string::npos);
}

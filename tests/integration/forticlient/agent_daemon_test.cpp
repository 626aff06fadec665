// The real forticlient daemon (build/bin/forticlient) as a child process against in-test peers over
// verified TLS on loopback: an EMS and a FortiGate (LinkServer) and a FortiAnalyzer syslog receiver
// (RFC 5425 over TLS). Each node has its own 127.x.y.z address; ports are picked by the kernel.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "common/base/atomic_file.h"
#include "common/tls/pki.h"
#include "fake_peers.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace fabric::testing;

namespace {

const std::string kBin = std::string(FABRIC_BIN_DIR) + "/forticlient";
const std::string kEmsSerial = "FCTEMS0000012345";
const char* kLinuxRefusal = "Quarantine is not supported on FortiClient (Linux)";

struct Lab {
  fs::path dir;
  std::string net;  // "127.a.b."
  fabric::tls::KeyPair ca;
  fabric::net::EventLoop loop;
  std::unique_ptr<PeerServer> ems, fgt;
  std::unique_ptr<SyslogReceiver> faz;

  Lab() {
    std::random_device rd;
    std::mt19937 rng(rd());
    net = "127." + std::to_string(100 + rng() % 150) + "." + std::to_string(1 + rng() % 250) + ".";
    dir = fs::temp_directory_path() / ("fct-it-" + std::to_string(rng()));
    fs::create_directories(dir);
    ca = fabric::tls::makeCertificateAuthority("Fabric Lab CA");
    loop.start();
    ems = std::make_unique<PeerServer>(loop, tlsFor("ems", kEmsSerial, ip(1)), ip(1));
    fgt = std::make_unique<PeerServer>(loop, tlsFor("fgt", "FGVM01TM00000001", ip(2)), ip(2));
    faz = std::make_unique<SyslogReceiver>(loop, tlsFor("faz", "FAZ-VM0000000001", ip(3)), ip(3));
    REQUIRE(ems->error().empty());
    REQUIRE(fgt->error().empty());
    REQUIRE(faz->up().empty());
  }
  ~Lab() {
    ems.reset();
    fgt.reset();
    faz.reset();
    loop.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string ip(int host) const { return net + std::to_string(host); }

  fabric::net::TlsConfig tlsFor(const std::string& name, const std::string& serial, const std::string& address) {
    auto cert = fabric::tls::issueCertificate(
        ca, {.common_name = serial, .serial_number = serial, .dns_names = {name}, .ip_addresses = {address}});
    auto files = fabric::tls::installNodeCertificate(dir / name, ca, cert);
    return {files.ca, files.cert, files.key, true, ""};
  }

  // An agent home with a CA-issued certificate for the agent's address.
  fs::path agentHome(const std::string& name, const std::string& address) {
    auto home = dir / name;
    auto cert = fabric::tls::issueCertificate(
        ca, {.common_name = name, .serial_number = "FCT8001234567890", .ip_addresses = {address}});
    fabric::tls::installNodeCertificate(home, ca, cert);
    return home;
  }

  json registered() const {
    return {{"type", "registered"},
            {"ems_serial", kEmsSerial},
            {"profile", {{"name", "Default"}, {"faz_address", ip(3)}, {"faz_port", faz->port()}}},
            {"gateways", json::array({{{"name", "FGT-A"}, {"address", ip(2)}, {"port", fgt->port()}}})},
            {"quarantine", {{"state", "none"}, {"since", nullptr}}}};
  }
};

std::vector<std::string> agentArgs(const Lab& lab, const fs::path& home, const std::string& ip,
                                   const std::string& os) {
  return {kBin, "--home", home.string(), "--ems", lab.ip(1) + ":" + std::to_string(lab.ems->port()),
          "--ip", ip, "--os", os, "--hostname", "WIN-IT-" + os};
}

// ready.json written by this very process (a kill -9 leaves the previous one behind).
bool ready(const fs::path& home, const Daemon& d) {
  auto text = fabric::readFile(home / "ready.json");
  if (!text) return false;
  auto j = json::parse(*text, nullptr, false);
  return j.is_object() && j.value("pid", -1) == d.pid();
}

CommandResult act(const Lab& lab, const fs::path& home, std::vector<std::string> words) {
  std::vector<std::string> args = {kBin, "act", "--home", home.string()};
  args.insert(args.end(), words.begin(), words.end());
  return run(args, lab.dir);
}

json status(const Lab& lab, const fs::path& home) {
  auto r = run({kBin, "status", "--home", home.string(), "--json"}, lab.dir);
  if (r.exit_code != 0) return json();
  auto j = json::parse(r.out, nullptr, false);
  return j.is_array() && !j.empty() ? j[0] : json();
}

auto isType(const std::string& type) {
  return [type](const json& m) { return m.value("type", "") == type; };
}

auto isStatus(const std::string& state) {
  return [state](const json& m) { return m.value("type", "") == "status" && m.value("state", "") == state; };
}

auto isResult(const std::string& id) {
  return [id](const json& m) { return m.value("type", "") == "command-result" && m.value("id", "") == id; };
}

json command(const std::string& id, const std::string& action, const std::string& flow) {
  json c = {{"type", "command"}, {"id", id}, {"action", action}, {"flow_id", flow},
            {"source", "fortigate:FGVM01TM00000001"}};
  if (action == "quarantine") c["access_code"] = "482913";
  return c;
}

}  // namespace

TEST_CASE("agent registers, reports telemetry, ships logs, and obeys quarantine across kill -9") {
  Lab lab;
  lab.ems->setRegisterReply(lab.registered());
  lab.fgt->setRegisterReply({{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"}, {"hostname", "FGT-A"}});
  const std::string agent_ip = lab.ip(10);
  const fs::path home = lab.agentHome("agent", agent_ip);
  Daemon agent(agentArgs(lab, home, agent_ip, "windows"), lab.dir / "agent");
  INFO(agent.stderrText());
  REQUIRE(waitUntil([&] { return ready(home, agent); }));

  // Step 1: register with EMS, then telemetry to the FortiGate of the gateway list.
  int reg = lab.ems->waitFor(isType("register"));
  REQUIRE(reg >= 0);
  json r = lab.ems->messages()[reg];
  CHECK(r["ip"] == agent_ip);
  CHECK(r["os"] == "windows");
  CHECK(r["uid"].get<std::string>().size() == 40);
  CHECK(r["quarantine"]["state"] == "none");
  CHECK(lab.ems->peerAddresses().front() == agent_ip);  // the socket is bound to the endpoint's address
  int freg = lab.fgt->waitFor(isType("register"));
  REQUIRE(freg >= 0);
  CHECK(lab.fgt->messages()[freg]["ems_serial"] == kEmsSerial);
  CHECK(lab.fgt->messages()[freg]["uid"] == r["uid"]);
  CHECK(lab.fgt->peerAddresses().front() == agent_ip);

  // An activity produces a FortiClient log line that reaches the analyzer over TLS.
  auto visit = act(lab, home, {"visit", "https://evil.example/payload.php"});
  CHECK(visit.exit_code == 0);
  int first = lab.faz->waitFor("remotename=\"evil.example\"");
  REQUIRE(first >= 0);
  std::string line = lab.faz->lines()[first];
  CHECK(line.find("emsserial=\"" + kEmsSerial + "\"") != std::string::npos);
  CHECK(line.find("deviceip=" + agent_ip) != std::string::npos);
  CHECK(line.find("utmaction=\"userbrowsed\"") != std::string::npos);
  CHECK(lab.faz->peerAddresses().front() == agent_ip);
  CHECK(lab.faz->errors().empty());

  // Step 5: quarantine: persisted, reported to EMS (result + status) and to the FortiGate.
  const std::string flow = "F-20261129-000001-7f3a";
  std::size_t ems_mark = lab.ems->count();
  REQUIRE(lab.ems->send(command("cmd-1", "quarantine", flow)));
  int res = lab.ems->waitFor(isResult("cmd-1"), ems_mark);
  REQUIRE(res >= 0);
  CHECK(lab.ems->messages()[res]["ok"] == true);
  CHECK(lab.ems->messages()[res]["state"] == "quarantined");
  CHECK(lab.ems->messages()[res]["flow_id"] == flow);
  CHECK(lab.ems->waitFor(isStatus("quarantined"), ems_mark) > res);
  int fst = lab.fgt->waitFor(isStatus("quarantined"));
  REQUIRE(fst >= 0);
  CHECK(lab.fgt->messages()[fst]["flow_id"] == flow);
  auto persisted = fabric::readFile(home / "quarantine.json");
  REQUIRE(persisted);
  CHECK(json::parse(*persisted)["state"] == "quarantined");
  CHECK(persisted->find("482913") == std::string::npos);  // the access code is never stored

  // Every activity now fails with the reason; the links to EMS and FortiGate stay up.
  auto blocked = act(lab, home, {"connect", lab.ip(99) + ":443"});
  CHECK(blocked.exit_code == 1);
  CHECK(blocked.err.find("blocked: endpoint is quarantined by EMS") != std::string::npos);
  CHECK(act(lab, home, {"resolve", "evil.example"}).exit_code == 1);
  json st = status(lab, home);
  CHECK(st["quarantine"]["state"] == "quarantined");
  CHECK(st["links"]["ems"]["state"] == "up");
  CHECK(st["links"]["fortigates"][0]["state"] == "up");
  CHECK(st["links"]["fortianalyzer"]["state"].get<std::string>().rfind("blocked", 0) == 0);

  // kill -9 and restart: still quarantined, says so in its register, still refuses.
  agent.kill9();
  ems_mark = lab.ems->count();
  std::size_t fgt_mark = lab.fgt->count();
  agent.start();
  int reg2 = lab.ems->waitFor(isType("register"), ems_mark);
  REQUIRE(reg2 >= 0);
  CHECK(lab.ems->messages()[reg2]["quarantine"]["state"] == "quarantined");
  int freg2 = lab.fgt->waitFor(isType("register"), fgt_mark);
  REQUIRE(freg2 >= 0);
  CHECK(lab.fgt->messages()[freg2]["quarantine"]["state"] == "quarantined");
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  CHECK(act(lab, home, {"visit", "https://after-restart.example/"}).exit_code == 1);

  // Release reverses every step; the lines written while quarantined reach the analyzer in order.
  ems_mark = lab.ems->count();
  fgt_mark = lab.fgt->count();
  REQUIRE(lab.ems->send(command("cmd-2", "unquarantine", "F-20261129-000002-7f3b")));
  res = lab.ems->waitFor(isResult("cmd-2"), ems_mark);
  REQUIRE(res >= 0);
  CHECK(lab.ems->messages()[res]["ok"] == true);
  CHECK(lab.ems->messages()[res]["state"] == "none");
  CHECK(lab.ems->waitFor(isStatus("none"), ems_mark) >= 0);
  CHECK(lab.fgt->waitFor(isStatus("none"), fgt_mark) >= 0);
  CHECK(act(lab, home, {"visit", "https://released.example/"}).exit_code == 0);
  int released = lab.faz->waitFor("remotename=\"released.example\"");
  REQUIRE(released >= 0);
  int q = lab.faz->find("msg=\"Endpoint quarantined by EMS\"");
  int b1 = lab.faz->find("remotename=\"" + lab.ip(99) + "\"");
  int b2 = lab.faz->find("remotename=\"after-restart.example\"");
  int rel = lab.faz->find("msg=\"Endpoint released from quarantine\"");
  CHECK(first < q);
  CHECK(q < b1);
  CHECK(b1 < b2);
  CHECK(b2 < rel);
  CHECK(rel < released);
  CHECK(lab.faz->lines()[q].find("flowid=\"" + flow + "\"") != std::string::npos);
  CHECK(lab.faz->lines()[b1].find("utmaction=\"blocked\"") != std::string::npos);

  // A malformed command is answered with a reason and changes nothing.
  ems_mark = lab.ems->count();
  REQUIRE(lab.ems->send({{"type", "command"}, {"id", "cmd-3"}, {"action", "self-destruct"}}));
  res = lab.ems->waitFor(isResult("cmd-3"), ems_mark);
  REQUIRE(res >= 0);
  CHECK(lab.ems->messages()[res]["ok"] == false);
  CHECK(lab.ems->messages()[res]["message"] == "unknown action 'self-destruct'");
  CHECK(status(lab, home)["quarantine"]["state"] == "none");

  CHECK(agent.terminate() == 0);
  CHECK_FALSE(fs::exists(home / "ready.json"));
}

TEST_CASE("log lines wait on disk while the analyzer is down, across kill -9, and arrive in order") {
  Lab lab;
  lab.ems->setRegisterReply(lab.registered());
  lab.fgt->setRegisterReply({{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"}, {"hostname", "FGT-A"}});
  const std::string agent_ip = lab.ip(11);
  const fs::path home = lab.agentHome("agent", agent_ip);
  Daemon agent(agentArgs(lab, home, agent_ip, "macos"), lab.dir / "agent");
  INFO(agent.stderrText());
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  REQUIRE(act(lab, home, {"visit", "https://before.example/"}).exit_code == 0);
  REQUIRE(lab.faz->waitFor("remotename=\"before.example\"") >= 0);
  REQUIRE(waitUntil([&] { return status(lab, home)["log_buffer"]["pending_lines"] == 0; }));

  const auto faz_port = lab.faz->port();
  lab.faz->down();
  REQUIRE(waitUntil([&] {
    auto s = status(lab, home);
    return s.is_object() && s["links"]["fortianalyzer"]["state"] != "up";
  }));
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(act(lab, home, {"visit", "https://buffered-" + std::to_string(i) + ".example/"}).exit_code == 0);
  }
  CHECK(status(lab, home)["log_buffer"]["pending_lines"] == 5);
  agent.kill9();  // the buffered lines are on disk
  agent.start();
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  REQUIRE(act(lab, home, {"visit", "https://buffered-6.example/"}).exit_code == 0);
  CHECK(lab.faz->find("buffered-") < 0);

  REQUIRE(lab.faz->up(faz_port).empty());
  REQUIRE(lab.faz->waitFor("remotename=\"buffered-6.example\"") >= 0);
  int previous = lab.faz->find("remotename=\"before.example\"");
  for (int i = 1; i <= 6; ++i) {
    int at = lab.faz->find("remotename=\"buffered-" + std::to_string(i) + ".example\"");
    CHECK(at > previous);
    previous = at;
  }
  REQUIRE(waitUntil([&] { return status(lab, home)["log_buffer"]["pending_lines"] == 0; }));
}

TEST_CASE("a Linux endpoint refuses quarantine with the product's message") {
  Lab lab;
  lab.ems->setRegisterReply(lab.registered());
  lab.fgt->setRegisterReply({{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"}, {"hostname", "FGT-A"}});
  const std::string agent_ip = lab.ip(12);
  const fs::path home = lab.agentHome("agent", agent_ip);
  auto args = agentArgs(lab, home, agent_ip, "linux");
  args.push_back("--real-connections");
  Daemon agent(args, lab.dir / "agent");
  INFO(agent.stderrText());
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  REQUIRE(lab.fgt->waitFor(isType("register")) >= 0);
  REQUIRE(lab.ems->send(command("cmd-9", "quarantine", "F-20261129-000009-0001")));
  int res = lab.ems->waitFor(isResult("cmd-9"));
  REQUIRE(res >= 0);
  CHECK(lab.ems->messages()[res]["ok"] == false);
  CHECK(lab.ems->messages()[res]["message"] == kLinuxRefusal);
  CHECK(lab.ems->messages()[res]["state"] == "none");
  CHECK(lab.ems->find(isStatus("quarantined")) < 0);
  CHECK(act(lab, home, {"visit", "https://still-allowed.example/"}).exit_code == 0);
  // --real-connections: an allowed connect really opens a TCP connection from the endpoint.
  const std::string target = lab.ip(2) + ":" + std::to_string(lab.fgt->port());
  auto real = act(lab, home, {"connect", target});
  CHECK(real.exit_code == 0);
  CHECK(real.out.find("connection: connected to " + target) != std::string::npos);
  auto no_listener = act(lab, home, {"connect", lab.ip(97) + ":9"});
  CHECK(no_listener.exit_code == 0);  // allowed by FortiClient; the network said no
  CHECK(no_listener.out.find("connection: connect " + lab.ip(97) + ":9: Connection refused") != std::string::npos);
  int refused = lab.faz->waitFor("msg=\"Quarantine command refused\"");
  REQUIRE(refused >= 0);
  CHECK(lab.faz->lines()[refused].find(kLinuxRefusal) != std::string::npos);
}

TEST_CASE("a fleet runs N endpoints, each with its own identity, address, links and quarantine") {
  Lab lab;
  lab.ems->setRegisterReply(lab.registered());
  lab.fgt->setRegisterReply({{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"}, {"hostname", "FGT-A"}});
  const fs::path home = lab.agentHome("fleet", lab.ip(20));
  Daemon agent({kBin, "fleet", "--home", home.string(), "--ems", lab.ip(1) + ":" + std::to_string(lab.ems->port()),
                "--count", "4", "--first-ip", lab.ip(20), "--linux-every", "4", "--seed", "it-fleet"},
               lab.dir / "fleet");
  INFO(agent.stderrText());
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  REQUIRE(waitUntil([&] { return lab.fgt->peerAddresses().size() >= 4; }));
  const auto fgt_peers = lab.fgt->peerAddresses();
  std::set<std::string> uids, addresses(fgt_peers.begin(), fgt_peers.end());
  std::map<std::string, std::string> uid_of_ip, os_of_ip;
  for (const auto& m : lab.ems->messages()) {
    if (m.value("type", "") != "register") continue;
    uids.insert(m["uid"].get<std::string>());
    uid_of_ip[m["ip"]] = m["uid"];
    os_of_ip[m["ip"]] = m["os"];
  }
  CHECK(uids.size() == 4);
  CHECK(addresses == std::set<std::string>{lab.ip(20), lab.ip(21), lab.ip(22), lab.ip(23)});
  CHECK(os_of_ip[lab.ip(23)] == "linux");
  CHECK(os_of_ip[lab.ip(20)] != "linux");

  // Quarantine endpoint .21 only.
  REQUIRE(lab.ems->send(command("cmd-f1", "quarantine", "F-20261129-000010-0001"), uid_of_ip[lab.ip(21)]));
  REQUIRE(lab.ems->waitFor(isResult("cmd-f1")) >= 0);
  auto blocked = act(lab, home, {"--endpoint", lab.ip(21), "visit", "https://x.example/"});
  CHECK(blocked.exit_code == 1);
  CHECK(act(lab, home, {"--endpoint", lab.ip(22), "visit", "https://x.example/"}).exit_code == 0);
  auto ambiguous = act(lab, home, {"visit", "https://x.example/"});
  CHECK(ambiguous.exit_code == 1);
  CHECK(ambiguous.err.find("choose one with --endpoint") != std::string::npos);
  auto all = run({kBin, "status", "--home", home.string(), "--json"}, lab.dir);
  REQUIRE(all.exit_code == 0);
  auto list = json::parse(all.out);
  REQUIRE(list.size() == 4);
  CHECK(list[1]["quarantine"]["state"] == "quarantined");
  CHECK(list[0]["quarantine"]["state"] == "none");
  CHECK(fs::exists(home / "endpoints" / "1" / "quarantine.json"));
  CHECK(agent.terminate() == 0);
}

TEST_CASE("act and status say clearly when no agent runs in the home") {
  auto dir = fs::temp_directory_path() / ("fct-none-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto r = run({kBin, "act", "--home", dir.string(), "visit", "https://x.example/"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no agent is running in") != std::string::npos);
  auto bad = run({kBin, "act", "--home", dir.string(), "connect", "1.2.3.4:99999"}, dir);
  CHECK(bad.exit_code == 1);
  fs::remove_all(dir);
}

TEST_CASE("a new endpoint takes the uid its certificate names, and shows why the EMS refused it") {
  Lab lab;
  lab.ems->setRegisterReply({{"type", "error"}, {"message", "register: uid rejected for the test"}});
  const std::string agent_ip = lab.ip(30);
  const std::string uid = "00112233445566778899AABBCCDDEEFF00112233";
  const fs::path home = lab.dir / "bound";
  fabric::tls::installNodeCertificate(
      home, lab.ca, fabric::tls::issueCertificate(lab.ca, {.common_name = uid, .serial_number = "", .dns_names = {}, .ip_addresses = {agent_ip}}));
  Daemon agent(agentArgs(lab, home, agent_ip, "windows"), lab.dir / "bound");
  REQUIRE(waitUntil([&] { return ready(home, agent); }));
  int reg = lab.ems->waitFor(isType("register"));
  REQUIRE(reg >= 0);
  CHECK(lab.ems->messages()[reg]["uid"] == uid);
  CHECK(json::parse(*fabric::readFile(home / "agent.json"))["uid"] == uid);
  REQUIRE(waitUntil([&] {
    return agent.stderrText().find("EMS refused this endpoint: register: uid rejected for the test") !=
           std::string::npos;
  }));
}

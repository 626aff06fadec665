// The real build/bin/fortigate with its fabric features, over loopback TLS: a FortiClient telemetry
// link (port 8013 of the FortiGate's own address), an analyzer link that sends an IoC and receives
// the event logs, and a test EMS over HTTPS. Quarantine by IoC and by `diagnose … Q-/U-`, failure
// reasons in `queue-list`, and a queued call surviving kill -9 of the FortiGate.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "../ems/ems_process.h"
#include "../fortigate/daemon_harness.h"
#include "common/net/link.h"
#include "common/tls/pki.h"
#include "test_ems.h"

using namespace fabric;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kEmsSerial = "FCTEMS0000012345";
const std::string kUid = "0123456789ABCDEF0123456789ABCDEF01234567";

struct FakeFaz {
  FakeFaz(net::EventLoop& loop, const tls::NodeTlsFiles& f)
      : server(loop, {f.ca, f.cert, f.key, true, ""}, {}, [this](std::shared_ptr<net::FramedLink> l) {
          {
            std::lock_guard g(mu);
            link = l;
          }
          l->onMessage([this, l](const nlohmann::json& m) {
            std::lock_guard g(mu);
            if (m["type"] == "hello") {
              hellos.push_back(m);
              l->send({{"type", "hello-ack"}, {"serial", "FAZ-VM0000000001"}, {"registered", true}});
            } else if (m["type"] == "logs") {
              for (const auto& line : m["lines"]) lines.push_back(line.get<std::string>());
              l->send({{"type", "logs-ack"}, {"seq", m["seq"]}});
            } else if (m["type"] == "ioc-ack") {
              acks.push_back(m["id"]);
            }
          });
        }) {}
  bool hasLine(const std::string& a, const std::string& b = {}) {
    std::lock_guard g(mu);
    for (const auto& x : lines)
      if (x.find(a) != std::string::npos && x.find(b) != std::string::npos) return true;
    return false;
  }
  bool connected() {
    std::lock_guard g(mu);
    return link && link->isOpen() && !hellos.empty();
  }
  net::LinkServer server;
  std::mutex mu;
  std::shared_ptr<net::FramedLink> link;
  std::vector<nlohmann::json> hellos;
  std::vector<std::string> lines;
  std::vector<nlohmann::json> acks;
};

struct Agent {
  Agent(net::EventLoop& loop, const tls::NodeTlsFiles& f, const std::string& fgt, const std::string& self)
      : client(loop, {f.ca, f.cert, f.key, true, ""}, options(fgt, self), [this, self](std::shared_ptr<net::FramedLink> l) {
          l->onMessage([this](const nlohmann::json& m) {
            if (m["type"] == "registered") ++registrations;
          });
          l->send({{"type", "register"}, {"uid", kUid}, {"hostname", "WIN-LAB-01"}, {"os", "windows"}, {"ip", self},
                   {"mac", "00-0C-29-AA-BB-CC"}, {"user", "alice"}, {"fctver", "7.0.9.0493"},
                   {"ems_serial", kEmsSerial}, {"quarantine", {{"state", "none"}}}});
        }) {}
  static net::ClientOptions options(const std::string& fgt, const std::string& self) {
    net::ClientOptions o;
    o.host = fgt;
    o.port = 8013;
    o.source_address = self;
    o.backoff_max = 1000ms;
    return o;
  }
  net::LinkClient client;
  std::atomic<int> registrations{0};
};

std::string fabricConfig(const std::string& ems_ip, std::uint16_t ems_port, const std::string& faz_ip,
                         std::uint16_t faz_port, int delay = 0) {
  return "config system automation-trigger\n edit \"trigger01\"\n set trigger-type event-based\n set event-type ioc\n"
         " set ioc-level high\n next\nend\n"
         "config system automation-action\n edit \"action01\"\n set action-type quarantine-forticlient\n"
         " set minimum-interval 0\n set delay " + std::to_string(delay) + "\n next\nend\n"
         "config system automation-stitch\n edit \"stitch01\"\n set status enable\n set trigger \"trigger01\"\n"
         " set action \"action01\"\n next\nend\n"
         "config firewall address\n edit \"EMS01\"\n set type ipmask\n set subnet " + ems_ip + " 255.255.255.255\n"
         " next\nend\n"
         "config endpoint-control forticlient-ems\n edit \"e01\"\n set address \"EMS01\"\n set serial-number " +
         kEmsSerial + "\n set rest-api-auth userpass\n set https-port " + std::to_string(ems_port) +
         "\n set admin-username admin\n set admin-password S3cret!\n set admin-type Windows\n next\nend\n"
         "config endpoint-control settings\n set forticlient-ems-rest-api-call-timeout 2000\nend\n"
         "config log fortianalyzer setting\n set status enable\n set server \"" + faz_ip + ":" +
         std::to_string(faz_port) + "\"\nend\n";
}

tls::CertificateSpec ca_spec(const std::string& ems_ip) { return {kEmsSerial, kEmsSerial, {"ems"}, {ems_ip}}; }

// A FortiGate daemon with its peers: lab CA, test EMS, fake analyzer, one agent address.
struct FabricLab {
  explicit FabricLab(int delay = 0) {
    const std::string base = fgt_ip.substr(0, fgt_ip.rfind('.') + 1);
    const int last = std::stoi(fgt_ip.substr(fgt_ip.rfind('.') + 1));
    auto other = [&](int d) { return base + std::to_string((last + d) % 250 + 2); };
    ems_ip = other(1), faz_ip = other(2), agent_ip = other(3);
    home = scratch.path / "fgt";
    tls::installNodeCertificate(home, ca, tls::issueCertificate(ca, {"fgt", "", {"fgt"}, {fgt_ip}}));
    ems_tls = tls::installNodeCertificate(scratch.path / "ems", ca,
                                          tls::issueCertificate(ca, {"ems", kEmsSerial, {"ems"}, {ems_ip}}));
    faz_tls = tls::installNodeCertificate(
        scratch.path / "faz", ca, tls::issueCertificate(ca, {"FAZ-VM0000000001", "FAZ-VM0000000001", {}, {faz_ip}}));
    agent_tls = tls::installNodeCertificate(scratch.path / "agent", ca,
                                            tls::issueCertificate(ca, {kUid, kUid, {}, {agent_ip}}));
    ems = std::make_unique<fortigate::test::TestEms>(http::ServerTls{ems_tls.cert, ems_tls.key, ems_tls.ca, false},
                                                     kEmsSerial, "admin", "S3cret!");
    loop.start();
    faz_port = fgt_it::freePort(faz_ip);
    writeFileAtomically(home / "fortigate.conf", fgt_it::initialConfig(fgt_it::freePort(fgt_ip)) +
                                                    fabricConfig(ems_ip, 0, faz_ip, faz_port, delay));
  }
  ~FabricLab() {
    agent.reset();
    faz.reset();
    loop.stop();
  }
  std::string listenEms() {
    auto e = ems->listen(ems_ip);
    if (!e.empty()) return e;
    auto text = readFile(home / "fortigate.conf").value_or("");
    const std::string from = "set https-port 0\n";
    text.replace(text.find(from), from.size(), "set https-port " + std::to_string(ems->port()) + "\n");
    return writeFileAtomically(home / "fortigate.conf", text);
  }
  std::string startFaz() {
    faz = std::make_unique<FakeFaz>(loop, faz_tls);
    return faz->server.listen(faz_ip, faz_port);
  }
  void startAgent() {
    agent = std::make_unique<Agent>(loop, agent_tls, fgt_ip, agent_ip);
    agent->client.start();
  }
  fgt_it::CommandResult cli(std::vector<std::string> lines) { return fgt->cli(scratch.path, std::move(lines)); }
  void sendIoc(const std::string& flow) {
    loop.call([&] {
      std::lock_guard g(faz->mu);
      faz->link->send({{"type", "ioc"}, {"id", 9}, {"endpoint_ip", agent_ip}, {"uid", kUid},
                       {"indicator", "evil.example.com"}, {"indicator_type", "domain"}, {"threat", "Botnet C&C"},
                       {"level", "high"}, {"log_ids", {"11"}}, {"feed", "lab"}, {"flow_id", flow}, {"rescan", false}});
    });
  }

  fgt_it::TempDir scratch;
  const std::string fgt_ip = fgt_it::randomLoopback();
  std::string ems_ip, faz_ip, agent_ip;
  fs::path home;
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  tls::NodeTlsFiles ems_tls, faz_tls, agent_tls;
  std::unique_ptr<fortigate::test::TestEms> ems;
  net::EventLoop loop;
  std::uint16_t faz_port = 0;
  std::unique_ptr<FakeFaz> faz;
  std::unique_ptr<Agent> agent;
  std::unique_ptr<fgt_it::Daemon> fgt;
};

}  // namespace

TEST_CASE("fortigate daemon: IoC → Q- at the EMS, U- by diagnose, failure reasons, queued call survives kill -9",
          "[fortigate_fabric][daemon]") {
  fgt_it::TempDir scratch;
  const auto fgt_ip = fgt_it::randomLoopback();
  const std::string base = fgt_ip.substr(0, fgt_ip.rfind('.') + 1);
  const std::string last = fgt_ip.substr(fgt_ip.rfind('.') + 1);
  auto other = [&](int d) { return base + std::to_string((std::stoi(last) + d) % 250 + 2); };
  const std::string ems_ip = other(1), faz_ip = other(2), agent_ip = other(3);

  auto ca = tls::makeCertificateAuthority("Fabric Lab CA");
  const fs::path home = scratch.path / "fgt";
  tls::installNodeCertificate(home, ca, tls::issueCertificate(ca, {"fgt", "", {"fgt"}, {fgt_ip}}));
  auto ems_tls = tls::installNodeCertificate(scratch.path / "ems", ca,
                                             tls::issueCertificate(ca, {"ems", kEmsSerial, {"ems"}, {ems_ip}}));
  auto faz_tls = tls::installNodeCertificate(
      scratch.path / "faz", ca, tls::issueCertificate(ca, {"FAZ-VM0000000001", "FAZ-VM0000000001", {}, {faz_ip}}));
  auto agent_tls = tls::installNodeCertificate(scratch.path / "agent", ca, tls::issueCertificate(ca, {kUid, kUid, {}, {agent_ip}}));

  fortigate::test::TestEms ems({ems_tls.cert, ems_tls.key, ems_tls.ca, false}, kEmsSerial, "admin", "S3cret!");
  REQUIRE(ems.listen(ems_ip) == "");
  net::EventLoop loop;
  loop.start();
  FakeFaz faz(loop, faz_tls);
  REQUIRE(faz.server.listen(faz_ip, 0) == "");

  writeFileAtomically(home / "fortigate.conf", fgt_it::initialConfig(fgt_it::freePort(fgt_ip)) +
                                                  fabricConfig(ems_ip, ems.port(), faz_ip, faz.server.port()));
  fgt_it::Daemon fgt(home, fgt_ip);
  std::string error;
  REQUIRE(fgt.start(error));
  INFO(error);
  CHECK(fgt.ready()["ports"]["telemetry"] == 8013);

  Agent agent(loop, agent_tls, fgt_ip, agent_ip);
  agent.client.start();
  REQUIRE(fgt_it::waitFor([&] { return agent.registrations >= 1; }));
  auto cli = [&](std::vector<std::string> lines) { return fgt.cli(scratch.path, std::move(lines)); };
  auto queueList = [&] { return cli({"diagnose endpoint forticlient-ems-rest-api queue-list"}).out; };
  auto lastCall = [&] {
    auto text = queueList();
    auto at = text.rfind("\ncall ");
    return at == std::string::npos ? std::string() : text.substr(at + 1);
  };

  auto records = cli({"diagnose endpoint record list"});
  CHECK(records.status == 0);
  CHECK(records.out.find("IP Address = " + agent_ip) != std::string::npos);
  CHECK(records.out.find("FortiClient UID: " + kUid) != std::string::npos);
  REQUIRE(fgt_it::waitFor([&] { return faz.connected(); }));
  REQUIRE(fgt_it::waitFor([&] { return faz.hasLine("logid=\"0107045057\""); }));

  // Step 2 → 3: the analyzer's IoC fires stitch01, the connector quarantines at the EMS.
  loop.call([&] {
    std::lock_guard g(faz.mu);
    faz.link->send({{"type", "ioc"}, {"id", 5}, {"endpoint_ip", agent_ip}, {"uid", kUid},
                    {"indicator", "evil.example.com"}, {"indicator_type", "domain"}, {"threat", "Botnet C&C"},
                    {"level", "high"}, {"log_ids", {"11"}}, {"feed", "lab"}, {"flow_id", "F-20261129-000005-beef"},
                    {"rescan", false}});
  });
  REQUIRE(fgt_it::waitFor([&] { return ems.calls().size() == 1; }));
  CHECK(ems.calls()[0].path == "/api/v1/endpoints/quarantine");
  CHECK(ems.calls()[0].body["flow_id"] == "F-20261129-000005-beef");
  CHECK(ems.calls()[0].remote_address == fgt_ip);
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("state=done") != std::string::npos; }));
  const auto event_log = readFile(home / "event.log").value_or("");
  // A first call that succeeds logs no 0107045128 ("recovered from an error": nothing failed).
  CHECK(readFile(home / "event.log").value_or("").find("logid=\"0107045128\"") == std::string::npos);
  for (const char* id : {"0107045057", "0100022953", "0100046600"}) {
    INFO(id);
    CHECK(event_log.find(std::string("logid=\"") + id + "\"") != std::string::npos);
    CHECK(fgt_it::waitFor([&] { return faz.hasLine(std::string("logid=\"") + id + "\""); }));
  }
  CHECK(faz.hasLine("logid=\"0100046600\"", "flowid=\"F-20261129-000005-beef\""));

  // Manual release.
  auto u = cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + agent_ip});
  CHECK(u.status == 0);
  CHECK(u.out.rfind("queued: U-" + agent_ip, 0) == 0);
  REQUIRE(fgt_it::waitFor([&] { return ems.calls().size() == 2; }));
  CHECK(ems.calls()[1].path == "/api/v1/endpoints/unquarantine");
  // The manual call was logged when it was queued (0100044548), with its flow id, at the analyzer too.
  CHECK(readFile(home / "event.log").value_or("").find("logid=\"0100044548\"") != std::string::npos);
  CHECK(fgt_it::waitFor([&] { return faz.hasLine("logid=\"0100044548\"", "flowid=\"F-"); }));

  // Failure reasons, each in queue-list.
  ems.setCallAnswer(409, "Quarantine is not supported on FortiClient (Linux)");
  CHECK(cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + agent_ip}).status == 0);
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("state=failed") != std::string::npos; }));
  CHECK(lastCall().find("HTTP 409: Quarantine is not supported on FortiClient (Linux)") != std::string::npos);
  ems.setCallAnswer(200, "");

  auto refused = cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + other(4)});
  CHECK(refused.status != 0);
  CHECK(refused.out.find("endpoint " + other(4) + " is not connected to this FortiGate") != std::string::npos);

  auto cfg = cli({"config endpoint-control forticlient-ems", "edit \"e01\"", "set admin-password N0tTheOne", "next", "end"});
  REQUIRE(cfg.status == 0);
  CHECK(cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + agent_ip}).status == 0);
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("refused the sign-in of admin \"admin\"") != std::string::npos; }));
  CHECK(readFile(home / "event.log").value_or("").find("N0tTheOne") == std::string::npos);
  CHECK(readFile(home / "fortigate.conf").value_or("").find("N0tTheOne") == std::string::npos);
  // Fixing the password lets the retried call through.
  REQUIRE(cli({"config endpoint-control forticlient-ems", "edit \"e01\"", "set admin-password S3cret!", "next", "end"})
              .status == 0);
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("state=done") != std::string::npos; }));

  // The REST monitor face of the same state (api-user token, verified TLS).
  REQUIRE(cli({"config system api-user", "edit \"bot\"", "set accprofile \"super_admin\"", "next", "end"}).status == 0);
  auto gen = cli({"execute api-user generate-key bot"});
  REQUIRE(gen.out.rfind("New API key: ", 0) == 0);
  const http::Headers auth = {{"Authorization", "Bearer " + gen.out.substr(13, 30)},
                              {"Content-Type", "application/json"}};
  http::HttpsClient api(fgt_ip, fgt.httpsPort(), {home / "tls" / "ca.pem", {}, {}});
  auto rl = api.request("GET", "/api/v2/monitor/endpoint-control/record-list", {}, auth);
  REQUIRE(rl.status == 200);
  auto rlj = nlohmann::json::parse(rl.body);
  REQUIRE(rlj["results"].size() == 1);
  CHECK(rlj["results"][0]["ip"] == agent_ip);
  CHECK(rlj["results"][0]["fctuid"] == kUid);
  auto nc = api.request("POST", "/api/v2/monitor/endpoint-control/registration/quarantine",
                        nlohmann::json{{"ip", other(4)}}.dump(), auth);
  CHECK(nc.status == 404);
  CHECK(nlohmann::json::parse(nc.body)["error_text"] == "endpoint " + other(4) + " is not connected to this FortiGate");
  const auto before_rest = ems.calls().size();
  auto uq = api.request("POST", "/api/v2/monitor/endpoint-control/registration/unquarantine",
                        nlohmann::json{{"uid", kUid}}.dump(), auth);
  REQUIRE(uq.status == 200);
  CHECK(nlohmann::json::parse(uq.body)["results"]["call_id"].is_number());
  REQUIRE(fgt_it::waitFor([&] { return ems.calls().size() == before_rest + 1; }));
  CHECK(ems.calls().back().path == "/api/v1/endpoints/unquarantine");
  auto q = nlohmann::json::parse(api.request("GET", "/api/v2/monitor/endpoint-control/ems/queue", {}, auth).body);
  bool saw_409 = false;
  for (const auto& c : q["results"]) saw_409 |= c["http_status"] == 409 && c["state"] == "failed";
  CHECK(saw_409);
  auto stats = nlohmann::json::parse(api.request("GET", "/api/v2/monitor/system/automation-stitch/stats", {}, auth).body);
  CHECK(stats["results"]["stitches"][0]["name"] == "stitch01");
  CHECK(stats["results"]["stitches"][0]["triggered"] == 1);

  // A call waiting on an EMS that answers 503 survives kill -9 of the FortiGate.
  ems.setCallAnswer(503, "Service busy");
  const auto calls_before = ems.calls().size();
  CHECK(cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + agent_ip}).status == 0);
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("state=retrying") != std::string::npos; }));
  CHECK(lastCall().find("HTTP 503: Service busy") != std::string::npos);
  CHECK(fgt.kill(SIGKILL) == 128 + SIGKILL);
  ems.setCallAnswer(200, "");
  REQUIRE(fgt.start(error));
  REQUIRE(fgt_it::waitFor([&] { return lastCall().find("state=done") != std::string::npos; }));
  CHECK(lastCall().find("Q-" + agent_ip) != std::string::npos);
  CHECK(ems.calls().size() > calls_before);
  CHECK(ems.calls().back().path == "/api/v1/endpoints/quarantine");
  REQUIRE(fgt_it::waitFor([&] { return agent.registrations >= 2; }));  // the agent came back

  agent.client.stop();
  CHECK(fgt.kill(SIGTERM) == 0);
  loop.stop();
}

TEST_CASE("fortigate daemon: a stitch step waiting for its delay survives kill -9 and runs after the restart",
          "[fortigate_fabric][daemon]") {
  // delay 10 s: long enough for the kill, the restart and the agent's reconnection (the action
  // checks the endpoint is connected when it runs); the test asserts the call had not happened
  // before the kill, so a slow kill cannot make it pass for the wrong reason.
  FabricLab lab(10);
  REQUIRE(lab.listenEms() == "");
  REQUIRE(lab.startFaz() == "");
  lab.fgt = std::make_unique<fgt_it::Daemon>(lab.home, lab.fgt_ip);
  std::string error;
  REQUIRE(lab.fgt->start(error));
  lab.startAgent();
  REQUIRE(fgt_it::waitFor([&] { return lab.agent->registrations >= 1 && lab.faz->connected(); }));

  lab.sendIoc("F-20261129-000009-d1a7");
  auto history = [&] { return lab.cli({"diagnose test application autod 3"}).out; };
  REQUIRE(fgt_it::waitFor([&] { return history().find("status=pending") != std::string::npos; }));
  CHECK(lab.fgt->kill(SIGKILL) == 128 + SIGKILL);
  REQUIRE(lab.ems->calls().empty());  // killed while the step was still waiting

  REQUIRE(lab.fgt->start(error));
  INFO(error);
  REQUIRE(fgt_it::waitFor([&] { return lab.ems->calls().size() == 1; }));
  CHECK(lab.ems->calls()[0].path == "/api/v1/endpoints/quarantine");
  CHECK(lab.ems->calls()[0].body["flow_id"] == "F-20261129-000009-d1a7");
  REQUIRE(fgt_it::waitFor([&] { return history().find("status=done") != std::string::npos; }));
  const auto h = history();
  CHECK(h.find("autod log history: 1 runs") != std::string::npos);
  CHECK(h.find("flow=F-20261129-000009-d1a7") != std::string::npos);
  CHECK(lab.cli({"diagnose test application autod 2"}).out.find("triggered: 1,") != std::string::npos);
  CHECK(lab.fgt->kill(SIGTERM) == 0);
}

TEST_CASE("fortigate daemon: event lines buffered for a down analyzer survive kill -9 and reach it after the restart",
          "[fortigate_fabric][daemon]") {
  FabricLab lab;
  REQUIRE(lab.listenEms() == "");
  // The analyzer's port is reserved but nothing listens yet: the FortiGate buffers its lines.
  lab.fgt = std::make_unique<fgt_it::Daemon>(lab.home, lab.fgt_ip);
  std::string error;
  REQUIRE(lab.fgt->start(error));
  INFO(error);
  lab.startAgent();
  REQUIRE(fgt_it::waitFor([&] { return lab.agent->registrations >= 1; }));
  lab.agent.reset();  // 0107045058: the last lines written before the kill
  auto status = [&] { return lab.cli({"execute log fortianalyzer test-connectivity"}).out; };
  REQUIRE(fgt_it::waitFor([&] {
    const auto log = readFile(lab.home / "event.log").value_or("");
    return log.find("logid=\"0107045058\"") != std::string::npos && status().find("logs: unsent 0,") == std::string::npos;
  }));
  CHECK(status().find("FortiAnalyzer link: down") != std::string::npos);
  CHECK(fs::exists(lab.home / "faz-logbuf"));
  CHECK(lab.fgt->kill(SIGKILL) == 128 + SIGKILL);

  REQUIRE(lab.startFaz() == "");
  REQUIRE(lab.fgt->start(error));
  // No agent connects after the restart: these lines can only come from the on-disk buffer.
  REQUIRE(fgt_it::waitFor([&] { return lab.faz->hasLine("logid=\"0107045057\"", kUid); }));
  REQUIRE(fgt_it::waitFor([&] { return lab.faz->hasLine("logid=\"0107045058\"", kUid); }));
  REQUIRE(fgt_it::waitFor([&] { return status().find("logs: unsent 0, in flight 0") != std::string::npos; }));
  CHECK(lab.fgt->kill(SIGTERM) == 0);
}

TEST_CASE("fortigate and ems daemons: a quarantine the endpoint never answers fails the FortiGate's call with the "
          "EMS's reason",
          "[fortigate_fabric][daemon][ems]") {
  FabricLab lab;
  // The real EMS daemon, with a 2 s command timeout and the FortiGate in the endpoint's gateway list.
  const fs::path ems_home = lab.scratch.path / "real-ems";
  fs::create_directories(ems_home);
  REQUIRE(writeFileAtomically(ems_home / "identity.json",
                              nlohmann::json{{"serial", kEmsSerial}, {"hostname", "ems"}}.dump()) == "");
  tls::installNodeCertificate(ems_home, lab.ca, tls::issueCertificate(lab.ca, ca_spec(lab.ems_ip)));
  REQUIRE(writeFileAtomically(
              ems_home / "ems.conf",
              "config system admin\n edit \"admin\"\n set password S3cret!\n next\nend\n"
              "config system server\n set remote-https-access enable\n set command-timeout 2\nend\n"
              "config endpoint profile\n edit \"default\"\n set faz-address " + lab.faz_ip + "\n next\nend\n"
              "config endpoint gateway-list\n edit \"gl1\"\n config fortigate\n edit \"fgt1\"\n set address " +
                  lab.fgt_ip + "\n next\n end\n next\nend\n"
              "config endpoint assignment-rule\n edit 1\n set profile \"default\"\n set gateway-list \"gl1\"\n next\nend\n") ==
          "");
  ems::itest::EmsProcess ems_daemon(ems_home, lab.ems_ip);
  ems_daemon.start();
  {
    auto text = readFile(lab.home / "fortigate.conf").value_or("");
    const std::string from = "set https-port 0\n";
    text.replace(text.find(from), from.size(), "set https-port " + std::to_string(ems_daemon.httpsPort()) + "\n");
    REQUIRE(writeFileAtomically(lab.home / "fortigate.conf", text) == "");
  }
  // One endpoint, registered with the EMS (a stand-in that never answers commands) and the FortiGate.
  ems::itest::TestAgent endpoint(
      lab.loop, net::TlsConfig{lab.agent_tls.ca, lab.agent_tls.cert, lab.agent_tls.key, true, ""}, lab.ems_ip,
      ems_daemon.linkPort(), lab.agent_ip,
      {{"type", "register"}, {"uid", kUid}, {"hostname", "WIN-LAB-01"}, {"os", "windows"}, {"ip", lab.agent_ip},
       {"mac", "00-0C-29-AA-BB-CC"}, {"user", "alice"}, {"fctver", "7.0.9.0493"},
       {"quarantine", {{"state", "none"}, {"since", 0}}}});
  endpoint.start();
  REQUIRE_FALSE(endpoint.waitFor("registered").is_null());
  lab.fgt = std::make_unique<fgt_it::Daemon>(lab.home, lab.fgt_ip);
  std::string error;
  REQUIRE(lab.fgt->start(error));
  lab.startAgent();
  REQUIRE(fgt_it::waitFor([&] { return lab.agent->registrations >= 1; }));

  CHECK(lab.cli({"diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + lab.agent_ip}).status == 0);
  REQUIRE_FALSE(endpoint.waitFor("command").is_null());  // the EMS accepted the call and pushed the command
  auto list = [&] { return lab.cli({"diagnose endpoint forticlient-ems-rest-api queue-list"}).out; };
  std::string last;
  const bool failed = fgt_it::waitFor([&] {
    last = list();
    return last.find("state=failed") != std::string::npos;
  });
  INFO(last);
  REQUIRE(failed);
  CHECK(last.find("last error: EMS reports command 1 timed out at the endpoint: no answer from FortiClient within 2 s "
                  "(command-timeout) after it was sent 1 time") != std::string::npos);
  CHECK(last.find("EMS command 1 at the endpoint: timeout") != std::string::npos);
  const auto log = readFile(lab.home / "event.log").value_or("");
  // The manual call was logged when queued; the REST call itself succeeded at once, so there is no
  // "EMS REST API recovered from an error" (0107045128): nothing failed before it.
  CHECK(log.find("logid=\"0100044548\"") != std::string::npos);
  CHECK(log.find("logid=\"0107045128\"") == std::string::npos);
  CHECK(log.find("EMS reports command 1 timed out at the endpoint") != std::string::npos);  // then 0107045122
  endpoint.stop();
  CHECK(lab.fgt->kill(SIGTERM) == 0);
  CHECK(ems_daemon.terminate() == 0);
}

// FortiGateFabric in process over real loopback TLS: a FortiClient telemetry link, a FortiAnalyzer
// link carrying an IoC down and event logs up, and the EMS connector calling a test EMS over HTTPS.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "common/base/atomic_file.h"
#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/net/link.h"
#include "common/tls/pki.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_node.h"
#include "fortigate/schema/fortigate_schema.h"
#include "test_ems.h"

namespace fs = std::filesystem;
using namespace fabric;
using namespace fabric::fortigate;
using namespace std::chrono_literals;

namespace {

const std::string kEmsSerial = "FCTEMS0000012345";
const std::string kUid = "0123456789ABCDEF0123456789ABCDEF01234567";

// Waits for a condition (checked every 10 ms) up to a generous bound; the bound only stops a hung
// test, it asserts nothing about speed.
template <typename F>
bool waitFor(F pred, std::chrono::seconds bound = 30s) {
  const auto end = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

struct Lab {
  fs::path dir;
  std::string base;
  std::string fgt_ip, ems_ip, faz_ip, agent_ip;
  tls::NodeTlsFiles fgt, ems, faz, agent;

  Lab() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("fabric_node_test_" + std::to_string(rd()));
    base = "127." + std::to_string(100 + rd() % 150) + "." + std::to_string(1 + rd() % 250) + ".";
    fgt_ip = base + "1";
    ems_ip = base + "3";
    faz_ip = base + "4";
    agent_ip = base + "5";
    auto ca = tls::makeCertificateAuthority("Fabric Lab CA");
    fgt = tls::installNodeCertificate(dir / "fgt", ca,
                                      tls::issueCertificate(ca, {"FGVM01TM26000001", "FGVM01TM26000001", {"fgt"}, {fgt_ip}}));
    ems = tls::installNodeCertificate(dir / "ems", ca, tls::issueCertificate(ca, {"ems", kEmsSerial, {"ems"}, {ems_ip}}));
    faz = tls::installNodeCertificate(dir / "faz", ca,
                                      tls::issueCertificate(ca, {"FAZ-VM0000000001", "FAZ-VM0000000001", {"faz"}, {faz_ip}}));
    agent = tls::installNodeCertificate(dir / "agent", ca, tls::issueCertificate(ca, {kUid, kUid, {}, {agent_ip}}));
  }
  ~Lab() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

class Sink final : public EventLogSink {
 public:
  void write(const EventRecord& event) override {
    const auto line = event.render({"FGVM01TM26000001", "FGT-LAB", "v6.0.4", 0}, std::chrono::system_clock::now());
    {
      std::lock_guard l(m);
      lines.push_back(line);
    }
    if (forward) forward(line);
  }
  bool has(const std::string& needle) {
    std::lock_guard l(m);
    for (const auto& x : lines)
      if (x.find(needle) != std::string::npos) return true;
    return false;
  }
  std::function<void(const std::string&)> forward;
  std::mutex m;
  std::vector<std::string> lines;
};

// The analyzer end of the FortiGate link: hello-ack, logs-ack, and IoCs on demand.
struct FakeFaz {
  FakeFaz(net::EventLoop& loop, const tls::NodeTlsFiles& f)
      : server(loop, {f.ca, f.cert, f.key, true, ""}, {}, [this](std::shared_ptr<net::FramedLink> l) {
          link = l;
          l->onMessage([this](const nlohmann::json& m) {
            std::lock_guard g(mu);
            if (m["type"] == "hello") {
              hello = m;
              link->send({{"type", "hello-ack"}, {"serial", "FAZ-VM0000000001"}, {"registered", true}});
            } else if (m["type"] == "logs") {
              for (const auto& line : m["lines"]) lines.push_back(line.get<std::string>());
              link->send({{"type", "logs-ack"}, {"seq", m["seq"]}});
            } else if (m["type"] == "ioc-ack") {
              acks.push_back(m["id"]);
            }
          });
        }) {}
  bool hasLine(const std::string& needle) {
    std::lock_guard g(mu);
    for (const auto& x : lines)
      if (x.find(needle) != std::string::npos) return true;
    return false;
  }
  net::LinkServer server;
  std::shared_ptr<net::FramedLink> link;
  std::mutex mu;
  nlohmann::json hello;
  std::vector<std::string> lines;
  std::vector<nlohmann::json> acks;
};

// The analyzer buffer's fsync seam: which threads synced DIR/faz-logbuf.
std::mutex g_sync_mu;
std::vector<std::thread::id> g_sync_threads;
int recordingSync(int fd) {
  {
    std::lock_guard g(g_sync_mu);
    g_sync_threads.push_back(std::this_thread::get_id());
  }
  return ::fsync(fd);
}

std::vector<std::string> fgtConfig(const Lab& lab, std::uint16_t ems_port, std::uint16_t faz_port) {
  return {"config system automation-trigger", "edit \"trigger01\"", "set trigger-type event-based",
          "set event-type ioc", "set ioc-level high", "next", "end",
          "config system automation-action", "edit \"action01\"", "set action-type quarantine-forticlient",
          "set minimum-interval 0", "next", "end",
          "config system automation-stitch", "edit \"stitch01\"", "set status enable", "set trigger \"trigger01\"",
          "set action \"action01\"", "next", "end",
          "config firewall address", "edit \"EMS01\"", "set type ipmask",
          "set subnet " + lab.ems_ip + " 255.255.255.255", "next", "end",
          "config endpoint-control forticlient-ems", "edit \"e01\"", "set address \"EMS01\"",
          "set serial-number " + kEmsSerial, "set rest-api-auth userpass",
          "set https-port " + std::to_string(ems_port), "set admin-username admin", "set admin-password S3cret!",
          "next", "end",
          "config endpoint-control settings", "set forticlient-ems-rest-api-call-timeout 2000", "end",
          "config log fortianalyzer setting", "set status enable",
          "set server \"" + lab.faz_ip + ":" + std::to_string(faz_port) + "\"", "end"};
}

}  // namespace

TEST_CASE("IoC from the analyzer → stitch → Q-<ip> at the EMS; U- by diagnose; failure reasons", "[fabric_node]") {
  Lab lab;
  net::EventLoop loop;
  loop.start();
  RealClock clock;

  test::TestEms ems({lab.ems.cert, lab.ems.key, lab.ems.ca, false}, kEmsSerial, "admin", "S3cret!");
  REQUIRE(ems.listen(lab.ems_ip) == "");
  FakeFaz faz(loop, lab.faz);
  REQUIRE(faz.server.listen(lab.faz_ip, 0) == "");

  config::Engine engine(makeFortiGateSchema(), "FGT-LAB", "0123456789abcdef0123456789abcdef");
  {
    auto s = engine.openSession();
    for (const auto& l : fgtConfig(lab, ems.port(), faz.server.port())) REQUIRE(s->execute(l).ok());
  }
  Sink sink;
  FabricNodeOptions options;
  options.home = lab.dir / "fgt";
  options.address = lab.fgt_ip;
  options.telemetry_port = 0;
  options.tls = {lab.fgt.ca, lab.fgt.cert, lab.fgt.key, true, ""};
  options.retry = {3, 200ms, 400ms};
  options.faz_sync_for_test = recordingSync;
  auto fabric = std::make_unique<FortiGateFabric>(loop, engine, DeviceInfo{"FGVM01TM26000001", "FGT-LAB", "v6.0.4", 0},
                                                  clock, sink, options);
  sink.forward = [&](const std::string& line) { fabric->forwardToAnalyzer(line); };
  REQUIRE(fabric->start() == "");
  REQUIRE(fabric->telemetryPort() != 0);

  // The FortiClient's telemetry link.
  std::atomic<bool> registered{false};
  net::ClientOptions co;
  co.host = lab.fgt_ip;
  co.port = fabric->telemetryPort();
  co.source_address = lab.agent_ip;
  net::LinkClient agent(loop, {lab.agent.ca, lab.agent.cert, lab.agent.key, true, ""}, co,
                        [&](std::shared_ptr<net::FramedLink> l) {
                          l->onMessage([&](const nlohmann::json& m) {
                            if (m["type"] == "registered") registered = true;
                          });
                          l->send({{"type", "register"}, {"uid", kUid}, {"hostname", "WIN-LAB-01"}, {"os", "windows"},
                                   {"ip", lab.agent_ip}, {"mac", "00-0C-29-AA-BB-CC"}, {"user", "alice"},
                                   {"fctver", "7.0.9.0493"}, {"ems_serial", kEmsSerial},
                                   {"quarantine", {{"state", "none"}}}});
                        });
  agent.start();
  REQUIRE(waitFor([&] { return registered.load(); }));
  auto console = [&](const std::string& line) { return loop.call([&] { return engine.openSession()->execute(line); }); };
  {
    const auto list = console("diagnose endpoint record list").output;
    CHECK(list.find("IP Address = " + lab.agent_ip) != std::string::npos);
    // The X.509 serial of the certificate the agent presented, in FortiOS's form (uppercase hex).
    const auto agent_cert = tls::certificateSerial(readFile(lab.agent.cert).value_or(""));
    CHECK(list.find("Client cert SN: " + agent_cert + "\n") != std::string::npos);
  }
  REQUIRE(waitFor([&] { return faz.hasLine("logid=\"0107045057\""); }));
  {
    std::lock_guard g(faz.mu);
    CHECK(faz.hello["serial"] == "FGVM01TM26000001");
  }
  {
    // The lines reached the analyzer fsync'ed first, and never by the event loop's thread.
    const auto loop_thread = loop.call([] { return std::this_thread::get_id(); });
    std::lock_guard g(g_sync_mu);
    CHECK_FALSE(g_sync_threads.empty());
    for (const auto& t : g_sync_threads) CHECK(t != loop_thread);
  }

  SECTION("the five-step path through the FortiGate") {
    loop.call([&] {
      faz.link->send({{"type", "ioc"}, {"id", 77}, {"endpoint_ip", lab.agent_ip}, {"uid", kUid},
                      {"indicator", "evil.example.com"}, {"indicator_type", "domain"}, {"threat", "Botnet C&C"},
                      {"level", "high"}, {"log_ids", {"1"}}, {"feed", "lab"}, {"flow_id", "F-20261129-000001-abcd"},
                      {"rescan", false}});
    });
    REQUIRE(waitFor([&] { return ems.calls().size() == 1; }));
    auto call = ems.calls()[0];
    CHECK(call.path == "/api/v1/endpoints/quarantine");
    CHECK(call.body["uid"] == kUid);
    CHECK(call.body["flow_id"] == "F-20261129-000001-abcd");
    CHECK(call.remote_address == lab.fgt_ip);  // the connector binds to the FortiGate's address
    REQUIRE(waitFor([&] {
      return console("diagnose endpoint forticlient-ems-rest-api queue-list").output.find("state=done") !=
             std::string::npos;
    }));
    CHECK_FALSE(sink.has("logid=\"0107045128\""));  // nothing failed before: no "recovered" line
    for (const char* id : {"0100022953", "0100046600"}) {
      INFO(id);
      CHECK(waitFor([&] { return faz.hasLine(std::string("logid=\"") + id + "\"") ; }));
    }
    CHECK(waitFor([&] {
      std::lock_guard g(faz.mu);
      return faz.acks.size() == 1 && faz.acks[0] == 77;
    }));
    auto list = console("diagnose endpoint forticlient-ems-rest-api queue-list").output;
    CHECK(list.find("Q-" + lab.agent_ip + " action=quarantine state=done attempts=1 http=200") != std::string::npos);

    auto u = console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + lab.agent_ip);
    CHECK(u.ok());
    REQUIRE(waitFor([&] { return ems.calls().size() == 2; }));
    CHECK(ems.calls()[1].path == "/api/v1/endpoints/unquarantine");
    CHECK(ems.signins() == 1);  // one signed-in, verified session serves both calls
  }

  SECTION("each failure has its own reason on the call") {
    auto lastError = [&] {
      auto calls = loop.call([&] { return fabric->queue().list(); });
      return calls.empty() ? std::string() : calls.back().state + ": " + calls.back().last_error;
    };
    // The EMS refuses the call itself.
    ems.setCallAnswer(409, "No gateway list containing this FortiGate is assigned to the endpoint.");
    CHECK(console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + lab.agent_ip).ok());
    REQUIRE(waitFor([&] { return lastError().rfind("failed:", 0) == 0; }));
    CHECK(lastError() == "failed: EMS \"e01\" (https://" + lab.ems_ip + ":" + std::to_string(ems.port()) +
                             ") refused Q-" + lab.agent_ip +
                             ": HTTP 409: No gateway list containing this FortiGate is assigned to the endpoint.");
    ems.setCallAnswer(200, "");

    // Wrong credentials.
    {
      auto s = loop.call([&] { return engine.openSession(); });
      loop.call([&] {
        for (const char* l : {"config endpoint-control forticlient-ems", "edit \"e01\"", "set admin-password Wr0ngPa55",
                              "next", "end"})
          REQUIRE(s->execute(l).ok());
      });
    }
    CHECK(console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + lab.agent_ip).ok());
    REQUIRE(waitFor([&] { return lastError().find("refused the sign-in of admin \"admin\"") != std::string::npos; }));
    CHECK(ems.refusedSignins() >= 1);
    REQUIRE(waitFor([&] { return lastError().rfind("failed: gave up after 3 attempts", 0) == 0; }));
    CHECK_FALSE(sink.has("Wr0ngPa55"));  // the password never reaches a log line

    // Serial mismatch (the EMS reports another serial), with the right password again.
    {
      auto s = loop.call([&] { return engine.openSession(); });
      loop.call([&] {
        for (const char* l : {"config endpoint-control forticlient-ems", "edit \"e01\"", "set admin-password S3cret!",
                              "next", "end"})
          REQUIRE(s->execute(l).ok());
      });
    }
    ems.setApiSerial("FCTEMS0000099999");
    CHECK(console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + lab.agent_ip).ok());
    REQUIRE(waitFor([&] { return lastError().find("EMS serial mismatch") != std::string::npos; }));
    CHECK(lastError().find("says FCTEMS0000099999") != std::string::npos);
    REQUIRE(waitFor([&] { return lastError().rfind("failed:", 0) == 0; }));
    ems.setApiSerial(kEmsSerial);

    // Unreachable EMS.
    ems.stop();
    CHECK(console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + lab.agent_ip).ok());
    REQUIRE(waitFor([&] { return lastError().find("unreachable") != std::string::npos; }));

    // Not connected to this FortiGate: refused before queueing.
    auto r = console("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + lab.base + "99");
    CHECK(r.return_code == -1);
    CHECK(r.output.find("endpoint " + lab.base + "99 is not connected to this FortiGate") != std::string::npos);
    CHECK(sink.has("is not connected to this FortiGate"));
  }

  agent.stop();
  fabric->stop();
  loop.stop();
}

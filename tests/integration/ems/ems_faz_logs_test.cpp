// The EMS's event log reaches the FortiAnalyzer: the real build/bin/ems and build/bin/fortianalyzer
// on their own loopback addresses, RFC 5425 syslog over TLS verified by a lab CA both ways. A line
// of a quarantine flow is searchable on the analyzer with its flowid and the EMS's devid; lines
// written while the analyzer is down wait in the EMS's disk buffer (also across a kill -9 of the
// EMS) and arrive once the analyzer is back.
#include <set>

#include "common/http/http.h"
#include "ems_process.h"

using namespace fabric;
using namespace fabric::ems::itest;

namespace {

const std::string kEmsSerial = "FCTEMS0000077001";
const std::string kFazSerial = "FAZ-VM0000077002";
const std::string kUid1 = "0123456789ABCDEF0123456789ABCDEF01234567";
const std::string kUid2 = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

// build/bin/fortianalyzer as a child, killed by pid when the guard goes away.
class Analyzer {
 public:
  Analyzer(fs::path home, std::string address) : home_(std::move(home)), address_(std::move(address)) {}
  ~Analyzer() { kill9(); }

  // tls_port 0 = any free port (the first start); later starts pass the port the EMS is configured with.
  void start(int tls_port) {
    fs::remove(home_ / "ready.json");
    const std::string bin = std::string(FABRIC_BIN_DIR) + "/fortianalyzer";
    const std::string log = (home_ / "daemon.stderr").string();
    const std::string port = std::to_string(tls_port);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(bin.c_str(), bin.c_str(), "--home", home_.c_str(), "--listen", address_.c_str(), "--https-port", "0",
              "--udp-port", "0", "--tcp-port", "0", "--tls-port", port.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const bool ready = waitUntil([&] {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return true;
      auto text = readFile(home_ / "ready.json");
      if (!text) return false;
      auto j = nlohmann::json::parse(*text, nullptr, false);
      return !j.is_discarded() && j.contains("ports");
    });
    INFO("fortianalyzer stderr:\n" << slurp(home_ / "daemon.stderr"));
    REQUIRE(ready);
    ready_ = nlohmann::json::parse(*readFile(home_ / "ready.json"));
    REQUIRE(ready_.contains("ports"));
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int tlsPort() const { return ready_["ports"]["syslog_tls"].get<int>(); }
  std::uint16_t httpsPort() const { return ready_["ports"]["https"].get<std::uint16_t>(); }

 private:
  fs::path home_;
  std::string address_;
  pid_t pid_ = -1;
  nlohmann::json ready_;
};

struct Lab {
  TempDir dir;
  std::string base = randomBase();
  std::string fgt_ip = base + "1", faz_ip = base + "2", ems_ip = base + "3";
  fs::path ems_home = dir.path / "ems", faz_home = dir.path / "faz", pki = dir.path / "pki";
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  net::EventLoop loop;
  std::unique_ptr<Analyzer> faz;
  std::unique_ptr<EmsProcess> ems;

  Lab() {
    for (const auto& d : {ems_home, faz_home, pki}) fs::create_directories(d);
    REQUIRE(writeFileAtomically(pki / "ca.pem", ca.cert_pem) == "");
    // The analyzer, with the EMS registered as a log device.
    tls::installNodeCertificate(faz_home, ca,
                                tls::issueCertificate(ca, {"fortianalyzer", kFazSerial, {"fortianalyzer"}, {faz_ip}}));
    REQUIRE(writeFileAtomically(faz_home / "identity.json",
                                nlohmann::json{{"serial", kFazSerial}, {"hostname", "FAZ-IT"}}.dump()) == "");
    REQUIRE(writeFileAtomically(faz_home / "fortianalyzer.conf",
                                "config system device\n    edit \"" + kEmsSerial + "\"\n        set devname \"EMS-IT\"\n"
                                "        set ip \"" + ems_ip + "\"\n    next\nend\n") == "");
    faz = std::make_unique<Analyzer>(faz_home, faz_ip);
    faz->start(0);

    // The EMS, sending its event log to that analyzer.
    REQUIRE(writeFileAtomically(ems_home / "identity.json",
                                nlohmann::json{{"serial", kEmsSerial}, {"hostname", "EMS-IT"}}.dump()) == "");
    tls::installNodeCertificate(ems_home, ca, tls::issueCertificate(ca, {kEmsSerial, kEmsSerial, {"ems"}, {ems_ip}}));
    const std::string config =
        "config system global\n    set hostname \"EMS-IT\"\nend\n"
        "config system admin\n    edit \"admin\"\n        set password S3cret!\n    next\nend\n"
        "config system server\n    set remote-https-access enable\nend\n"
        "config endpoint profile\n    edit \"default\"\n        set faz-address " + faz_ip + "\n    next\nend\n"
        "config endpoint gateway-list\n    edit \"gl1\"\n        config fortigate\n            edit \"fgt1\"\n"
        "                set address " + fgt_ip + "\n            next\n        end\n    next\nend\n"
        "config endpoint assignment-rule\n    edit 1\n        set profile \"default\"\n"
        "        set gateway-list \"gl1\"\n    next\nend\n"
        "config log fortianalyzer setting\n    set status enable\n    set server " + faz_ip + "\n"
        "    set port " + std::to_string(faz->tlsPort()) + "\nend\n";
    REQUIRE(writeFileAtomically(ems_home / "ems.conf", config) == "");
    ems = std::make_unique<EmsProcess>(ems_home, ems_ip);
    ems->start();
    loop.start();
  }

  std::unique_ptr<TestAgent> agent(const std::string& uid, const std::string& ip) {
    auto pair = tls::issueCertificate(ca, {uid, "", {}, {ip}});
    const fs::path cert = pki / (uid + ".pem"), key = pki / (uid + ".key");
    REQUIRE(writeFileAtomically(cert, pair.cert_pem) == "");
    REQUIRE(writeFileAtomically(key, pair.key_pem, 0600) == "");
    nlohmann::json reg = {{"type", "register"}, {"uid", uid}, {"hostname", "PC-" + uid.substr(0, 4)},
                          {"os", "windows"}, {"os_version", "Microsoft Windows 11"}, {"ip", ip},
                          {"mac", "00-11-22-33-44-55"}, {"user", "alice"}, {"fctver", "7.0.9.0493"},
                          {"quarantine", {{"state", "none"}, {"since", 0}}}};
    auto a = std::make_unique<TestAgent>(loop, net::TlsConfig{pki / "ca.pem", cert, key, true, ""}, ems_ip,
                                         ems->linkPort(), ip, reg);
    a->start();
    return a;
  }

  // The FortiGate's REST call: sign in, then POST endpoints/quarantine for `ip` with `flow_id`.
  void quarantine(const std::string& ip, const std::string& flow_id) {
    http::HttpsClient client(ems_ip, ems->httpsPort(), http::ClientTls{pki / "ca.pem", {}, {}}, fgt_ip,
                             std::chrono::seconds(10));
    http::Headers headers = {{"Content-Type", "application/json"}};
    auto signin = client.request("POST", "/api/v1/auth/signin",
                                 nlohmann::json{{"name", "admin"}, {"password", "S3cret!"}}.dump(), headers);
    INFO(signin.error << " " << signin.body);
    REQUIRE(signin.status == 200);
    for (const auto& [k, v] : signin.headers) {
      if (k == "Set-Cookie" && v.rfind("csrftoken=", 0) == 0) headers.push_back({"X-CSRFToken", v.substr(10, v.find(';') - 10)});
    }
    auto r = client.request("POST", "/api/v1/endpoints/quarantine",
                            nlohmann::json{{"ip", ip}, {"flow_id", flow_id}}.dump(), headers);
    INFO(r.error << " " << r.body);
    REQUIRE(r.status == 200);
  }

  // The analyzer's search (GET /api/logs), over verified HTTPS as its built-in admin.
  nlohmann::json search(const std::string& filter) {
    http::HttpsClient client(faz_ip, faz->httpsPort(), http::ClientTls{pki / "ca.pem", {}, {}});
    auto r = client.request("GET", "/api/logs?limit=100&order=asc&filter=" + filter, "",
                            {{"Authorization", "Basic YWRtaW46"}});
    if (r.status != 200) return nlohmann::json::array();
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("data")) return nlohmann::json::array();
    return j["data"].value("logs", nlohmann::json::array());
  }

  // The logids of the EMS's lines of `flow_id` stored on the analyzer.
  std::set<std::string> emsLogIds(const std::string& flow_id) {
    std::set<std::string> ids;
    for (const auto& row : search("flowid==" + flow_id)) {
      if (row.value("devid", "") == kEmsSerial) ids.insert(row.value("logid", ""));
    }
    return ids;
  }
};

bool has(const std::set<std::string>& ids, std::initializer_list<const char*> wanted) {
  for (const char* w : wanted) {
    if (!ids.count(w)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("EMS event log lines reach the FortiAnalyzer with their flowid, also after outages",
          "[ems][faz][integration]") {
  Lab lab;
  const std::string ip1 = lab.base + "50", ip2 = lab.base + "51";
  const std::string flow1 = "F-20261129-000001-e001", flow2 = "F-20261129-000002-e002";

  SECTION("a quarantine flow's EMS lines are searchable on the analyzer by flowid") {
    auto agent = lab.agent(kUid1, ip1);
    REQUIRE_FALSE(agent->waitFor("registered").is_null());
    lab.quarantine(ip1, flow1);
    auto command = agent->waitFor("command");
    REQUIRE_FALSE(command.is_null());
    REQUIRE(agent->send({{"type", "command-result"}, {"id", command["id"]}, {"ok", true}, {"message", "quarantined"},
                         {"state", "quarantined"}, {"flow_id", flow1}}));
    // 0109045010 quarantine requested, 0109045012 command sent, 0109045013 command result (step 5).
    std::set<std::string> ids;
    CHECK(waitUntil([&] { return has(ids = lab.emsLogIds(flow1), {"0109045010", "0109045012", "0109045013"}); }));
    INFO("stored logids: " << nlohmann::json(ids).dump());
    const auto rows = lab.search("flowid==" + flow1);
    REQUIRE_FALSE(rows.empty());
    CHECK(rows[0]["devid"] == kEmsSerial);
    CHECK(rows[0]["devname"] == "EMS-IT");
    CHECK(rows[0]["flow_id"] == flow1);
    // The EMS's own diagnostics say where its logs go.
    auto [status, out] = lab.ems->cli({"execute log fortianalyzer test-connectivity"});
    INFO(out);
    CHECK(status == 0);
    CHECK(out.find("Server: " + lab.faz_ip + ":" + std::to_string(lab.faz->tlsPort())) != std::string::npos);
    CHECK(out.find("Connection: up") != std::string::npos);
  }

  SECTION("lines written while the analyzer is down arrive once it is back, across a kill -9 of the EMS") {
    const int tls_port = lab.faz->tlsPort();
    auto agent = lab.agent(kUid1, ip1);
    REQUIRE_FALSE(agent->waitFor("registered").is_null());
    REQUIRE(waitUntil([&] { return !lab.search("devid==" + kEmsSerial).empty(); }));  // the stream is up

    lab.faz->kill9();
    auto agent2 = lab.agent(kUid2, ip2);
    REQUIRE_FALSE(agent2->waitFor("registered").is_null());
    lab.quarantine(ip2, flow2);  // 0109045010 + 0109045012, buffered on disk
    REQUIRE_FALSE(agent2->waitFor("command").is_null());
    auto [status, out] = lab.ems->cli({"execute log fortianalyzer test-connectivity"});
    INFO(out);
    CHECK(out.find("Connection: up") == std::string::npos);
    CHECK(out.find("Logs pending: 0 ") == std::string::npos);

    // The EMS dies with the lines still waiting, comes back, then the analyzer comes back.
    agent.reset();
    agent2.reset();
    lab.ems->kill9();
    lab.ems->start();
    lab.faz->start(tls_port);
    std::set<std::string> ids;
    CHECK(waitUntil([&] { return has(ids = lab.emsLogIds(flow2), {"0109045010", "0109045012"}); },
                    std::chrono::seconds(30)));
    INFO("stored logids of " << flow2 << ": " << nlohmann::json(ids).dump());
    auto [status2, out2] = lab.ems->cli({"execute log fortianalyzer test-connectivity"});
    INFO(out2);
    CHECK(waitUntil([&] {
      return lab.ems->cli({"execute log fortianalyzer test-connectivity"}).second.find("Logs pending: 0 ") !=
             std::string::npos;
    }));
  }
}

TEST_CASE("EMS with FortiAnalyzer logging disabled keeps its event log local", "[ems][faz][integration]") {
  Lab lab;
  auto [status, out] = lab.ems->cli({"config log fortianalyzer setting", "set status disable", "end"});
  INFO(out);
  REQUIRE(status == 0);
  auto agent = lab.agent(kUid1, lab.base + "50");
  REQUIRE_FALSE(agent->waitFor("registered").is_null());
  REQUIRE(waitUntil([&] { return slurp(lab.ems_home / "event.log").find(kUid1) != std::string::npos; }));
  auto [s2, diag] = lab.ems->cli({"execute log fortianalyzer test-connectivity"});
  INFO(diag);
  CHECK(diag.find("FortiAnalyzer logging: disable") != std::string::npos);
  CHECK(diag.find("Logs pending: 0 ") != std::string::npos);

  // Enabled again: the next registration arrives. Lines go out in order, so had the first one been
  // buffered it would be stored before this one.
  auto [s3, out3] = lab.ems->cli({"config log fortianalyzer setting", "set status enable", "end"});
  REQUIRE(s3 == 0);
  auto agent2 = lab.agent(kUid2, lab.base + "51");
  REQUIRE_FALSE(agent2->waitFor("registered").is_null());
  auto fctuids = [&] {
    std::set<std::string> uids;
    for (const auto& row : lab.search("devid==" + kEmsSerial)) {
      if (row.contains("fields")) uids.insert(row["fields"].value("fctuid", ""));
    }
    return uids;
  };
  REQUIRE(waitUntil([&] { return fctuids().count(kUid2) == 1; }));
  CHECK(fctuids().count(kUid1) == 0);
}

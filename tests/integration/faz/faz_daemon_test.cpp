// The real fortianalyzer daemon on loopback: syslog over UDP, TCP and TLS stored and searchable over
// HTTPS; malformed input counted; a fake FortiGate (LinkClient, verified TLS both ways) gets its
// logs acked and an ioc notification after a matching log; the console answers; a restart keeps
// the stored logs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>

#include "common/http/http.h"
#include "common/logfmt/syslog_frame_decoder.h"
#include "common/net/link.h"
#include "common/tls/pki.h"
#include "faz_process.h"
#include "faz_test_support.h"

using namespace fabric;
using namespace fabric::faz::test;
using json = nlohmann::json;

namespace {

std::string fgtLine(const std::string& srcip) {
  return "date=2026-11-29 time=05:00:01 devname=\"FGT-LAB\" devid=\"FGVM01TM26000001\" logid=\"0000000013\" "
         "type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=" + srcip +
         " dstip=93.184.216.34 action=\"accept\"";
}

std::string fctLine(const std::string& ip, const std::string& domain) {
  return "<134>date=2026-11-29 time=05:00:00 logver=1 id=96882 type=securityevent subtype=webfilter "
         "eventtype=webfilter level=warning uid=0123456789ABCDEF0123456789ABCDEF01234567 devid=FCT8000000000001 "
         "hostname=pc-1 deviceip=" + ip + " devicemac=00-11-22-33-44-55 fctver=7.0.9.0493 user=alice remotename=" +
         domain + " url=\"http://" + domain + "/dl/x.exe\" utmaction=blocked";
}

// The fake FortiGate's view of its link.
struct FortiGateSide {
  std::mutex mutex;
  std::vector<json> received;
  std::shared_ptr<net::FramedLink> link;
  std::vector<json> ofType(const std::string& type) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<json> out;
    for (const auto& m : received)
      if (m.value("type", "") == type) out.push_back(m);
    return out;
  }
};

}  // namespace

TEST_CASE("fortianalyzer daemon end to end on loopback") {
  TempDir tmp;
  const std::string faz_addr = address(10), fgt_addr = address(11), fct_addr = address(12);
  auto faz_home = tmp.path() / "faz", fgt_home = tmp.path() / "fgt";
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  tls::CertificateSpec faz_spec{"fortianalyzer", "FAZ-VM0000000099", {"fortianalyzer"}, {faz_addr}};
  tls::installNodeCertificate(faz_home, ca, tls::issueCertificate(ca, faz_spec));
  tls::CertificateSpec fgt_spec{"FGVM01TM26000001", "FGVM01TM26000001", {"fortigate"}, {fgt_addr}};
  tls::NodeTlsFiles fgt_tls = tls::installNodeCertificate(fgt_home, ca, tls::issueCertificate(ca, fgt_spec));

  FazProcess faz(faz_home, faz_addr);
  faz.start();
  json ready = faz.waitReady();
  INFO(ready.dump());
  std::uint16_t https = ready["ports"]["https"], udp = ready["ports"]["syslog_udp"],
                tcp = ready["ports"]["syslog_tcp"], tls_port = ready["ports"]["syslog_tls"];
  REQUIRE(https != 0);
  Api api(faz_addr, https, fgt_tls.ca);

  // --- UDP and TCP syslog, with malformed input on the TCP stream ---
  int u = plainSocket(SOCK_DGRAM, faz_addr, udp, fct_addr);
  sendAll(u, "<189>" + fgtLine("10.1.0.1"));
  ::close(u);
  int t = plainSocket(SOCK_STREAM, faz_addr, tcp, fct_addr);
  sendAll(t, fgtLine("10.1.0.2") + "\n" + fgtLine("10.1.0.2") + "\n" + std::string(70000, 'x') + "\n" +
                 fgtLine("10.1.0.3") + "\n");
  ::close(t);
  REQUIRE(waitFor([&] { return api.count("srcip==10.1.0.1") == 1; }));
  REQUIRE(waitFor([&] { return api.count("srcip==10.1.0.2") == 2 && api.count("srcip==10.1.0.3") == 1; }));
  json stats = api.call("GET", "/api/stats")["data"];
  CHECK(stats["oversized"].get<int>() >= 1);

  // A stream that breaks octet counting is counted and closed; other senders are not affected.
  int broken = plainSocket(SOCK_STREAM, faz_addr, tcp, fct_addr);
  sendAll(broken, "12 date=2026-x 7y");
  REQUIRE(waitFor([&] { return api.call("GET", "/api/stats")["data"]["framing_errors"].get<int>() >= 1; }));
  // ... and reported in the analyzer's event log, which is searchable like any log.
  REQUIRE(waitFor([&] { return api.count(http::urlEncode("msg==syslog connection closed")) == 1; }));
  ::close(broken);

  // --- a threat feed, uploaded over the API ---
  json feed = api.call("PUT", "/api/feeds/lab?type=domain&level=high&threat=Emotet", "malware.bad.example\n");
  REQUIRE(feed["http_status"] == 200);
  CHECK(feed["data"]["indicators"] == 1);

  // --- the fake FortiGate's link ---
  net::EventLoop loop;
  loop.start();
  FortiGateSide side;
  net::ClientOptions copts;
  copts.host = faz_addr;
  copts.port = tcp;
  copts.source_address = fgt_addr;
  net::LinkClient client(
      loop, net::TlsConfig{fgt_tls.ca, fgt_tls.cert, fgt_tls.key, true, ""}, copts,
      [&](std::shared_ptr<net::FramedLink> link) {
        link->onMessage([&](const json& m) {
          std::lock_guard<std::mutex> lock(side.mutex);
          side.received.push_back(m);
        });
        {
          std::lock_guard<std::mutex> lock(side.mutex);
          side.link = link;
        }
        link->send(json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}, {"hostname", "FGT-LAB"}, {"version", "v6.0.4"}});
      });
  client.start();
  REQUIRE(waitFor([&] { return !side.ofType("hello-ack").empty(); }));
  CHECK(side.ofType("hello-ack")[0]["registered"] == false);  // not in `config system device`
  loop.call([&] { side.link->send(json{{"type", "logs"}, {"seq", 1}, {"lines", {fgtLine("10.1.0.4")}}}); });
  REQUIRE(waitFor([&] { return !side.ofType("logs-ack").empty(); }));
  CHECK(side.ofType("logs-ack")[0]["seq"] == 1);
  CHECK(api.count("srcip==10.1.0.4") == 1);  // acked means stored

  // --- FortiClient log over TLS syslog (RFC 5425) hits the feed: the FortiGate is notified ---
  net::ClientOptions sopts;
  sopts.host = faz_addr;
  sopts.port = tls_port;
  sopts.source_address = fct_addr;
  std::atomic<bool> sent{false};
  net::StreamClient syslog(loop, true, net::TlsConfig{fgt_tls.ca, fgt_tls.cert, fgt_tls.key, true, ""}, sopts,
                           [&](std::shared_ptr<net::ByteStream> stream) {
                             if (sent.exchange(true)) return;
                             stream->write(logfmt::encodeOctetCounted(fctLine("10.1.0.50", "www.malware.bad.example")));
                           });
  syslog.start();
  REQUIRE(waitFor([&] { return !side.ofType("ioc").empty(); }));
  json ioc = side.ofType("ioc")[0];
  CHECK(ioc["endpoint_ip"] == "10.1.0.50");
  CHECK(ioc["uid"] == "0123456789ABCDEF0123456789ABCDEF01234567");
  CHECK(ioc["indicator"] == "malware.bad.example");
  CHECK(ioc["threat"] == "Emotet");
  CHECK(ioc["level"] == "high");
  CHECK(ioc["feed"] == "lab");
  CHECK(ioc["log_ids"].size() == 1);
  CHECK_FALSE(ioc["flow_id"].get<std::string>().empty());
  loop.call([&] { side.link->send(json{{"type", "ioc-ack"}, {"id", ioc["id"]}}); });
  REQUIRE(waitFor([&] {
    json out = api.call("GET", "/api/ioc-notifications")["data"];
    return out.size() == 1 && out[0]["acked"].size() == 1;
  }));
  json hosts = api.call("GET", "/api/compromised-hosts")["data"];
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0]["verdict"] == "Infected");
  json devices = api.call("GET", "/api/devices")["data"];
  bool fgt_listed = false;
  for (const auto& d : devices)
    if (d["devid"] == "FGVM01TM26000001") {
      fgt_listed = true;
      CHECK(d["registered"] == false);
      CHECK(d["connected"] == true);
    }
  CHECK(fgt_listed);
  syslog.stop();
  client.stop();

  // --- the console ---
  auto [rc, status] = faz.cli({"get system status"});
  CHECK(rc == 0);
  CHECK(status.find("Platform Full Name              : FortiAnalyzer-VM64") != std::string::npos);
  auto [rc2, display] = faz.cli({"execute log filter field srcip 10.1.0.2", "execute log display"});
  CHECK(rc2 == 0);
  CHECK(display.find("2 logs found.") != std::string::npos);
  auto [rc3, bad] = faz.cli({"execute log filter view-lines 0"});
  CHECK(rc3 == 1);

  // --- a second daemon on the same home is refused and leaves the first one alone ---
  {
    FazProcess second(faz_home, faz_addr);
    second.start(false);
    CHECK(second.waitExit() == 1);
    CHECK(second.stderrText().find("another fortianalyzer is already running in") != std::string::npos);
    CHECK(std::filesystem::exists(faz_home / "ready.json"));
    CHECK(api.count("srcip==10.1.0.1") == 1);
  }

  // --- restart: stored logs stay ---
  CHECK(faz.terminate() == 0);
  CHECK_FALSE(std::filesystem::exists(faz_home / "ready.json"));
  faz.start();
  json ready2 = faz.waitReady();
  Api api2(faz_addr, ready2["ports"]["https"], fgt_tls.ca);
  CHECK(api2.count("srcip==10.1.0.1") == 1);
  CHECK(api2.count("srcip==10.1.0.2") == 2);
  CHECK(api2.count("srcip==10.1.0.4") == 1);
  // The feed uploaded before the restart is configured and loaded again.
  json feeds = api2.call("GET", "/api/feeds")["data"];
  REQUIRE(feeds.size() == 1);
  CHECK(feeds[0]["loaded"] == true);
  // kill -9: what was stored stays.
  faz.kill(SIGKILL);
  faz.start();
  json ready3 = faz.waitReady();
  Api api3(faz_addr, ready3["ports"]["https"], fgt_tls.ca);
  CHECK(api3.count("srcip==10.1.0.4") == 1);
  CHECK(faz.terminate() == 0);
  loop.stop();
}

namespace {

// A port on `addr` that was free a moment ago (type SOCK_DGRAM or SOCK_STREAM).
std::uint16_t freePort(int type, const std::string& addr) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  json j = json::parse(in, nullptr, false);
  return j.is_discarded() ? json() : j;
}

}  // namespace

TEST_CASE("fortianalyzer daemon applies configuration changes live and keeps acknowledgements across kill -9") {
  TempDir tmp;
  const std::string faz_addr = address(20), fct_addr = address(22);
  auto faz_home = tmp.path() / "faz";
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  tls::CertificateSpec faz_spec{"fortianalyzer", "FAZ-VM0000000098", {"fortianalyzer"}, {faz_addr}};
  tls::installNodeCertificate(faz_home, ca, tls::issueCertificate(ca, faz_spec));
  auto ca_file = faz_home / "tls" / "ca.pem";

  FazProcess faz(faz_home, faz_addr);
  faz.start();
  json ready = faz.waitReady();
  INFO(ready.dump());
  const std::uint16_t udp0 = ready["ports"]["syslog_udp"], tcp0 = ready["ports"]["syslog_tcp"];
  auto api = std::make_unique<Api>(faz_addr, ready["ports"]["https"].get<std::uint16_t>(), ca_file);
  // The analyzer's own event lines carry their logid.
  REQUIRE(waitFor([&] { return api->count("logid==0001090002") == 1; }));  // FortiAnalyzer ready

  // --- syslog UDP port changed by a commit: the new port is up, ready.json tells it ---
  const std::uint16_t udp1 = freePort(SOCK_DGRAM, faz_addr);
  auto [rc, out] = faz.cli({"config system log-receiver", "set syslog-udp-port " + std::to_string(udp1), "end"});
  REQUIRE(rc == 0);
  REQUIRE(waitFor([&] { return readJson(faz_home / "ready.json")["ports"]["syslog_udp"] == udp1; }));
  CHECK(readJson(faz_home / "ready.json")["ports"]["syslog_tcp"] == tcp0);
  int u = plainSocket(SOCK_DGRAM, faz_addr, udp1, fct_addr);
  sendAll(u, fgtLine("10.2.0.1"));
  REQUIRE(waitFor([&] { return api->count("srcip==10.2.0.1") == 1; }));
  auto [rc_m, msgstat] = faz.cli({"diagnose fortilogd msgstat"});
  CHECK(msgstat.find("listening: udp " + std::to_string(udp1) + " ") != std::string::npos);
  CHECK(udp1 != udp0);

  // --- a TCP port already in use: the old listener stays and the configuration is put back ---
  int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in b{};
  b.sin_family = AF_INET;
  inet_pton(AF_INET, faz_addr.c_str(), &b.sin_addr);
  REQUIRE(::bind(blocker, reinterpret_cast<sockaddr*>(&b), sizeof b) == 0);
  REQUIRE(::listen(blocker, 1) == 0);
  socklen_t blen = sizeof b;
  getsockname(blocker, reinterpret_cast<sockaddr*>(&b), &blen);
  const std::uint16_t taken = ntohs(b.sin_port);
  auto [rc_t, out_t] = faz.cli({"config system log-receiver", "set syslog-tcp-port " + std::to_string(taken), "end"});
  CHECK(rc_t == 0);
  REQUIRE(waitFor([&] { return api->count(http::urlEncode("msg==listening port not changed")) == 1; }));
  REQUIRE(waitFor([&] {
    auto [rc_s, shown] = faz.cli({"show system log-receiver"});
    return rc_s == 0 && shown.find("syslog-tcp-port " + std::to_string(taken)) == std::string::npos;
  }));
  ::close(blocker);
  CHECK(readJson(faz_home / "ready.json")["ports"]["syslog_tcp"] == tcp0);
  int t = plainSocket(SOCK_STREAM, faz_addr, tcp0, fct_addr);
  sendAll(t, fgtLine("10.2.0.2") + "\n");
  ::close(t);
  REQUIRE(waitFor([&] { return api->count("srcip==10.2.0.2") == 1; }));

  // --- HTTPS port changed by a commit ---
  const std::uint16_t https1 = freePort(SOCK_STREAM, faz_addr);
  auto [rc_h, out_h] = faz.cli({"config system admin setting", "set https_port " + std::to_string(https1), "end"});
  REQUIRE(rc_h == 0);
  REQUIRE(waitFor([&] { return readJson(faz_home / "ready.json")["ports"]["https"] == https1; }));
  api = std::make_unique<Api>(faz_addr, https1, ca_file);
  CHECK(api->count("srcip==10.2.0.1") == 1);
  CHECK(api->call("GET", "/api/status")["data"]["ports"]["https"] == https1);

  // --- an HTTPS port in use: the API stays on its port and the configuration is put back ---
  int blocker2 = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in b2{};
  b2.sin_family = AF_INET;
  inet_pton(AF_INET, faz_addr.c_str(), &b2.sin_addr);
  REQUIRE(::bind(blocker2, reinterpret_cast<sockaddr*>(&b2), sizeof b2) == 0);
  REQUIRE(::listen(blocker2, 1) == 0);
  socklen_t b2len = sizeof b2;
  getsockname(blocker2, reinterpret_cast<sockaddr*>(&b2), &b2len);
  const std::uint16_t taken2 = ntohs(b2.sin_port);
  auto [rc_h2, out_h2] = faz.cli({"config system admin setting", "set https_port " + std::to_string(taken2), "end"});
  CHECK(rc_h2 == 0);
  REQUIRE(waitFor([&] { return api->count(http::urlEncode("msg==listening port not changed")) == 2; }));
  REQUIRE(waitFor([&] {
    auto [rc_s, shown] = faz.cli({"show system admin setting"});
    return rc_s == 0 && shown.find("https_port " + std::to_string(https1)) != std::string::npos;
  }));
  ::close(blocker2);
  CHECK(readJson(faz_home / "ready.json")["ports"]["https"] == https1);
  CHECK(api->count("srcip==10.2.0.1") == 1);

  // --- retention changed by a commit applies to the stored logs at once ---
  const std::string old_line =
      "date=2020-01-01 time=05:00:01 devname=\"FGT-LAB\" devid=\"FGVM01TM26000001\" logid=\"0000000013\" "
      "type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=10.2.9.9 dstip=93.184.216.34";
  sendAll(u, old_line);
  REQUIRE(waitFor([&] { return api->count("srcip==10.2.9.9") == 1; }));
  auto [rc_r, out_r] = faz.cli({"config system log settings", "set retention-days 30", "end"});
  REQUIRE(rc_r == 0);
  REQUIRE(waitFor([&] { return api->count("srcip==10.2.9.9") == 0; }));
  CHECK(api->count("srcip==10.2.0.1") == 1);

  // --- max-message-size changed by a commit applies to the next datagram ---
  auto [rc_x, out_x] = faz.cli({"config system log-receiver", "set max-message-size 2048", "end"});
  REQUIRE(rc_x == 0);
  int oversized0 = api->call("GET", "/api/stats")["data"]["oversized"].get<int>();
  REQUIRE(waitFor([&] {
    sendAll(u, fgtLine("10.2.0.3") + " pad=\"" + std::string(3000, 'p') + "\"");
    return api->call("GET", "/api/stats")["data"]["oversized"].get<int>() > oversized0;
  }));
  CHECK(api->count("srcip==10.2.0.3") == 0);

  // --- a compromised host acknowledged over the API stays acknowledged after kill -9 ---
  json feed = api->call("PUT", "/api/feeds/lab?type=domain&level=high&threat=Emotet", "malware.bad.example\n");
  REQUIRE(feed["http_status"] == 200);
  sendAll(u, fctLine("10.2.0.50", "www.malware.bad.example"));
  const std::string uid = "0123456789ABCDEF0123456789ABCDEF01234567";
  REQUIRE(waitFor([&] { return api->call("GET", "/api/compromised-hosts")["data"].size() == 1; }));
  // The verdict is raised when the log is parsed; the log itself must be stored for the start-up
  // rescan to rebuild it (a UDP log has no ack: one not yet committed is lost by a kill -9).
  REQUIRE(waitFor([&] { return api->count("srcip==10.2.0.50") == 1; }));
  json ack = api->call("POST", "/api/compromised-hosts/" + uid + "/acknowledge");
  REQUIRE(ack["http_status"] == 200);
  CHECK(ack["data"]["by"] == "admin");
  ::close(u);
  faz.kill(SIGKILL);  // right after the answer
  faz.start();
  json ready2 = faz.waitReady();
  Api api2(faz_addr, ready2["ports"]["https"].get<std::uint16_t>(), ca_file);
  json hosts = api2.call("GET", "/api/compromised-hosts")["data"];
  {
    std::ifstream events(faz_home / "event.log");
    INFO("event.log:\n" << std::string(std::istreambuf_iterator<char>(events), {}));
    INFO("ioc-acks.json: " << readJson(faz_home / "ioc-acks.json").dump());
    REQUIRE(hosts.size() == 1);
  }
  CHECK(hosts[0]["endpoint"] == uid);
  CHECK(hosts[0]["acknowledged"] == true);
  CHECK(hosts[0]["acknowledged_by"] == "admin");

  // --- the FortiClient is listed by its hostname ---
  bool fct_listed = false;
  json devices = api2.call("GET", "/api/devices")["data"];
  INFO("devices: " << devices.dump());
  for (const auto& d : devices)
    if (d["devid"] == "FCT8000000000001") {
      fct_listed = true;
      CHECK(d["devname"] == "pc-1");
    }
  CHECK(fct_listed);
  CHECK(faz.terminate() == 0);
}

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

// The real fortianalyzer daemon's syslog receivers, one sender per kind of input (issue 5,
// "Receivers"): UDP 514 with RFC 5424 / RFC 3164 / bare FortiOS / CEF lines, TCP 514 with newline
// and octet-counting framing, TLS 6514 (RFC 5425) from a client that writes and closes at once;
// oversized frames counted and skipped, while connections stuck inside a frame or a handshake stall
// nobody. Then a STIX bundle with bad objects uploaded over the API: the valid objects are loaded,
// each bad one is reported, and a subdomain of a listed domain marks its endpoint; a feed added
// later finds, by rescanning the stored logs, an endpoint whose old log now matches.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <catch2/catch.hpp>

#include "common/http/http.h"
#include "common/logfmt/syslog_frame_decoder.h"
#include "common/tls/pki.h"
#include "faz_process.h"
#include "faz_test_support.h"

using namespace fabric;
using namespace fabric::faz::test;

namespace {

std::string fgtBody(const std::string& srcip, const std::string& devid = "FGT60F0000000077") {
  return "date=2026-11-29 time=05:00:01 devname=\"FGT-RX\" devid=\"" + devid +
         "\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=" + srcip +
         " dstip=93.184.216.34 action=\"accept\"";
}

// An RFC 5425 sender that does what a minimal client does: handshake (server verified), write
// everything, close the socket without reading or sending close_notify.
void tlsWriteAndClose(const std::string& to, std::uint16_t port, const std::string& from,
                      const std::filesystem::path& ca, const std::string& bytes) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(ctx);
  REQUIRE(SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) == 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL* ssl = SSL_new(ctx);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), to.c_str());
  int fd = plainSocket(SOCK_STREAM, to, port, from);
  SSL_set_fd(ssl, fd);
  REQUIRE(SSL_connect(ssl) == 1);
  std::size_t off = 0;
  while (off < bytes.size()) {
    int n = SSL_write(ssl, bytes.data() + off, static_cast<int>(std::min<std::size_t>(bytes.size() - off, 16384)));
    REQUIRE(n > 0);
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
}

}  // namespace

TEST_CASE("syslog receivers: every framing and header, oversized input counted, no sender stalls another") {
  TempDir tmp;
  const std::string faz_addr = address(20), sender = address(21);
  auto faz_home = tmp.path() / "faz";
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  tls::CertificateSpec faz_spec{"fortianalyzer", "FAZ-VM0000000098", {"fortianalyzer"}, {faz_addr}};
  tls::NodeTlsFiles files = tls::installNodeCertificate(faz_home, ca, tls::issueCertificate(ca, faz_spec));

  FazProcess faz(faz_home, faz_addr);
  faz.start();
  json ready = faz.waitReady();
  std::uint16_t udp = ready["ports"]["syslog_udp"], tcp = ready["ports"]["syslog_tcp"],
                tls_port = ready["ports"]["syslog_tls"];
  Api api(faz_addr, ready["ports"]["https"], files.ca);

  // Senders stuck mid-frame and mid-handshake, held open for the whole test.
  int stuck_frame = plainSocket(SOCK_STREAM, faz_addr, tcp, sender);
  sendAll(stuck_frame, "500 date=2026-11-29 time=05:00:01");
  int stuck_handshake = plainSocket(SOCK_STREAM, faz_addr, tls_port, sender);
  int silent = plainSocket(SOCK_STREAM, faz_addr, tcp, sender);

  // UDP: one datagram per message, each header shape.
  int u = plainSocket(SOCK_DGRAM, faz_addr, udp, sender);
  sendAll(u, "<165>1 2026-11-29T05:00:01.5Z fgt-rx - - - [meta sequenceId=\"1\"] " + fgtBody("10.20.0.1") + "\n");
  sendAll(u, "<189>Nov 29 05:00:01 fgt-rx " + fgtBody("10.20.0.2"));
  sendAll(u, "<189>" + fgtBody("10.20.0.3"));
  sendAll(u, "<189>CEF:0|Fortinet|Fortigate|v7.2.8|00013|traffic:forward close|3|deviceExternalId=FGT60F0000000077 "
             "src=10.20.0.4 dst=9.9.9.9 act=close");
  ::close(u);

  // TCP, newline framing (LF and CRLF), with an oversized line between good ones.
  int t1 = plainSocket(SOCK_STREAM, faz_addr, tcp, sender);
  sendAll(t1, "<189>Nov 29 05:00:01 fgt-rx " + fgtBody("10.20.0.5") + "\r\n" + std::string(70000, 'x') + "\n" +
                  fgtBody("10.20.0.6") + "\n");
  ::close(t1);

  // TCP, octet counting, with an oversized frame between good ones.
  int t2 = plainSocket(SOCK_STREAM, faz_addr, tcp, sender);
  sendAll(t2, logfmt::encodeOctetCounted("<165>1 2026-11-29T05:00:01Z fgt-rx - - - - " + fgtBody("10.20.0.7")) +
                  logfmt::encodeOctetCounted(std::string(100000, 'y')) +
                  logfmt::encodeOctetCounted(fgtBody("10.20.0.8")));
  ::close(t2);

  // TLS 6514: ~2 MB of octet-counted frames (one oversized among them), then an abrupt close.
  std::string burst;
  const int kBurst = 3000;
  for (int i = 0; i < kBurst; ++i) {
    if (i == 1500) burst += logfmt::encodeOctetCounted(std::string(80000, 'z'));
    burst += logfmt::encodeOctetCounted("<189>" + fgtBody("10.20.1.1") + " sessionid=" + std::to_string(i) +
                                        " msg=\"" + std::string(500, 'm') + "\"");
  }
  tlsWriteAndClose(faz_addr, tls_port, sender, files.ca, burst);

  for (int i = 1; i <= 8; ++i) {
    std::string ip = "10.20.0." + std::to_string(i);
    INFO(ip);
    CHECK(waitFor([&] { return api.count("srcip==" + ip) == 1; }));
  }
  INFO(faz.stderrText());
  CHECK(waitFor([&] { return api.count("srcip==10.20.1.1") == kBurst; }));

  // The headers were read, not stored as text: the RFC 5424 and CEF lines are searchable by field.
  json row = api.call("GET", "/api/logs?filter=srcip==10.20.0.1")["data"]["logs"][0];
  CHECK(row["devid"] == "FGT60F0000000077");
  CHECK(row["time"] == "2026-11-29T05:00:01.000000000Z");
  CHECK_FALSE(row["fields"].contains("sequenceId"));
  CHECK(api.count("act==close") == 0);  // CEF keys are FortiOS names
  CHECK(api.count("action==close") == 1);

  // The console shows the log, not the syslog header it came in.
  auto [rc, display] = faz.cli({"execute log filter field srcip 10.20.0.1", "execute log display"});
  CHECK(rc == 0);
  CHECK(display.find("1 logs found.\n1 logs returned.\n\n1: " + fgtBody("10.20.0.1") + "\n") != std::string::npos);

  json stats = api.call("GET", "/api/stats")["data"];
  CHECK(stats["oversized"] == 3);
  CHECK(stats["malformed"] == 0);
  CHECK(stats["framing_errors"] == 0);

  // The stuck frame is reported when its sender gives up.
  ::close(stuck_frame);
  CHECK(waitFor([&] { return api.call("GET", "/api/stats")["data"]["framing_errors"] == 1; }));
  ::close(stuck_handshake);
  ::close(silent);

  // --- a STIX 2.1 bundle with bad objects, uploaded over the API ---
  json bundle = {
      {"type", "bundle"},
      {"id", "bundle--5"},
      {"objects",
       {{{"type", "indicator"}, {"id", "indicator--a"}, {"name", "Lab C2"}, {"pattern_type", "stix"},
         {"pattern", "[domain-name:value = 'c2.bad.example'] OR [ipv4-addr:value = '203.0.113.7']"},
         {"indicator_types", {"malicious-activity"}}},
        {{"type", "indicator"}, {"id", "indicator--b"}, {"pattern", "[domain-name:value = 'x.example'] AND [url:value = 'http://y.example/']"}},
        {{"type", "ipv4-addr"}, {"id", "ipv4-addr--c"}, {"value", "203.0.113.999"}},
        {{"type", "file"}, {"id", "file--d"}, {"hashes", {{"SHA-256", "abcd"}}}},
        {{"type", "url"}, {"id", "url--e"}, {"value", "HTTP://Dl.Bad.Example:80/a/../x.exe"}, {"x_fabric_level", "medium"}}}}};
  json up = api.call("PUT", "/api/feeds/stixlab?format=stix", bundle.dump());
  REQUIRE(up["http_status"] == 200);
  CHECK(up["data"]["loaded"] == true);
  CHECK(up["data"]["indicators"] == 3);
  CHECK(up["data"]["bad_lines"] == 3);
  REQUIRE(up["data"]["bad_line_reasons"].size() == 3);
  CHECK(up["data"]["bad_line_reasons"][0].get<std::string>().rfind("objects[1] (indicator--b): pattern: AND is not supported", 0) == 0);
  CHECK(up["data"]["bad_line_reasons"][1].get<std::string>().rfind("objects[2] (ipv4-addr--c): ", 0) == 0);
  CHECK(up["data"]["bad_line_reasons"][2].get<std::string>().rfind("objects[3] (file--d): ", 0) == 0);

  // A FortiClient fetch from a subdomain of the listed domain, with a URL that normalises to the
  // listed one, marks its endpoint Infected.
  int u2 = plainSocket(SOCK_DGRAM, faz_addr, udp, sender);
  sendAll(u2, "<134>date=2026-11-29 time=05:00:02 logver=1 id=96900 type=traffic subtype=system eventtype=traffic "
              "level=info uid=ABCDEF0123456789ABCDEF0123456789ABCDEF01 devid=FCT8000000000002 hostname=pc-2 "
              "deviceip=10.20.2.2 fctver=7.2.8.1140 remotename=www.c2.bad.example dstport=443 service=https "
              "url=\"/x.exe\"");
  ::close(u2);
  REQUIRE(waitFor([&] { return api.call("GET", "/api/compromised-hosts")["data"].size() == 1; }));
  json host = api.call("GET", "/api/compromised-hosts")["data"][0];
  CHECK(host["uid"] == "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
  CHECK(host["ip"] == "10.20.2.2");
  CHECK(host["verdict"] == "Infected");
  CHECK(host["threats"] == json::array({"Lab C2"}));

  // A feed added later finds the endpoint whose old log (the CEF line to 9.9.9.9) now matches.
  json late = api.call("PUT", "/api/feeds/late?type=address&level=medium&threat=Late", "9.9.9.9\n");
  REQUIRE(late["http_status"] == 200);
  CHECK(late["data"]["rescan"]["new_events"] == 1);
  json hosts = api.call("GET", "/api/compromised-hosts")["data"];
  bool found = false;
  for (const auto& h : hosts)
    if (h["ip"] == "10.20.0.4") {
      found = true;
      CHECK(h["verdict"] == "Suspicious");
      CHECK(h["rescan"] == true);
    }
  CHECK(found);

  CHECK(faz.terminate() == 0);
}

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/logfmt/observable_extractor.h"

using namespace fabric::logfmt;

namespace {

std::string extract(std::string_view line) {
  LogRecord r;
  REQUIRE(parseLogLine(line, 0, r));
  std::vector<Observable> obs;
  extractObservables(r, obs);
  std::string out;
  for (const Observable& o : obs) {
    out += std::string(toString(o.kind)) + ":" + std::string(o.field) + "=" + o.value + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("kind names") {
  CHECK(toString(ObservableKind::kDomain) == "domain");
  CHECK(toString(ObservableKind::kUrl) == "url");
  CHECK(toString(ObservableKind::kIp) == "ip");
  CHECK(toString(ObservableKind::kSha256) == "sha256");
  CHECK(toString(ObservableKind::kSha1) == "sha1");
  CHECK(toString(ObservableKind::kMd5) == "md5");
}

TEST_CASE("webfilter: path-only url rebuilt from hostname, scheme from service") {
  CHECK(extract("logid=\"0316013056\" srcip=192.168.2.1 dstip=67.43.156.13 service=\"HTTPS\" "
                "hostname=\"Elastic.CO.\" url=\"/config/\"") ==
        "url:url=https://elastic.co/config/ domain:hostname=elastic.co ip:srcip=192.168.2.1 "
        "ip:dstip=67.43.156.13 ");
  CHECK(extract("hostname=\"www.example.com\" service=\"HTTP\" dstport=80 url=\"/a?b=c\"") ==
        "url:url=http://www.example.com/a?b=c domain:hostname=www.example.com ");
  CHECK(extract("hostname=\"www.example.com\" dstport=443 url=\"/\"") ==
        "url:url=https://www.example.com/ domain:hostname=www.example.com ");
  // No host to rebuild with: a bare path is not an indicator.
  CHECK(extract("url=\"/config/\" srcip=10.0.0.1") == "ip:srcip=10.0.0.1 ");
}

TEST_CASE("full urls keep their path and get a lower-case scheme and host") {
  CHECK(extract("url=\"HTTP://LHSP.s206.xrea.com/Download/eicar.zip\"") ==
        "url:url=http://lhsp.s206.xrea.com/Download/eicar.zip ");
  CHECK(extract("url=\"example.com/x\"") == "url:url=http://example.com/x ");
}

TEST_CASE("FortiClient: url host is remotename, hostname is the endpoint and not extracted") {
  CHECK(extract("date=\"2025-03-27\" id=96900 uid=\"A94A8FE5CCB19BA61C4C0873D391E987982FBBD3\" "
                "hostname=\"Toowoomba.corp.local\" fctver=\"7.2.8.1140\" deviceip=1.2.3.4 "
                "remotename=\"Example.com\" dstport=443 url=\"/common/oauth2\" service=\"https\"") ==
        "url:url=https://example.com/common/oauth2 domain:remotename=example.com ");
}

TEST_CASE("domains: qname, sni, markdown oddity, IP in hostname, sentinels, invalid") {
  CHECK(extract("qname=\"changelogs.ubuntu.com.\" ipaddr=\"2a02:cf40::, 67.43.156.13, 67.43.156.13\"") ==
        "domain:qname=changelogs.ubuntu.com ip:ipaddr=2a02:cf40:: ip:ipaddr=67.43.156.13 ");
  CHECK(extract("hostname=\"[server.example.com](https://server.example.com/)\" sni=\"api.x.io\"") ==
        "domain:hostname=server.example.com domain:sni=api.x.io ");
  CHECK(extract("hostname=\"172.16.200.55\" dstip=172.16.200.55") == "ip:hostname=172.16.200.55 ");
  CHECK(extract("hostname=\"N/A\" qname=\"(null)\" sni=\"\" srcip=N/A") == "");
  CHECK(extract("hostname=\"bad host\" dstip=321.321.321.321 qname=\"localhost\"") == "");
  CHECK(extract("hostname=\"example.com:8443\"") == "domain:hostname=example.com ");
}

TEST_CASE("IPs: IPv6 unbracketed, CEF dst holding a name") {
  CHECK(extract("srcip=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 dstip=::1") ==
        "ip:srcip=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 ip:dstip=::1 ");
  CHECK(extract("CEF:0|Fortinet|Fortigate|v6|1|utm:dlp|4|src=10.1.100.11 dst=example.com") ==
        "ip:srcip=10.1.100.11 domain:dstip=example.com ");
}

TEST_CASE("hashes: analyticscksum is SHA-256, checksum (CRC32) is not an IoC, filehash by length") {
  CHECK(extract("checksum=\"1dd02bdb\" analyticscksum=\"275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F\"") ==
        "sha256:analyticscksum=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f ");
  CHECK(extract("filehash=\"44d88612fea8a8f36de82e1278abb02f\"") ==
        "md5:filehash=44d88612fea8a8f36de82e1278abb02f ");
  CHECK(extract("filehash=\"3395856ce81f2b7382dee72602f798b642f14140\"") ==
        "sha1:filehash=3395856ce81f2b7382dee72602f798b642f14140 ");
  CHECK(extract("analyticscksum=\"3395856ce81f2b7382dee72602f798b642f14140\" filehash=\"xyz\"") == "");
}

TEST_CASE("the output vector is replaced and its strings reused") {
  LogRecord r;
  std::vector<Observable> obs;
  REQUIRE(parseLogLine("hostname=\"a-very-long-host-name-that-does-not-fit-sso.example.com\" srcip=1.1.1.1", 0, r));
  extractObservables(r, obs);
  REQUIRE(obs.size() == 2);
  const char* buffer = obs[0].value.data();
  REQUIRE(parseLogLine("hostname=\"short.example.com\"", 0, r));
  extractObservables(r, obs);
  REQUIRE(obs.size() == 1);
  CHECK(obs[0].value == "short.example.com");
  CHECK(obs[0].value.data() == buffer);  // no new allocation
}

TEST_CASE("normaliseDomain") {
  std::string out;
  CHECK(normaliseDomain(" WWW.Example.COM. ", out));
  CHECK(out == "www.example.com");
  CHECK_FALSE(normaliseDomain("a..b", out));
  CHECK_FALSE(normaliseDomain("-a.b", out));
  CHECK_FALSE(normaliseDomain("1.2.3.4", out));
  CHECK_FALSE(normaliseDomain("", out));
}

TEST_CASE("rarer IoC fields of FORMAT-NOTES.md: referer, X-Forwarded-For, VPN peer, DNAT, names") {
  // webfilter with a referring page
  CHECK(extract("hostname=\"a.example\" url=\"/x\" referralurl=\"HTTPS://Ref.Example/page.html\"") ==
        "url:url=http://a.example/x domain:hostname=a.example url:referralurl=https://ref.example/page.html ");
  // a path-only referer has no host to rebuild with
  CHECK(extract("referralurl=\"/page.html\" srcip=10.0.0.1") == "ip:srcip=10.0.0.1 ");
  // FortiProxy / WAF: the clients behind a proxy (a list; junk skipped)
  CHECK(extract("forwardedfor=\"5.6.7.8,6.7.8.9\"") == "ip:forwardedfor=5.6.7.8 ip:forwardedfor=6.7.8.9 ");
  CHECK(extract("forwardedfor=\"abcd0e.xff\\\"></script>\"") == "");
  // VPN peer and the real destination of a DNAT; the FortiGate's own addresses are not IoCs
  CHECK(extract("remip=81.2.69.144 locip=81.2.69.142 tunnelip=10.10.10.1 assignip=N/A") ==
        "ip:remip=81.2.69.144 ");
  CHECK(extract("dstip=192.0.2.1 tranip=10.1.1.5 transip=172.16.200.2") == "ip:dstip=192.0.2.1 ip:tranip=10.1.1.5 ");
  // resolved destination name; server certificate names (a wildcard names its domain)
  CHECK(extract("dstname=\"Evil.Example\"") == "domain:dstname=evil.example ");
  CHECK(extract("dstname=\"213.59.243.9\"") == "ip:dstname=213.59.243.9 ");
  CHECK(extract("scertcname=\"*.dailymotion.com\" san=\"*.fortinet.com;www.fortinet.com;fortinet.com\"") ==
        "domain:scertcname=dailymotion.com domain:san=fortinet.com domain:san=www.fortinet.com ");
}

// Every published sample line (testdata/real-logs, see SOURCES.md) goes through framing, header
// and body parsing; a sample of lines, one per type/subtype/format/quirk, is checked field by field
// against the values written in the line (which are the values the Elastic and Sekoia parsers
// expect for them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/logfmt/ip_text.h"
#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "common/logfmt/syslog_frame_decoder.h"

#include "real_logs_support.h"

using namespace fabric::logfmt;
using namespace fabric::logfmt::test;


TEST_CASE("every record of every sample file is accepted") {
  INFO("sample directory: " << kDir);
  REQUIRE(std::filesystem::is_directory(kDir));
  // Record counts from SOURCES.md.
  const std::map<std::string, std::size_t> expected{
      {"beats-fortigate-utm.log", 28},
      {"elastic-fortigate-pipeline-7-2.log", 2},
      {"elastic-fortigate-pipeline-7-4.log", 75},
      {"elastic-fortigate-pipeline-7-6.log", 12},
      {"elastic-fortigate-pipeline-fix.log", 1},
      {"elastic-fortigate-pipeline-test-fortinet.log", 53},
      {"forticlient-via-faz-sekoia.log", 1},
      {"github-issues-fortigate.log", 2},
      {"sekoia-fortigate.log", 97},
      {"sekoia-fortiproxy.log", 26},
  };
  std::size_t files = 0;
  std::size_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".log") continue;
    std::string name = entry.path().filename().string();
    ++files;
    std::vector<std::string> lines = records(name);
    auto it = expected.find(name);
    if (it != expected.end()) CHECK(lines.size() == it->second);
    LogRecord r;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      INFO(name << ":" << i + 1 << ": " << lines[i].substr(0, 200));
      REQUIRE(parseLogLine(lines[i], 0, r));
      CHECK(r.fields.size() >= 3);
      CHECK(r.header.preamble.empty());
      // Every key is a plain field name, never a fragment of a value.
      for (const Field& f : r.fields.all()) {
        CHECK(f.key.find_first_of("\" =") == std::string_view::npos);
      }
      // Anything that carries a log id yields type and subtype.
      if (!r.logid().empty() || r.format == BodyFormat::kCef) {
        CHECK_FALSE(r.type().empty());
        CHECK_FALSE(r.subtype().empty());
      }
      ++total;
    }
  }
  CHECK(files >= expected.size());
  CHECK(total >= 297);
}

TEST_CASE("octet-counted replay of all samples at odd chunk sizes gives the same records") {
  std::vector<std::string> all;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".log") continue;
    for (std::string& l : records(entry.path().filename().string())) all.push_back(std::move(l));
  }
  std::string stream;
  for (const std::string& l : all) appendOctetCounted(stream, l);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{1000}}) {
    SyslogFrameDecoder d;
    std::vector<std::string> got;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
      REQUIRE(d.feed(std::string_view(stream).substr(i, chunk),
                     [&](std::string_view m) { got.emplace_back(m); },
                     [](const FrameError& e) { FAIL(e.reason); }));
    }
    CHECK(d.framing() == Framing::kOctetCounting);
    CHECK(got == all);
  }
}

TEST_CASE("Sekoia index: the format of every line is detected as the index says") {
  for (std::string base : {"sekoia-fortigate", "sekoia-fortiproxy"}) {
    std::vector<std::string> lines = records(base + ".log");
    std::istringstream tsv(readFile(kDir / (base + ".index.tsv")));
    std::string row;
    std::getline(tsv, row);  // header
    std::size_t checked = 0;
    LogRecord r;
    while (std::getline(tsv, row)) {
      std::istringstream cols(row);
      std::size_t line = 0;
      std::string format;
      cols >> line >> format;
      REQUIRE(line >= 1);
      REQUIRE(line <= lines.size());
      INFO(base << ":" << line);
      REQUIRE(parseLogLine(lines[line - 1], 0, r));
      CHECK(toString(r.format) == format);
      ++checked;
    }
    CHECK(checked == lines.size());
  }
}

namespace {
struct Expect {
  const char* file;
  std::size_t line;
  const char* format;
  const char* header;
  const char* logid;
  const char* type;
  const char* subtype;
  const char* devid;
  const char* srcip;
  const char* dstip;
  const char* hostname;
  const char* url;
  const char* observables;
};

// Values copied from the lines themselves (and the Sekoia/Elastic expectations for them).
const Expect kExpected[] = {
    {"beats-fortigate-utm.log", 1, "kv", "pri-only", "0316013056", "utm", "webfilter", "somerouterid",
     "192.168.2.1", "8.8.8.8", "elastic.co", "/config/",
     "url:url=https://elastic.co/config/ domain:hostname=elastic.co ip:srcip=192.168.2.1 ip:dstip=8.8.8.8"},
    {"beats-fortigate-utm.log", 6, "kv", "pri-only", "1501054802", "utm", "dns", "somerouterid",
     "192.168.2.1", "8.8.8.8", "", "",
     "domain:qname=elastic.example.com ip:srcip=192.168.2.1 ip:dstip=8.8.8.8 ip:ipaddr=8.8.4.4"},
    {"beats-fortigate-utm.log", 28, "kv", "pri-only", "0211008192", "utm", "virus", "FGT50EXXXXXXXXXX",
     "192.168.2.1", "150.95.25.17", "", "http://lhsp.s206.xrea.com/download/eicar_test_virus.zip",
     "url:url=http://lhsp.s206.xrea.com/download/eicar_test_virus.zip ip:srcip=192.168.2.1 "
     "ip:dstip=150.95.25.17 "
     "sha256:analyticscksum=8a18d44ed122e6257863169d9a219946f4229f57b1d49ca0493b8366338230e8"},
    {"elastic-fortigate-pipeline-7-4.log", 1, "kv", "none", "0000000013", "traffic", "forward", "",
     "10.1.100.11", "81.2.69.142", "", "", "ip:srcip=10.1.100.11 ip:dstip=81.2.69.142"},
    {"elastic-fortigate-pipeline-7-4.log", 12, "kv", "none", "0107045057", "event", "endpoint", "", "", "",
     "", "", ""},
    {"elastic-fortigate-pipeline-7-4.log", 74, "kv", "rfc5424", "0317013312", "utm", "webfilter", "",
     "10.80.28.193", "89.160.20.128", "[server.example.com](https://server.example.com/)",
     "https://server.example.com/",
     "url:url=https://server.example.com/ domain:hostname=server.example.com ip:srcip=10.80.28.193 "
     "ip:dstip=89.160.20.128"},
    {"elastic-fortigate-pipeline-7-6.log", 1, "kv", "relay-file", "0100032002", "event", "system",
     "FGVMEVVDEADBEEF00", "172.16.1.2", "172.16.1.1", "", "", "ip:srcip=172.16.1.2 ip:dstip=172.16.1.1"},
    {"elastic-fortigate-pipeline-fix.log", 1, "kv", "pri-only", "0419016384", "utm", "ips", "MYDEVID",
     "10.11.12.1", "10.7.1.5", "10.5.0.1", "/?sample=1",
     "url:url=https://10.5.0.1/?sample=1 ip:hostname=10.5.0.1 ip:srcip=10.11.12.1 ip:dstip=10.7.1.5"},
    {"elastic-fortigate-pipeline-test-fortinet.log", 27, "kv", "pri-only", "0001000014", "traffic", "local",
     "newrouterid", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "",
     "", "ip:srcip=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"},
    {"elastic-fortigate-pipeline-test-fortinet.log", 43, "kv", "pri-only", "0110052005", "event",
     "security-rating", "FG201EAB12CD34EF", "", "", "", "", ""},
    {"elastic-fortigate-pipeline-test-fortinet.log", 45, "kv", "pri-only", "1059028705", "utm", "app-ctrl",
     "FG6K3463736581", "10.123.248.26", "67.43.156.14", "", "",
     "ip:srcip=10.123.248.26 ip:dstip=67.43.156.14"},
    {"elastic-fortigate-pipeline-test-fortinet.log", 50, "kv", "pri-only", "0001010018", "event", "system",
     "FMG123TZ13111111", "", "", "", "", ""},
    {"forticlient-via-faz-sekoia.log", 1, "kv", "none", "", "traffic", "system", "1111111111111111", "", "",
     "Toowoomba", "/common/oauth2/v2.0/authorize?client_id=ed98c729-468d-451b-bf07-ad564a64a318",
     "url:url=https://example.com/common/oauth2/v2.0/authorize?client_id=ed98c729-468d-451b-bf07-"
     "ad564a64a318 domain:remotename=example.com"},
    {"github-issues-fortigate.log", 2, "kv", "pri-only", "0419016384", "utm", "ips", "DEV", "123.123.123.123",
     "321.321.321.321", "", "", "ip:srcip=123.123.123.123"},
    {"sekoia-fortigate.log", 2, "cef", "none", "0954024576", "utm", "dlp", "FGT5HD3915800610", "10.1.100.11",
     "example.com", "example.com", "/dlp/flower.gif",
     // dst=example.com is the same domain as dhost: reported once
     "url:url=http://example.com/dlp/flower.gif domain:hostname=example.com ip:srcip=10.1.100.11"},
    {"sekoia-fortigate.log", 3, "cef", "none", "1501054802", "dns", "dns-response", "FGT5HD3915800610",
     "10.1.100.11", "172.16.200.55", "", "",
     "domain:qname=example.org ip:srcip=10.1.100.11 ip:dstip=172.16.200.55 ip:ipaddr=104.80.89.26 "
     "ip:ipaddr=104.80.89.24"},
    {"sekoia-fortigate.log", 16, "csv", "none", "0720018433", "anomaly", "anomaly", "", "1.1.1.1",
     "192.0.2.1", "", "", "ip:srcip=1.1.1.1 ip:dstip=192.0.2.1"},
    {"sekoia-fortigate.log", 18, "cef", "none", "0211008192", "utm", "virus", "FGT5HD3915800610",
     "10.1.100.11", "example.com", "", "http://example.com/virus/eicar.com",
     "url:url=http://example.com/virus/eicar.com ip:srcip=10.1.100.11 domain:dstip=example.com "
     "sha256:analyticscksum=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"},
    {"sekoia-fortigate.log", 27, "csv", "none", "1501054802", "dns", "dns-response", "", "1.1.1.1",
     "192.0.2.1", "", "",
     "domain:qname=example.com ip:srcip=1.1.1.1 ip:dstip=192.0.2.1 ip:ipaddr=104.80.89.26 "
     "ip:ipaddr=104.80.89.24"},
    {"sekoia-fortigate.log", 77, "cef", "none", "0000000011", "traffic", "forward", "FGT40FTK23052620",
     "1.2.3.4", "5.6.7.8", "", "", "ip:srcip=1.2.3.4 ip:dstip=5.6.7.8"},
    {"sekoia-fortiproxy.log", 6, "kv", "none", "0419013452", "utm", "ips", "FPX4H00000000", "1.2.3.4",
     "1.2.3.4", "example.com", "/test.js",
     "url:url=https://example.com/test.js domain:hostname=example.com ip:srcip=1.2.3.4"},
    {"sekoia-fortiproxy.log", 11, "kv", "none", "1000234512", "traffic", "http-transaction",
     "1111111111111111", "1.2.3.4", "5.6.7.8", "example.com", "https://example.com/some/long/path?query=param",
     "url:url=https://example.com/some/long/path?query=param domain:hostname=example.com ip:srcip=1.2.3.4 "
     "ip:dstip=5.6.7.8"},
};
}  // namespace

TEST_CASE("sample lines: exact fields and observables") {
  std::map<std::string, std::vector<std::string>> cache;
  for (const Expect& e : kExpected) {
    auto& lines = cache[e.file];
    if (lines.empty()) lines = records(e.file);
    REQUIRE(e.line <= lines.size());
    INFO(e.file << ":" << e.line);
    LogRecord r;
    REQUIRE(parseLogLine(lines[e.line - 1], 0, r));
    CHECK(toString(r.format) == e.format);
    CHECK(toString(r.header.format) == e.header);
    CHECK(r.logid() == e.logid);
    CHECK(r.type() == e.type);
    CHECK(r.subtype() == e.subtype);
    CHECK(r.devid() == e.devid);
    CHECK(r.srcip() == e.srcip);
    CHECK(r.dstip() == e.dstip);
    CHECK(r.slot(Slot::kHostname) == e.hostname);
    CHECK(r.slot(Slot::kUrl) == e.url);
    CHECK(observables(r) == e.observables);
  }
}

TEST_CASE("sample quirks") {
  auto line = [](const char* file, std::size_t n) { return records(file).at(n - 1); };
  LogRecord r;

  SECTION("unterminated quote at end of line (7-4 'Cellular Connecting')") {
    std::string l = line("elastic-fortigate-pipeline-7-4.log", 25);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK(r.stats.unterminated_quote);
    CHECK(r.get("msg") ==
          "FX04DN4N16002352 STATE: sim with imsi:302720502331361 in slot:2 on carrier:Rogers connecting");
    CHECK(r.get("action") == "Cellular Connecting");
    CHECK(r.time_ns == 1550685744LL * 1'000'000'000);
  }
  SECTION("RFC 5424 line without devname: the header host names the device (as Elastic's observer.name)") {
    std::string l = line("elastic-fortigate-pipeline-7-4.log", 74);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK_FALSE(r.fields.has("devname"));
    CHECK(r.devname() == "use2-dmz-fw02");
  }
  SECTION("CRLF line (test-fortinet line 43) ends cleanly") {
    std::string l = line("elastic-fortigate-pipeline-test-fortinet.log", 43);
    CHECK(l.back() == '9');  // the decoder dropped the CR
    std::string crlf = l + "\r";  // r holds views into crlf
    REQUIRE(parseLogLine(crlf, 0, r));
    CHECK(r.get("passedcount") == "9");
  }
  SECTION("escaped quote in forwardedfor") {
    std::string l = line("elastic-fortigate-pipeline-fix.log", 1);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK(r.get("forwardedfor") == "abcd0e.xff\"></script><script>alert(document.domain);</script>");
    CHECK(r.get("crlevel") == "high");
  }
  SECTION("FAZ relay with duplicate tz") {
    std::string l = line("elastic-fortigate-pipeline-test-fortinet.log", 45);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK(r.fields.count("tz") == 2);
    CHECK(r.get("tz") == "UTC-5:00");
    CHECK(r.tz_minutes == -300);
    CHECK(r.time_source == TimeSource::kEventTime);
    CHECK(r.time_ns == 1678299766091256698);
  }
  SECTION("empty value and no logid (date= desc=...)") {
    std::string l = line("elastic-fortigate-pipeline-test-fortinet.log", 47);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK(r.fields.has("date"));
    CHECK(r.get("date").empty());
    CHECK(r.get("desc") == "Object update request from device of FortiClient received");
    CHECK(r.time_source == TimeSource::kReceived);
  }
  SECTION("FortiClient record via FortiAnalyzer") {
    std::string l = line("forticlient-via-faz-sekoia.log", 1);  // r holds views into l
    REQUIRE(parseLogLine(l, 0, r));
    CHECK(r.endpointUid() == "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3");
    CHECK(r.fctId() == "96900");
    CHECK(r.level() == "info");
    CHECK(r.get("devicemac") == "00-11-22-33-44-55");
    CHECK(r.get("deviceip") == "1.2.3.4");
    CHECK(r.get("fctsn") == "FCT1234567890");
    CHECK(r.tz_minutes == 60);
  }
  SECTION("Sekoia line with leading space and no date") {
    std::vector<std::string> lines = records("sekoia-fortigate.log");
    bool found = false;
    for (const std::string& l : lines) {
      if (l.rfind(" time=", 0) != 0) continue;
      found = true;
      REQUIRE(parseLogLine(l, 0, r));
      CHECK(r.fields[0].key == "time");
    }
    CHECK(found);
  }
}


#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "common/logfmt/log_line_builder.h"
#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"

using namespace fabric::logfmt;

namespace {
constexpr std::int64_t kT = 1764331200'000000000;  // 2025-11-28T12:00:00Z
}

TEST_CASE("FortiOS event line: header order, quoting, bare numbers") {
  LogLineBuilder b;
  appendFortiOsHeader(b, FortiOsHeader{kT, 0, "FGT-LAB", "FGVM01TM00000001", "0100046600", "event",
                                       "system", "notice", "root", "Automation stitch triggered"});
  b.add("stitch", "stitch01").add("trigger", "trigger01").add("from", "log").add("msg", "stitch \"x\" ran");
  CHECK(b.line() ==
        "date=2025-11-28 time=12:00:00 devname=\"FGT-LAB\" devid=\"FGVM01TM00000001\" "
        "eventtime=1764331200000000000 tz=\"+0000\" logid=\"0100046600\" type=\"event\" "
        "subtype=\"system\" level=\"notice\" vd=\"root\" logdesc=\"Automation stitch triggered\" "
        "stitch=\"stitch01\" trigger=\"trigger01\" from=\"log\" msg=\"stitch \\\"x\\\" ran\"");
}

TEST_CASE("escaping and the bare fallback") {
  LogLineBuilder b;
  b.add("srcip", "10.0.0.1", Bare)
      .add("port", 443)
      .add("path", "C:\\dir\\f \"q\"")
      .add("multi", "line1\r\nline2")
      .add("empty", "", Bare)
      .add("spacey", "a b", Bare)
      .add("eq", "a=b", Bare);
  CHECK(b.line() ==
        "srcip=10.0.0.1 port=443 path=\"C:\\\\dir\\\\f \\\"q\\\"\" multi=\"line1  line2\" empty=\"\" "
        "spacey=\"a b\" eq=\"a=b\"");
  CHECK_THROWS_AS(b.add("bad key", "x"), std::invalid_argument);
  CHECK_THROWS_AS(b.add("", "x"), std::invalid_argument);
}

TEST_CASE("round trip: every value written reads back identically") {
  const std::string tricky[] = {"", "plain", "two words", "quote\"inside", "back\\slash", "\\\"",
                                "trailing\\", "eq=sign", "comma, list", "\"", "x\\=y", "tab\there"};
  LogLineBuilder b;
  int i = 0;
  for (const std::string& v : tricky) {
    b.add("q" + std::to_string(i), v);
    b.add("b" + std::to_string(i), v, Bare);
    ++i;
  }
  std::string line = b.take();
  LogRecord r;
  REQUIRE(parseLogLine(line, 0, r));
  CHECK(r.stats.stray_tokens == 0);
  CHECK_FALSE(r.stats.unterminated_quote);
  i = 0;
  for (std::string v : tricky) {
    for (char& c : v) c = (c == '\t') ? ' ' : c;  // control characters become spaces
    INFO("value #" << i << " line: " << line);
    CHECK(r.get("q" + std::to_string(i)) == v);
    CHECK(r.get("b" + std::to_string(i)) == v);
    ++i;
  }
}

TEST_CASE("FortiClient line: field set and order of the FortiClient sample, tz last, parses back") {
  LogLineBuilder b;
  FortiClientHeader h;
  h.time_ns = kT;
  h.tz_minutes = 60;
  h.id = 96900;
  h.type = "traffic";
  h.subtype = "system";
  h.eventtype = "traffic";
  h.uid = "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3";
  h.devid = "FCT8001234567890";
  h.hostname = "Toowoomba";
  h.pcdomain = "Domain.int";
  h.deviceip = "10.0.1.5";
  h.devicemac = "00-11-22-33-44-55";
  h.fctver = "7.2.8.1140";
  h.emsserial = "FCTEMS0000012345";
  h.os = "Microsoft Windows 11 Professional Edition, 64-bit (build 22000)";
  h.user = "johndoe@DOMAIN";
  h.msg = "Traffic log";
  appendFortiClientHeader(b, h);
  b.add("sessionid", 10000000).add("srcname", "chrome.exe").add("direction", "outbound");
  b.add("remotename", "evil.example").add("dstport", 443).add("proto", 6);
  b.add("utmaction", "userbrowsed").add("utmevent", "webfilter").add("service", "https");
  b.add("url", "/payload?id=1");
  appendFortiClientTz(b, h.tz_minutes);
  const std::string& line = b.line();
  CHECK(line.rfind("date=\"2025-11-28\" time=\"13:00:00\" logver=1 id=96900 type=\"traffic\" "
                   "subtype=\"system\" eventtype=\"traffic\" level=",
                   0) == 0);
  CHECK(line.find("level=\"info\" uid=\"A94A8FE5CCB19BA61C4C0873D391E987982FBBD3\" devid=\"FCT8001234567890\" "
                  "hostname=\"Toowoomba\" pcdomain=\"Domain.int\" deviceip=10.0.1.5 devicemac=\"00-11-22-33-44-55\" "
                  "site=\"default\" fctver=\"7.2.8.1140\" fgtserial=\"N/A\" emsserial=\"FCTEMS0000012345\" "
                  "usingpolicy=\"Default\" os=\"Microsoft Windows 11 Professional Edition, 64-bit (build 22000)\" "
                  "user=\"johndoe@DOMAIN\" msg=\"Traffic log\" sessionid=10000000") != std::string::npos);
  CHECK(line.substr(line.size() - 11) == " tz=\"+0100\"");

  LogRecord r;
  REQUIRE(parseLogLine(line, 0, r));
  CHECK(r.time_ns == kT);
  CHECK(r.time_source == TimeSource::kDateTime);
  CHECK(r.isFortiClient());
  CHECK(r.endpointUid() == "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3");
  CHECK(r.fctId() == "96900");
  CHECK(r.level() == "info");
  std::vector<Observable> obs;
  extractObservables(r, obs);
  REQUIRE(obs.size() == 2);
  CHECK(obs[0].value == "https://evil.example/payload?id=1");
  CHECK(obs[1].value == "evil.example");
}

TEST_CASE("FortiOS event header round trip through the parser") {
  LogLineBuilder b;
  appendFortiOsHeader(b, FortiOsHeader{kT + 123, -480, "FGT \"lab\"", "FGVM01", "0107045057", "event",
                                       "endpoint", "information", "root", ""});
  b.add("fctuid", "52C66FE08F724FE0B116DAD5062C96CD").add("ip", "10.1.100.11", Bare);
  LogRecord r;
  REQUIRE(parseLogLine(b.line(), 0, r));
  CHECK(r.devname() == "FGT \"lab\"");
  CHECK(r.time_ns == kT + 123);
  CHECK(r.tz_minutes == -480);
  CHECK(r.get("date") == "2025-11-28");
  CHECK(r.get("time") == "04:00:00");
  CHECK(r.log_id.subtype == 7);
  CHECK(r.endpointUid() == "52C66FE08F724FE0B116DAD5062C96CD");
  CHECK_FALSE(r.fields.has("logdesc"));
}

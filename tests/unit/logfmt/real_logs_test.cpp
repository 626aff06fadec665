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

using namespace fabric::logfmt;

namespace {

// FABRIC_SHARED_DIR (the build's ../shared); the environment variable of the same name overrides it
// (a git worktree outside /work has no ../shared next to it).
std::filesystem::path sharedDir() {
  const char* env = std::getenv("FABRIC_SHARED_DIR");
  return std::filesystem::path(env && *env ? env : FABRIC_SHARED_DIR);
}
const std::filesystem::path kDir = sharedDir() / "testdata" / "real-logs";

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The records of a sample file, cut by the syslog decoder (auto-detected framing), fed in chunks.
std::vector<std::string> records(const std::string& file, std::size_t chunk = 4096) {
  std::string content = readFile(kDir / file);
  SyslogFrameDecoder d;
  std::vector<std::string> out;
  auto onMsg = [&](std::string_view m) { out.emplace_back(m); };
  auto onErr = [&](const FrameError& e) { FAIL(file << ": framing error " << e.reason); };
  for (std::size_t i = 0; i < content.size(); i += chunk) {
    REQUIRE(d.feed(std::string_view(content).substr(i, chunk), onMsg, onErr));
  }
  REQUIRE(d.finish(onMsg, onErr));
  CHECK(d.framing() == Framing::kNewline);
  return out;
}

std::string observables(const LogRecord& r) {
  std::vector<Observable> obs;
  extractObservables(r, obs);
  std::string out;
  for (const Observable& o : obs) {
    if (!out.empty()) out += ' ';
    out += std::string(toString(o.kind)) + ":" + std::string(o.field) + "=" + o.value;
  }
  return out;
}

}  // namespace

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

// ---------------------------------------------------------------------------------------------
// Every line, not a sample: the pairs the published Elastic parser reads, and the IoC fields of
// FORMAT-NOTES.md.
namespace {

// Elastic's FortiGate ingest pipeline (elastic/integrations, packages/fortinet_fortigate/
// data_stream/log/elasticsearch/ingest_pipeline/default.yml): after the PRI, control characters are
// removed, the message is split on spaces outside double quotes, each token on '=' outside quotes,
// a token of exactly two parts becomes a field whose value loses one leading and one trailing
// quote; later duplicates overwrite earlier ones; keys with non-word characters and "N/A" values are
// dropped. Ported from its Painless `splitUnquoted`, quirks included (a backslash escapes nothing).
std::vector<std::string> elasticSplitUnquoted(const std::string& input, char sep) {
  auto trim = [](std::string s) {
    std::size_t b = 0, e = s.size();
    while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
    while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
    return s.substr(b, e - b);
  };
  std::vector<std::string> tokens;
  std::size_t start = 0;
  bool in_quotes = false;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '"') {
      in_quotes = !in_quotes;
    } else if (input[i] == sep && !in_quotes) {
      std::string token = trim(input.substr(start, i - start));
      if (!token.empty()) tokens.push_back(token);
      start = i + 1;
    }
  }
  std::string last = input.substr(start);
  if (last != std::string(1, sep) && !last.empty()) tokens.push_back(trim(last));
  return tokens;
}

std::map<std::string, std::string> elasticFields(std::string line, char sep) {
  if (!line.empty() && line[0] == '<') {
    std::size_t close = line.find('>');
    if (close != std::string::npos && close <= 4) line.erase(0, close + 1);
  }
  std::string clean;
  for (char c : line)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) clean.push_back(c);
  std::map<std::string, std::string> out;
  for (const std::string& token : elasticSplitUnquoted(clean, sep)) {
    std::vector<std::string> kv = elasticSplitUnquoted(token, '=');
    if (kv.size() != 2) continue;
    std::string v = kv[1];
    if (!v.empty() && v.front() == '"') v.erase(0, 1);
    if (!v.empty() && v.back() == '"') v.pop_back();
    out[kv[0]] = v;
  }
  for (auto it = out.begin(); it != out.end();) {
    bool word = !it->first.empty();
    for (char c : it->first) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    it = (!word || it->second == "N/A") ? out.erase(it) : std::next(it);
  }
  return out;
}

bool isHex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

struct SampleLine {
  std::string file;
  std::size_t line;
  std::string text;
};

std::vector<SampleLine> allSampleLines() {
  std::vector<SampleLine> out;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kDir))
    if (entry.path().extension() == ".log") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    std::vector<std::string> lines = records(f);
    for (std::size_t i = 0; i < lines.size(); ++i) out.push_back({f, i + 1, lines[i]});
  }
  return out;
}

}  // namespace

TEST_CASE("every key=value and CSV sample line reads as Elastic's published parser reads it") {
  // Lines on which Elastic's splitter is wrong, by its own construction; the quirk tests above
  // check what this parser makes of them.
  const std::set<std::pair<std::string, std::size_t>> elastic_wrong{
      {"elastic-fortigate-pipeline-fix.log", 1},  // `\"` inside forwardedfor toggles Elastic's quote state
      {"elastic-fortigate-pipeline-7-4.log", 25},  // unterminated msg="…: Elastic drops the pair
      {"sekoia-fortigate.log", 70},               // `\"` inside a quoted value, as in fix.log
  };
  std::size_t compared = 0, pairs = 0;
  LogRecord r;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    if (r.format == BodyFormat::kCef || elastic_wrong.count({s.file, s.line})) continue;
    std::map<std::string, std::string> expected = elasticFields(s.text, r.format == BodyFormat::kCsv ? ',' : ' ');
    // Ours, with Elastic's view of duplicates (the last one) and of names and sentinels.
    std::map<std::string, std::string> ours;
    for (const Field& f : r.fields.all()) ours[std::string(f.key)] = std::string(f.value);
    for (const auto& [key, value] : expected) {
      INFO("key " << key);
      auto it = ours.find(key);
      REQUIRE(it != ours.end());
      // FortiProxy CSV-doubled `""x""`: Elastic keeps one pair of quotes, this parser none.
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"' && it->second == value.substr(1, value.size() - 2))
        continue;
      // A stray token glued to the closing quote (`msg="…"|`, 7-6 line 2): Elastic keeps the quote
      // and the junk in the value, this parser ends the value at the quote and skips the token.
      if (value.rfind(it->second + "\"", 0) == 0 && value.find_first_of(" =", it->second.size()) == std::string::npos)
        continue;
      // Elastic leaves `\\` and `\=` as written; FORMAT-NOTES.md (and this parser) reads them as escapes.
      std::string unescaped;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size() && (value[i + 1] == '\\' || value[i + 1] == '=' || value[i + 1] == '"')) ++i;
        unescaped.push_back(value[i]);
      }
      CHECK(it->second == unescaped);
      ++pairs;
    }
    for (const auto& [key, value] : ours) {
      if (expected.count(key) || value == "N/A") continue;
      INFO("key " << key << " = '" << value << "' read by this parser only");
      // Elastic drops a bare empty value (`date= desc=…`: '=' splits into one part) and keys with
      // non-word characters (FortiManager's `ad.vd`).
      bool word = true;
      for (char c : key) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      CHECK((value.empty() || !word));
    }
    ++compared;
  }
  INFO(compared << " lines, " << pairs << " pairs compared");
  CHECK(compared >= 260);
  CHECK(pairs >= 7400);
}

TEST_CASE("every sample line yields the IoC observables FORMAT-NOTES.md lists") {
  std::size_t urls_rebuilt = 0, ip_lists = 0, sha256 = 0, crc32 = 0, fct = 0, referers = 0, peers = 0;
  LogRecord r;
  std::vector<Observable> obs;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    extractObservables(r, obs);
    // One observable per (kind, value): when two fields hold the same value (srcip == dstip, a
    // repeated ipaddr item) the first field names it.
    auto has = [&](ObservableKind kind, std::string_view, const std::string& value) {
      for (const Observable& o : obs)
        if (o.kind == kind && o.value == value) return true;
      return false;
    };
    // A host name as RFC 1123 writes it, with a non-numeric last label (not "[example.com]").
    auto looksLikeDomain = [](const std::string& v) {
      std::size_t dot = v.rfind('.');
      if (dot == std::string::npos || dot + 1 >= v.size()) return false;
      for (char c : v)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
      return !std::isdigit(static_cast<unsigned char>(v.back()));
    };
    auto lower = [](std::string v) {
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return v;
    };
    const bool forticlient = r.fields.has("fctver");
    // srcip / dstip that are addresses are IP observables.
    for (std::string_view key : {"srcip", "dstip"}) {
      std::string v(r.get(key));
      if (isIp(v)) CHECK(has(ObservableKind::kIp, key, v));
    }
    // A path-only url is rebuilt from hostname (FortiOS) or remotename (FortiClient).
    std::string url(r.slot(Slot::kUrl));
    std::string host(forticlient ? r.get("remotename") : r.get("hostname"));
    if (host.size() > 4 && host.front() == '[') host = host.substr(1, host.find("](") - 1);  // markdown sample
    if (!url.empty() && url.front() == '/' && !host.empty() && host != "N/A") {
      bool found = false;
      for (const Observable& o : obs)
        found = found || (o.kind == ObservableKind::kUrl && o.field == "url" &&
                          (o.value == "http://" + lower(host) + url || o.value == "https://" + lower(host) + url));
      CHECK(found);
      ++urls_rebuilt;
    } else if (!url.empty() && url.front() != '/' && url.find("://") != std::string::npos) {
      bool found = false;
      for (const Observable& o : obs) found = found || (o.kind == ObservableKind::kUrl && o.field == "url");
      CHECK(found);
    }
    // hostname is a destination, except in FortiClient logs where it is the endpoint itself.
    if (forticlient) {
      ++fct;
      for (const Observable& o : obs) CHECK(o.field != "hostname");
      std::string remote(r.get("remotename"));
      if (looksLikeDomain(remote)) CHECK(has(ObservableKind::kDomain, "remotename", lower(remote)));
    }
    // qname is a domain.
    std::string qname(r.get("qname"));
    if (looksLikeDomain(qname)) CHECK(has(ObservableKind::kDomain, "qname", lower(qname)));
    // ipaddr may be a list: every address in it.
    std::string ipaddr(r.get("ipaddr"));
    if (!ipaddr.empty()) {
      std::size_t items = 0;
      for (std::size_t i = 0; i < ipaddr.size();) {
        std::size_t end = ipaddr.find_first_of(", ;", i);
        if (end == std::string::npos) end = ipaddr.size();
        std::string item = ipaddr.substr(i, end - i);
        if (isIp(item)) {
          CHECK(has(ObservableKind::kIp, "ipaddr", item));
          ++items;
        }
        i = end + 1;
      }
      if (items > 1) ++ip_lists;
    }
    // analyticscksum is a SHA-256; checksum a CRC32 that is never an IoC.
    std::string cksum(r.get("analyticscksum"));
    if (cksum.size() == 64 && isHex(cksum)) {
      CHECK(has(ObservableKind::kSha256, "analyticscksum", lower(cksum)));
      ++sha256;
    }
    // The rarer carriers: the referring page, X-Forwarded-For items, the VPN peer, the DNAT
    // destination, the server certificate's name.
    std::string referer(r.get("referralurl"));
    if (referer.find("://") != std::string::npos) {
      bool found = false;
      for (const Observable& o : obs) found = found || (o.kind == ObservableKind::kUrl && o.field == "referralurl");
      CHECK(found);
      ++referers;
    }
    for (std::string_view key : {"forwardedfor", "remip", "tranip"}) {
      std::string list(r.get(key));
      for (std::size_t i = 0; i < list.size();) {
        std::size_t end = list.find_first_of(", ;", i);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(i, end - i);
        if (isIp(item)) {
          CHECK(has(ObservableKind::kIp, key, item));
          ++peers;
        }
        i = end + 1;
      }
    }
    std::string cert(r.get("scertcname"));
    if (cert.rfind("*.", 0) == 0) cert = cert.substr(2);
    if (looksLikeDomain(cert)) CHECK(has(ObservableKind::kDomain, "scertcname", lower(cert)));
    std::string crc(r.get("checksum"));
    if (!crc.empty()) {
      ++crc32;
      for (const Observable& o : obs) CHECK(o.value.find(lower(crc)) == std::string::npos);
    }
  }
  CHECK(urls_rebuilt >= 10);
  CHECK(ip_lists >= 2);
  CHECK(sha256 >= 3);
  CHECK(crc32 >= 1);
  CHECK(fct >= 2);
  CHECK(referers >= 3);
  CHECK(peers >= 10);
}

TEST_CASE("every CEF sample line: each extension pair as Sekoia's CEF reader splits it, under its FortiOS name") {
  // The extension as a CEF reader splits it: a value runs to the next ` key=`; `\=` `\\` `\|` are
  // escapes. Names as docs/log-format.md lists them: vendor prefixes stripped, standard CEF keys
  // renamed, `cat` split into type/subtype (checked by the exact-line test), the rest as written.
  const std::map<std::string, std::string> renamed{
      {"src", "srcip"}, {"dst", "dstip"}, {"spt", "srcport"}, {"dpt", "dstport"}, {"shost", "srcname"},
      {"dhost", "hostname"}, {"request", "url"}, {"requestClientApplication", "agent"},
      {"requestMethod", "method"}, {"deviceExternalId", "devid"}, {"dvchost", "devname"},
      {"deviceSeverity", "level"}, {"act", "action"}, {"app", "service"}, {"duser", "user"}, {"suser", "user"},
      {"fname", "filename"}, {"fsize", "filesize"}, {"fileHash", "filehash"}, {"externalId", "sessionid"},
      {"externalID", "sessionid"}, {"out", "sentbyte"}, {"in", "rcvdbyte"}, {"deviceInboundInterface", "srcintf"},
      {"deviceOutboundInterface", "dstintf"}, {"sourceTranslatedAddress", "transip"},
      {"sourceTranslatedPort", "transport"}, {"destinationTranslatedAddress", "tranip"},
      {"destinationTranslatedPort", "tranport"}, {"smac", "srcmac"}, {"dmac", "dstmac"}, {"dvc", "devip"}};
  std::size_t lines = 0, pairs = 0;
  LogRecord r;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    if (r.format != BodyFormat::kCef) continue;
    ++lines;
    // The extension starts after the 7th unescaped '|'.
    std::size_t pos = 0;
    for (int bars = 0; bars < 7; ++pos) {
      REQUIRE(pos < s.text.size());
      if (s.text[pos] == '\\') ++pos;
      else if (s.text[pos] == '|') ++bars;
    }
    std::string ext = s.text.substr(pos);
    auto isKey = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; };
    std::vector<std::size_t> starts;  // positions of keys: at 0 or after a space, [A-Za-z0-9_.]+=
    for (std::size_t i = 0; i < ext.size(); ++i) {
      if (i != 0 && ext[i - 1] != ' ') continue;
      std::size_t k = i;
      while (k < ext.size() && isKey(ext[k])) ++k;
      if (k > i && k < ext.size() && ext[k] == '=' && (k == 0 || ext[k - 1] != '\\')) starts.push_back(i);
    }
    for (std::size_t n = 0; n < starts.size(); ++n) {
      std::size_t eq = ext.find('=', starts[n]);
      std::string key = ext.substr(starts[n], eq - starts[n]);
      std::size_t end = n + 1 < starts.size() ? starts[n + 1] : ext.size();
      std::string raw = ext.substr(eq + 1, end - eq - 1);
      while (!raw.empty() && raw.back() == ' ') raw.pop_back();
      std::string value;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '=' || raw[i + 1] == '\\' || raw[i + 1] == '|')) ++i;
        value.push_back(raw[i]);
      }
      if (key == "cat") continue;
      std::string name = key;
      for (std::string prefix : {"FTNTFGT", "FortinetFortiGate", "FTNTFPX", "ad."})
        if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
      if (auto it = renamed.find(name); it != renamed.end() && name == key) name = it->second;
      INFO(key << " -> " << name << " = '" << value << "'");
      bool found = false;
      r.fields.forEach(name, [&](const Field& f) { found = found || f.value == value; });
      CHECK(found);
      ++pairs;
    }
  }
  CHECK(lines >= 30);
  CHECK(pairs >= 900);
}

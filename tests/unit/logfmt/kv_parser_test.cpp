#include <catch2/catch.hpp>

#include <string>

#include "common/logfmt/kv_parser.h"

using namespace fabric::logfmt;

namespace {
std::string dump(const FieldList& f) {
  std::string out;
  for (const Field& x : f.all()) {
    out += std::string(x.key) + "=[" + std::string(x.value) + "]";
    if (x.flags & Field::kQuoted) out += "q";
    if (x.flags & Field::kUnescaped) out += "u";
    if (x.flags & Field::kUnterminated) out += "!";
    out += ' ';
  }
  return out;
}
}  // namespace

TEST_CASE("bare and quoted values, spaces and '=' inside quotes, zero-copy") {
  std::string line = "srcip=10.1.100.11 devname=\"test switch\" msg=\"a=b, c: (d) [e] 'f'\" n=5";
  FieldList f;
  KvStats s = parseKeyValue(line, f);
  CHECK(s.stray_tokens == 0);
  CHECK_FALSE(s.unterminated_quote);
  CHECK(dump(f) == "srcip=[10.1.100.11] devname=[test switch]q msg=[a=b, c: (d) [e] 'f']q n=[5] ");
  // Views point into the line.
  CHECK(f.get("devname").data() == line.data() + line.find("test switch"));
}

TEST_CASE("escapes: \\\" \\\\ \\= are unescaped into owned copies, other backslashes kept") {
  FieldList f;
  parseKeyValue(R"(forwardedfor="abcd0e.xff\"></script>" filename="sample\\test.xls" raw="charset\=UTF-8" path="C:\dir\x")", f);
  CHECK(f.get("forwardedfor") == "abcd0e.xff\"></script>");
  CHECK(f.get("filename") == "sample\\test.xls");
  CHECK(f.get("raw") == "charset=UTF-8");
  CHECK(f.get("path") == "C:\\dir\\x");
  CHECK((f.find("forwardedfor")->flags & Field::kUnescaped));
  CHECK_FALSE((f.find("path")->flags & Field::kUnescaped));
}

TEST_CASE("empty values") {
  FieldList f;
  parseKeyValue("date= desc=\"x\" cookies=\"\" extrainfo=\"\" last=", f);
  CHECK(dump(f) == "date=[] desc=[x]q cookies=[]q extrainfo=[]q last=[] ");
  CHECK(f.has("date"));
  CHECK(f.get("date").empty());
}

TEST_CASE("duplicate keys are all kept; lookups return the first") {
  FieldList f;
  parseKeyValue("tz=\"UTC-5:00\" devname=\"a\" tz=\"-0500\"", f);
  CHECK(f.size() == 3);
  CHECK(f.count("tz") == 2);
  CHECK(f.get("tz") == "UTC-5:00");
  std::string all;
  f.forEach("tz", [&](const Field& x) { all += std::string(x.value) + ";"; });
  CHECK(all == "UTC-5:00;-0500;");
}

TEST_CASE("unterminated quote runs to end of line, is flagged, does not cross LF") {
  FieldList f;
  KvStats s = parseKeyValue("level=\"warning\" msg=\"Cellular Connecting\r\n", f);
  CHECK(s.unterminated_quote);
  CHECK(f.get("msg") == "Cellular Connecting");
  CHECK((f.find("msg")->flags & Field::kUnterminated));

  FieldList g;
  s = parseKeyValue("a=\"open\nb=2 c=\"x\\\"y", g);
  CHECK(g.get("a") == "open");
  CHECK(g.get("b") == "2");
  CHECK(g.get("c") == "x\"y");
  CHECK((g.find("c")->flags & Field::kUnterminated));
}

TEST_CASE("CRLF endings, tabs, unknown keys, odd key spellings, stray tokens") {
  FieldList f;
  KvStats s = parseKeyValue("log_id=0001010018\tFTNTFGTlevel=notice ad.vd=root device_id=FMG1 junk | x=1\r\n", f);
  CHECK(dump(f) == "log_id=[0001010018] FTNTFGTlevel=[notice] ad.vd=[root] device_id=[FMG1] x=[1] ");
  CHECK(s.stray_tokens == 2);
}

TEST_CASE("CSV-doubled quotes \"\"x\"\" read as x") {
  FieldList f;
  parseKeyValue("devname=\"\"test_devname\"\" srcip=1.2.3.4 crlevel=\"\"medium\"\"", f);
  CHECK(f.get("devname") == "test_devname");
  CHECK(f.get("srcip") == "1.2.3.4");
  CHECK(f.get("crlevel") == "medium");
  FieldList g;
  parseKeyValue("a=\"\" b=1", g);
  CHECK(dump(g) == "a=[]q b=[1] ");
}

TEST_CASE("CSV variant with quoted commas") {
  std::string line =
      "date=2016-02-12,time=14:10:42,logid=0720018433,vd=\"vdom1\",service=\"icmp/146/81\","
      "msg=\"anomaly: icmp_flood, 34 > threshold 25, repeats 306 times\",ipaddr=\"104.80.89.26, "
      "104.80.89.24\",attack=\"icmp_ flood\",crlevel=critical\r\n";
  CHECK(looksLikeCsv(line));
  FieldList f;
  KvStats s = parseCsv(line, f);
  CHECK(s.stray_tokens == 0);
  CHECK(f.size() == 9);
  CHECK(f.get("msg") == "anomaly: icmp_flood, 34 > threshold 25, repeats 306 times");
  CHECK(f.get("ipaddr") == "104.80.89.26, 104.80.89.24");
  CHECK(f.get("crlevel") == "critical");
  CHECK_FALSE(looksLikeCsv("date=2016-02-12 time=14:10:42,logid=1"));
  CHECK_FALSE(looksLikeCsv("msg=\"a,b\" x=1"));
  CHECK(looksLikeCsv("msg=\"a b\",x=1"));
}

TEST_CASE("degenerate inputs never crash and yield no fields") {
  for (std::string_view in : {"", " ", "=", "==", "=x", "\"", "a", "\\", "a b c", "\"a=b\""}) {
    FieldList f;
    parseKeyValue(in, f);
    parseCsv(in, f);
    for (const Field& x : f.all()) CHECK_FALSE(x.key.empty());
  }
  FieldList f;
  parseKeyValue("a==b", f);
  CHECK(f.get("a") == "=b");
}

TEST_CASE("a reused FieldList forgets old fields") {
  FieldList f;
  parseKeyValue("a=\"x\\\"y\"", f);
  f.clear();
  parseKeyValue("b=\"p\\\\q\"", f);
  CHECK(f.size() == 1);
  CHECK(f.get("b") == "p\\q");
  CHECK_FALSE(f.has("a"));
}

TEST_CASE("simple layout: set only when a space-splitting reader yields the same pairs") {
  auto simple = [](std::string_view body) {
    FieldList f;
    return parseKeyValue(body, f).simple_layout;
  };
  CHECK(simple("date=2026-11-28 devname=\"FGT-LAB\" msg=\"a b=c\" last= empty=\"\" x=1"));
  CHECK(simple("a=1  b=\"x\"c=2\r\n"));  // several spaces, a key right after a closing quote, CRLF
  CHECK(simple("a=b=c d=\"C:x\""));
  CHECK_FALSE(simple("a=1\tb=2"));            // tab between pairs
  CHECK_FALSE(simple("a=1 b=2\t"));           // trailing tab
  CHECK_FALSE(simple("a=1 junk b=2"));        // stray token
  CHECK_FALSE(simple("a|b=1"));               // key character outside [A-Za-z0-9_.-]
  CHECK_FALSE(simple("a=\"x\\\"y\""));        // escape
  CHECK_FALSE(simple("a=\"C:\\dir\""));       // backslash kept
  CHECK_FALSE(simple("a=\"open"));            // unterminated
  CHECK_FALSE(simple("a=\"\"x\"\" b=1"));     // CSV-doubled quotes
  FieldList f;
  CHECK_FALSE(parseCsv("a=1,b=2", f).simple_layout);
}

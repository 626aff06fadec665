#include <catch2/catch.hpp>

#include <string>

#include "common/logfmt/cef_parser.h"

using namespace fabric::logfmt;

TEST_CASE("CEF header and FTNTFGT extension mapped to FortiOS names") {
  std::string line =
      "CEF:0|Fortinet|Fortigate|v7.2.8|00013|traffic:forward client-rst|3|deviceExternalId=FGTEXAMPLE "
      "FTNTFGTlevel=notice FTNTFGTvd=root src=1.2.3.4 shost=example.com spt=59020 dst=5.6.7.8 dpt=65359 "
      "FTNTFGTvwlquality=Seq_num(1 CASIio-1_0), alive, selected act=client-rst app=tcp/65359 out=3608 in=2571";
  CefHeader h;
  FieldList f;
  std::string err;
  REQUIRE(parseCef(line, h, f, err));
  CHECK(h.version == "0");
  CHECK(h.vendor == "Fortinet");
  CHECK(h.product == "Fortigate");
  CHECK(h.device_version == "v7.2.8");
  CHECK(h.signature_id == "00013");
  CHECK(h.name == "traffic:forward client-rst");
  CHECK(h.severity == "3");
  CHECK(f.get("devid") == "FGTEXAMPLE");
  CHECK(f.get("level") == "notice");
  CHECK(f.get("vd") == "root");
  CHECK(f.get("srcip") == "1.2.3.4");
  CHECK(f.get("srcname") == "example.com");
  CHECK(f.get("srcport") == "59020");
  CHECK(f.get("dstip") == "5.6.7.8");
  CHECK(f.get("dstport") == "65359");
  CHECK(f.get("vwlquality") == "Seq_num(1 CASIio-1_0), alive, selected");
  CHECK(f.get("action") == "client-rst");
  CHECK(f.get("service") == "tcp/65359");
  CHECK(f.get("sentbyte") == "3608");
  CHECK(f.get("rcvdbyte") == "2571");
  // Neither logid nor cat in the extension: type/subtype come from the Name, logid stays unknown.
  CHECK(f.get("type") == "traffic");
  CHECK(f.get("subtype") == "forward");
  CHECK_FALSE(f.has("logid"));
}

TEST_CASE("CEF without the CEF: prefix, cat split, escapes, empty values") {
  std::string line =
      "0|Fortinet|Fortigate|v7.0.17|08192|utm:virus infected|4|deviceExternalId=FG120 "
      "FTNTFGTlogid=0211008192 cat=utm:virus FTNTFGTsubtype=virus duser= sproc=console "
      "FTNTFGTref=http://www.fortinet.com/ve?vn\\=EICAR_TEST_FILE request=http://example.com/a b\\\\c "
      "msg=File is infected. FTNTFGTcat=52";
  CHECK(looksLikeCef(line));
  CefHeader h;
  FieldList f;
  std::string err;
  REQUIRE(parseCef(line, h, f, err));
  CHECK(f.get("logid") == "0211008192");
  CHECK(f.get("type") == "utm");
  CHECK(f.get("subtype") == "virus");
  CHECK(f.get("user") == "");
  CHECK(f.has("user"));
  CHECK(f.get("sproc") == "console");
  CHECK(f.get("ref") == "http://www.fortinet.com/ve?vn=EICAR_TEST_FILE");
  CHECK(f.get("url") == "http://example.com/a b\\c");
  CHECK(f.get("msg") == "File is infected.");
  CHECK(f.get("cat") == "52");  // FortiOS category number, not the CEF category
}

TEST_CASE("CEF header escapes, 10-digit signature id, FortinetFortiGate and ad. prefixes") {
  std::string line =
      "CEF:0|Fortinet|FortiGate-100F|7.2.8,build1639 (GA)|0100032001|system event a\\|b|4|"
      "start=Mar 06 2025 13:38:52 FortinetFortiGatevd=root ad.srcintfrole=undefined dvchost=FW-1 "
      "deviceSeverity=information";
  CefHeader h;
  FieldList f;
  std::string err;
  REQUIRE(parseCef(line, h, f, err));
  CHECK(h.name == "system event a|b");
  CHECK(h.device_version == "7.2.8,build1639 (GA)");
  CHECK(f.get("logid") == "0100032001");
  CHECK(f.get("start") == "Mar 06 2025 13:38:52");
  CHECK(f.get("vd") == "root");
  CHECK(f.get("srcintfrole") == "undefined");
  CHECK(f.get("devname") == "FW-1");
  CHECK(f.get("level") == "information");
}

TEST_CASE("malformed CEF header is refused with the count") {
  CefHeader h;
  FieldList f;
  std::string err;
  CHECK_FALSE(parseCef("CEF:0|Fortinet|Fortigate|v7", h, f, err));
  CHECK(err == "CEF header has 3 of 7 '|'-separated fields");
  CHECK_FALSE(looksLikeCef("date=1"));
  CHECK_FALSE(looksLikeCef("|x"));
  CHECK(looksLikeCef("12|"));
}

TEST_CASE("CEF extension junk never crashes") {
  for (std::string_view ext : {"", " ", "=", "a", "=x y=", "\\", "k=\\", "k= ", " =a b=c", "a b=c"}) {
    CefHeader h;
    FieldList f;
    std::string err;
    std::string line = "CEF:0|a|b|c|d|e|f|" + std::string(ext);
    CHECK(parseCef(line, h, f, err));
    for (const Field& x : f.all()) CHECK_FALSE(x.key.empty());
  }
}

TEST_CASE("CEF custom fields named by a FortiOS label also get the FortiOS field") {
  // From the Sekoia FortiGate samples (FortiOS 5.6 CEF).
  std::string line =
      "CEF:0|Fortinet|Fortigate|v5.6.0|08192|utm:virus infected blocked|4|FTNTFGTlogid=0211008192 "
      "cs1=EICAR_TEST_FILE cs1Label=Virus cs2=http://www.fortinet.com/ve?vn\\=EICAR_TEST_FILE cs2Label=Reference "
      "cs5=10 cs5Label=Policy Id cn1=7 cn1Label=Duration cn2=5 cn2Label=Packets Sent cn3=4 cn3Label=Packets Received "
      "cs6=x cs6Label=Something Else";
  CefHeader h;
  FieldList f;
  std::string err;
  REQUIRE(parseCef(line, h, f, err));
  CHECK(f.get("virus") == "EICAR_TEST_FILE");
  CHECK(f.get("ref") == "http://www.fortinet.com/ve?vn=EICAR_TEST_FILE");
  CHECK(f.get("policyid") == "10");
  CHECK(f.get("duration") == "7");
  CHECK(f.get("sentpkt") == "5");
  CHECK(f.get("rcvdpkt") == "4");
  // the custom pairs stay; an unknown label adds nothing
  CHECK(f.get("cs1") == "EICAR_TEST_FILE");
  CHECK(f.get("cn2Label") == "Packets Sent");
  CHECK(f.get("cs6") == "x");
  CHECK(f.size() == 15 + 6 + 2);  // the pairs, the six labelled fields, type and subtype from the Name
}

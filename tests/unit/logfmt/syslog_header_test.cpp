#include <catch2/catch.hpp>

#include "common/logfmt/syslog_header.h"

using namespace fabric::logfmt;

TEST_CASE("PRI only (FortiOS default syslog)") {
  auto h = parseSyslogHeader("<189>date=2020-04-23 time=12:17:45 devname=\"x\"");
  CHECK(h.format == HeaderFormat::kPriOnly);
  CHECK(h.has_pri);
  CHECK(h.facility == 23);  // local7
  CHECK(h.severity == 5);   // notice
  CHECK(h.timestamp.empty());
  CHECK(h.hostname.empty());
  CHECK(h.body == "date=2020-04-23 time=12:17:45 devname=\"x\"");

  auto e = parseSyslogHeader("<185>eventtime=1702257752722386015 tz=\"+0100\"");
  CHECK(e.severity == 1);
  CHECK(e.body.substr(0, 10) == "eventtime=");
}

TEST_CASE("RFC 5424 with nil values, structured data and BOM") {
  auto h = parseSyslogHeader("<165>1 2022-11-14T06:54:03Z use2-dmz-fw02 - - - - eventtime=1 tz=\"-0800\"");
  CHECK(h.format == HeaderFormat::kRfc5424);
  CHECK(h.facility == 20);
  CHECK(h.severity == 5);
  CHECK(h.timestamp == "2022-11-14T06:54:03Z");
  CHECK(h.hostname == "use2-dmz-fw02");
  CHECK(h.app_name.empty());
  CHECK(h.structured_data.empty());
  CHECK(h.body == "eventtime=1 tz=\"-0800\"");

  auto sd = parseSyslogHeader(
      "<134>1 2026-11-28T12:00:00.123+01:00 fgt app 42 ID7 [ex@32473 a=\"x\\\"]y\" b=\"2\"][z@1 c=\"3\"] \xEF\xBB\xBF" "srcip=1.2.3.4");
  CHECK(sd.format == HeaderFormat::kRfc5424);
  CHECK(sd.app_name == "app");
  CHECK(sd.procid == "42");
  CHECK(sd.msgid == "ID7");
  CHECK(sd.structured_data == "[ex@32473 a=\"x\\\"]y\" b=\"2\"][z@1 c=\"3\"]");
  CHECK(sd.body == "srcip=1.2.3.4");

  auto nilts = parseSyslogHeader("<14>1 - host - - - - a=b");
  CHECK(nilts.format == HeaderFormat::kRfc5424);
  CHECK(nilts.timestamp.empty());
  CHECK(nilts.hostname == "host");
}

TEST_CASE("RFC 3164 and its variants") {
  auto h = parseSyslogHeader("<189>Nov 28 12:00:00 fgt01 fortigate[123]: date=2026-11-28 srcip=1.2.3.4");
  CHECK(h.format == HeaderFormat::kRfc3164);
  CHECK(h.timestamp == "Nov 28 12:00:00");
  CHECK(h.hostname == "fgt01");
  CHECK(h.app_name == "fortigate");
  CHECK(h.procid == "123");
  CHECK(h.body == "date=2026-11-28 srcip=1.2.3.4");

  auto pad = parseSyslogHeader("<13>Nov  8 01:02:03 host tag: msg=1");
  CHECK(pad.format == HeaderFormat::kRfc3164);
  CHECK(pad.timestamp == "Nov  8 01:02:03");
  CHECK(pad.app_name == "tag");
  CHECK(pad.body == "msg=1");

  auto nohost = parseSyslogHeader("<13>Nov 28 12:00:00 date=2026-11-28 a=1");
  CHECK(nohost.hostname.empty());
  CHECK(nohost.body == "date=2026-11-28 a=1");

  auto notag = parseSyslogHeader("<13>Nov 28 12:00:00 10.0.0.1 devname=\"x\"");
  CHECK(notag.hostname == "10.0.0.1");
  CHECK(notag.app_name.empty());
  CHECK(notag.body == "devname=\"x\"");

  auto iso = parseSyslogHeader("<13>2026-11-28T12:00:00Z host tag: a=1");
  CHECK(iso.format == HeaderFormat::kRfc3164);
  CHECK(iso.timestamp == "2026-11-28T12:00:00Z");
  CHECK(iso.hostname == "host");
  CHECK(iso.body == "a=1");

  auto cef = parseSyslogHeader("<134>Nov 28 12:00:00 host CEF:0|Fortinet|Fortigate|v7|1|n|3|src=1.2.3.4");
  CHECK(cef.hostname == "host");
  CHECK(cef.body.substr(0, 4) == "CEF:");
}

TEST_CASE("relay-written file line and no header") {
  auto h = parseSyslogHeader("2026-04-03T00:31:09.976660+00:00 192.168.2.1 date=2026-04-02 time=17:31:09");
  CHECK(h.format == HeaderFormat::kRelayFile);
  CHECK_FALSE(h.has_pri);
  CHECK(h.timestamp == "2026-04-03T00:31:09.976660+00:00");
  CHECK(h.hostname == "192.168.2.1");
  CHECK(h.body == "date=2026-04-02 time=17:31:09");

  auto none = parseSyslogHeader(" time=12:02:57 devname=\"abc\"\r\n");
  CHECK(none.format == HeaderFormat::kNone);
  CHECK(none.body == "time=12:02:57 devname=\"abc\"");
}

TEST_CASE("body found by scanning for the first key= token; malformed PRI is not a PRI") {
  auto h = parseSyslogHeader("January 29 06:09:59 host proto=udp service=http");
  CHECK(h.preamble == "January 29 06:09:59 host");
  CHECK(h.body == "proto=udp service=http");

  auto bad = parseSyslogHeader("<999>date=1");
  CHECK_FALSE(bad.has_pri);
  CHECK(bad.preamble.empty());
  CHECK(bad.body == "<999>date=1");  // no key= token at a token start: body is the line

  auto nokv = parseSyslogHeader("<13>just some text");
  CHECK(nokv.body == "just some text");
  CHECK(nokv.preamble.empty());

  CHECK(parseSyslogHeader("").body.empty());
  CHECK(parseSyslogHeader("<").body == "<");
  CHECK(parseSyslogHeader("<1>").body.empty());
  CHECK(parseSyslogHeader("<1>1 ").format == HeaderFormat::kPriOnly);
}

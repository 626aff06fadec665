#include <catch2/catch.hpp>

#include <string>

#include "common/logfmt/log_record.h"
#include "common/logfmt/log_time.h"

using namespace fabric::logfmt;

namespace {
constexpr std::int64_t kReceived = 1764331200'000000000;  // 2025-11-28T12:00:00Z
constexpr std::int64_t kSec = 1'000'000'000;
}  // namespace

TEST_CASE("log id: 2-digit type, 2-digit subtype, message id") {
  LogId id = parseLogId("0316013056");
  CHECK(id.valid);
  CHECK(id.type == 3);
  CHECK(id.subtype == 16);
  CHECK(id.message == 13056);
  CHECK(parseLogId("0107045057").subtype == 7);
  CHECK_FALSE(parseLogId("000000001").valid);
  CHECK_FALSE(parseLogId("XXXXXXXXXX").valid);
  CHECK_FALSE(parseLogId("").valid);
}

TEST_CASE("time: eventtime 19 and 10 digits win over date/time") {
  LogRecord r;
  REQUIRE(parseLogLine("date=2019-05-10 time=11:37:47 eventtime=1557513467369913239 tz=\"-0700\"", kReceived, r));
  CHECK(r.time_source == TimeSource::kEventTime);
  CHECK(r.time_ns == 1557513467369913239);
  REQUIRE(parseLogLine("date=2019-05-15 time=18:03:36 eventtime=1557968615", kReceived, r));
  CHECK(r.time_ns == 1557968615 * kSec);
  REQUIRE(parseLogLine("eventtime=1557968615123 x=1", kReceived, r));
  CHECK(r.time_ns == 1557968615123'000000);
}

TEST_CASE("time: date+time with the device tz, FAZ duplicate tz, no tz = UTC") {
  LogRecord r;
  REQUIRE(parseLogLine("date=2020-11-02 time=08:11:38 tz=\"+0200\" x=1", kReceived, r));
  CHECK(r.time_source == TimeSource::kDateTime);
  CHECK(r.has_tz);
  CHECK(r.tz_minutes == 120);
  CHECK(r.time_ns == (daysFromCivil(2020, 11, 2) * 86400 + 6 * 3600 + 11 * 60 + 38) * kSec);

  // FortiAnalyzer-forwarded: tz twice, the device's +hhmm form is preferred whatever the order.
  REQUIRE(parseLogLine("<188>timestamp=1678299766 tz=\"UTC-5:00\" date=2023-03-08 time=13:22:46 tz=\"-0500\"", kReceived, r));
  CHECK(r.tz_minutes == -300);
  CHECK(r.fields.count("tz") == 2);
  CHECK(r.time_ns == 1678299766 * kSec);

  REQUIRE(parseLogLine("tz=\"UTC+2:00\" date=2022-04-22 time=11:31:10", kReceived, r));
  CHECK(r.tz_minutes == 120);

  REQUIRE(parseLogLine("date=2016-02-12 time=14:10:42 logid=0720018433", kReceived, r));
  CHECK_FALSE(r.has_tz);
  CHECK(r.time_ns == 1455286242 * kSec);

  REQUIRE(parseLogLine("date=\"2025-03-27\" time=\"09:38:48\" id=96900 tz=\"+0100\"", kReceived, r));
  CHECK(r.time_ns == (1743068328 - 3600) * kSec);
}

TEST_CASE("time: FAZ timestamp, then syslog header, then receive time") {
  LogRecord r;
  REQUIRE(parseLogLine("<185>logver=506061630 timestamp=1650619870 devname=\"x\"", kReceived, r));
  CHECK(r.time_source == TimeSource::kFazTimestamp);
  CHECK(r.time_ns == 1650619870 * kSec);

  REQUIRE(parseLogLine("<165>1 2022-11-14T06:54:03.5+01:00 h - - - - logid=\"0317013312\"", kReceived, r));
  CHECK(r.time_source == TimeSource::kSyslogHeader);
  CHECK(r.time_ns == 1668405243 * kSec + 500'000'000);

  REQUIRE(parseLogLine("<13>Nov 28 10:00:00 h t: a=1", kReceived, r));
  CHECK(r.time_source == TimeSource::kSyslogHeader);
  CHECK(r.time_ns == kReceived - 2 * 3600 * kSec);  // year taken from the receive time

  REQUIRE(parseLogLine("a=1 date=bogus time=25:00:00", kReceived, r));
  CHECK(r.time_source == TimeSource::kReceived);
  CHECK(r.time_ns == kReceived);
}

TEST_CASE("normalised fields, FortiManager-style aliases, endpoint uid") {
  LogRecord r;
  REQUIRE(parseLogLine("<190>date=2023-12-13 time=07:56:14 tz=\"+0200\" devname=firewallhost01 "
                       "device_id=FMG123TZ13111111 log_id=0001010018 type=event subtype=system pri=information",
                       kReceived, r));
  CHECK(r.devid() == "FMG123TZ13111111");
  CHECK(r.logid() == "0001010018");
  CHECK(r.level() == "information");
  CHECK(r.log_id.valid);
  CHECK(r.log_id.subtype == 1);

  REQUIRE(parseLogLine("logid=\"0107045057\" fctuid=\"52C66FE08F724FE0B116DAD5062C96CD\" ip=10.1.100.11", kReceived, r));
  CHECK(r.endpointUid() == "52C66FE08F724FE0B116DAD5062C96CD");
  REQUIRE(parseLogLine("logid=\"0101037141\" fctuid=\"N/A\"", kReceived, r));
  CHECK(r.endpointUid().empty());
  REQUIRE(parseLogLine("id=96900 uid=\"A94A8FE5CCB19BA61C4C0873D391E987982FBBD3\" fctver=\"7.2.8.1140\"", kReceived, r));
  CHECK(r.endpointUid() == "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3");
  CHECK(r.fctId() == "96900");
  CHECK(r.logid().empty());
  CHECK(r.isFortiClient());
}

TEST_CASE("lines that are refused, with a reason") {
  LogRecord r;
  CHECK_FALSE(parseLogLine("", kReceived, r));
  CHECK(r.error == "empty line");
  CHECK_FALSE(parseLogLine("<13>hello world", kReceived, r));
  CHECK(r.error == "no key=value field in line");
  CHECK_FALSE(parseLogLine("CEF:0|Fortinet|x", kReceived, r));
  CHECK(r.error == "CEF header has 2 of 7 '|'-separated fields");
  // A refused line does not poison the next parse.
  CHECK(parseLogLine("a=1", kReceived, r));
  CHECK(r.error.empty());
}

TEST_CASE("format detection picks kv, csv or cef") {
  LogRecord r;
  REQUIRE(parseLogLine("date=2016-02-12,time=14:10:42,logid=0720018433,type=anomaly", kReceived, r));
  CHECK(r.format == BodyFormat::kCsv);
  CHECK(r.type() == "anomaly");
  REQUIRE(parseLogLine("<134>Nov 28 12:00:00 h CEF:0|Fortinet|Fortigate|v7|1|traffic:local|3|src=1.2.3.4", kReceived, r));
  CHECK(r.format == BodyFormat::kCef);
  CHECK(r.srcip() == "1.2.3.4");
  CHECK(r.subtype() == "local");
  REQUIRE(parseLogLine("srcip=1.2.3.4 msg=\"a,b=c\"", kReceived, r));
  CHECK(r.format == BodyFormat::kKeyValue);
}

TEST_CASE("time helpers") {
  int m = 0;
  CHECK(parseTzOffset("+0530", m));
  CHECK(m == 330);
  CHECK(parseTzOffset("-08:00", m));
  CHECK(m == -480);
  CHECK(parseTzOffset("UTC-5:00", m));
  CHECK(m == -300);
  CHECK(parseTzOffset("UTC+2", m));
  CHECK(m == 120);
  CHECK_FALSE(parseTzOffset("+2500", m));
  CHECK_FALSE(parseTzOffset("0200", m));
  std::string d, t;
  formatDateTime(1764331200LL * kSec, -300, d, t);
  CHECK(d == "2025-11-28");
  CHECK(t == "07:00:00");
  CHECK(formatTzOffset(-300) == "-0500");
  CHECK(formatTzOffset(330) == "+0530");
  std::int64_t ns = 0;
  CHECK_FALSE(parseEventTime("12345678901", ns));
  CHECK_FALSE(parseRfc3339("2026-13-01T00:00:00Z", ns));
  CHECK(parseRfc3339("2026-04-03T00:31:09.976660+00:00", ns));
  CHECK(ns == (daysFromCivil(2026, 4, 3) * 86400 + 31 * 60 + 9) * kSec + 976660000);
}

TEST_CASE("regression (fuzz): times beyond 2262 are refused instead of overflowing") {
  std::int64_t ns = 0;
  CHECK_FALSE(parseEventTime("9999999999999999999", ns));
  CHECK_FALSE(parseEventTime("9999999999999", ns));
  CHECK(parseEventTime("9223372036854775807", ns));
  CHECK_FALSE(parseDateTime("3361-01-01", "00:00:00", ns));
  CHECK_FALSE(parseRfc3339("9999-12-31T23:59:59Z", ns));
  LogRecord r;
  REQUIRE(parseLogLine("date=9999-12-31 time=23:59:59 eventtime=99999999999", kReceived, r));
  CHECK(r.time_source == TimeSource::kReceived);
}

TEST_CASE("slots hold the first value of each slotted key, flowid included") {
  LogRecord r;
  REQUIRE(parseLogLine("devid=FGT1 flowid=\"F-1\" srcip=10.0.0.1 flowid=F-2", 0, r));
  CHECK(r.slot(Slot::kFlowId) == "F-1");
  CHECK(r.slot(Slot::kFlowId) == r.get("flowid"));
  REQUIRE(parseLogLine("devid=FGT1 srcip=10.0.0.1", 0, r));
  CHECK(r.slot(Slot::kFlowId).data() == nullptr);
}

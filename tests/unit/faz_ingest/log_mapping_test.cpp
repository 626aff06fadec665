// LogRecord -> stored row and IoC observables.
#include <catch2/catch.hpp>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/log_mapping.h"
#include "ingest_test_support.h"

using namespace fabric::faz;
using fabric::logfmt::LogRecord;
using fabric::logfmt::parseLogLine;

TEST_CASE("a FortiOS key=value line maps to columns and needs no fields blob") {
  LogRecord r;
  std::string line = fabric::faz::test::fgtLine(42, "www.example.com") + " flowid=\"f-1\"";
  REQUIRE(parseLogLine(line, 5, r));
  LogBatch b;
  std::string scratch;
  addParsedRow(r, {.source_addr = "127.0.7.1", .registered_device = true, .received_ns = 5}, b,
               scratch);
  const auto& row = b.rows().at(0);
  CHECK(row.time_ns == 1764331200000000042LL);
  CHECK(row.received_ns == 5);
  CHECK(row.registered);
  CHECK(b.text(row, LogBatch::kDevid) == "FGVM01TM00000001");
  CHECK(b.text(row, LogBatch::kLogid) == "0316013056");
  CHECK(b.text(row, LogBatch::kSrcip) == "10.0.0.5");
  CHECK(b.text(row, LogBatch::kHostname) == "www.example.com");
  CHECK(b.text(row, LogBatch::kFlowId) == "f-1");
  CHECK(b.text(row, LogBatch::kSourceAddr) == "127.0.7.1");
  CHECK(b.text(row, LogBatch::kRaw) == line);
  CHECK(b.text(row, LogBatch::kFieldsBlob).empty());
}

TEST_CASE("a FortiClient line: deviceip is the endpoint address, uid the endpoint, hostname its name") {
  LogRecord r;
  std::string line =
      "date=2026-11-28 time=12:00:00 logver=1 id=96900 type=\"traffic\" subtype=\"webfilter\" "
      "uid=ABCDEF0123456789ABCDEF0123456789 devid=FCT8001000000001 hostname=WIN-LAB deviceip=10.5.5.5 "
      "fctver=7.2.4.0850 remotename=evil.bad.example url=/x";
  REQUIRE(parseLogLine(line, 0, r));
  LogBatch b;
  std::string scratch;
  addParsedRow(r, {.source_addr = "127.0.7.2"}, b, scratch);
  const auto& row = b.rows().at(0);
  CHECK(b.text(row, LogBatch::kSrcip) == "10.5.5.5");
  CHECK(b.text(row, LogBatch::kEndpointUid) == "ABCDEF0123456789ABCDEF0123456789");
  CHECK(b.text(row, LogBatch::kLogid) == "96900");
  std::vector<fabric::logfmt::Observable> obs;
  fabric::logfmt::extractObservables(r, obs);
  fabric::faz::ioc::LogObservables o;
  fillObservables(r, obs, o);
  CHECK(o.endpointIp == "10.5.5.5");
  CHECK(o.endpointUid == "ABCDEF0123456789ABCDEF0123456789");
  CHECK(o.hostname == "WIN-LAB");
  CHECK_FALSE(o.observables.empty());
}

TEST_CASE("a CSV line keeps its pairs in the blob; a refused line is kept raw") {
  LogRecord r;
  REQUIRE(parseLogLine("date=2016-02-12,time=14:10:42,devid=FGT1,action=deny", 0, r));
  LogBatch b;
  std::string scratch;
  addParsedRow(r, {}, b, scratch);
  CHECK_FALSE(b.text(b.rows().at(0), LogBatch::kFieldsBlob).empty());
  addMalformedRow(trimLineEnd("garbage\r\n"), {.source_addr = "127.0.7.3", .received_ns = 9}, b);
  const auto& bad = b.rows().at(1);
  CHECK(b.text(bad, LogBatch::kRaw) == "garbage");
  CHECK(bad.time_ns == 9);
  CHECK(b.text(bad, LogBatch::kType).empty());
}

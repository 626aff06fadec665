#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/event_lines.h"

using namespace fabric::fortigate;
using namespace fabric::fortigate::test;

TEST_CASE("event lines carry the FortiOS header and parse back", "[lines]") {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1764396000));  // 2025-11-29 06:00:00 UTC
  auto line = fortiClientConnectionAdded({kUid, "127.0.2.5", "WIN-1", "alice", 3}).render(device(), t);
  auto f = fields(line);
  CHECK(line.rfind("date=2025-11-29 time=06:00:00 devname=\"FGT-LAB\" devid=\"FGVM01TM26000001\"", 0) == 0);
  CHECK(f["eventtime"] == "1764396000000000000");
  CHECK(f["tz"] == "+0000");
  CHECK(f["type"] == "event");
  CHECK(f["vd"] == "root");
  CHECK(f["msg"] == "Add a FortiClient Connection.");
  CHECK(f["count"] == "3");

  auto err = emsRestApiError({"e01", kEmsSerial, "https://h:443/x", 409, "msg with \"quotes\"", "127.0.2.5", "F-1"}).render(device(), t);
  auto e = fields(err);
  CHECK(e["logid"] == "0107045122");
  CHECK(e["logdesc"] == "EMS REST API error");
  CHECK(e["level"] == "warning");
  CHECK(e["httpcode"] == "409");
  CHECK(e["msg"] == "msg with \"quotes\"");
  CHECK(e["flowid"] == "F-1");

  auto ch = compromisedHostDetected({"127.0.2.5", kUid, "evil.example.com", "domain", "C&C", "high", "", ""}).render(device(), t);
  CHECK(fields(ch).count("flowid") == 0);  // no flow, no field
}

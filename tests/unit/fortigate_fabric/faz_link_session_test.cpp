#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/faz_link_session.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;

namespace {
nlohmann::json iocMessage() {
  return {{"type", "ioc"},          {"id", 42},           {"endpoint_ip", "127.0.2.5"}, {"uid", kUid},
          {"indicator", "evil.example.com"}, {"indicator_type", "domain"}, {"threat", "Botnet C&C"},
          {"level", "high"},        {"log_ids", {"7", 8}}, {"feed", "lab-feed"},   {"flow_id", "F-20261129-000003-0001"},
          {"rescan", false}};
}
}  // namespace

TEST_CASE("hello, then logs numbered per link and kept until acknowledged", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer, 2);
  for (int i = 0; i < 5; ++i) CHECK(s.enqueueLine("line" + std::to_string(i)).accepted);
  CHECK_FALSE(s.nextLogs());  // not connected
  auto hello = s.onConnected();
  CHECK(hello == nlohmann::json({{"type", "hello"}, {"serial", "FGVM01TM26000001"}, {"hostname", "FGT-LAB"},
                                 {"version", "v6.0.4"}}));
  CHECK(s.onMessage({{"type", "hello-ack"}, {"serial", "FAZ-VM0000000001"}, {"registered", true}}).error.empty());
  CHECK(s.registered());
  auto b1 = s.nextLogs();
  REQUIRE(b1);
  CHECK_FALSE(s.nextLogs());  // one batch in flight at a time
  CHECK((*b1)["seq"] == 1);
  CHECK((*b1)["lines"] == nlohmann::json({"line0", "line1"}));
  CHECK(s.inflightLines() == 2);
  CHECK(s.unsentLines() == 3);
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", 1}}).error.empty());
  CHECK(s.ackedLines() == 2);
  CHECK(buffer.pendingLines() == 3);  // committed on the ack
  auto b2 = s.nextLogs();
  REQUIRE(b2);
  CHECK((*b2)["seq"] == 2);
  CHECK((*b2)["lines"] == nlohmann::json({"line2", "line3"}));
  // The link drops before seq 2 is acknowledged: line2.. are sent again, seq restarts on the new link.
  s.onDisconnected("peer timed out");
  s.enqueueLine("line5");
  s.onConnected();
  auto again = s.nextLogs();
  REQUIRE(again);
  CHECK((*again)["seq"] == 1);
  CHECK((*again)["lines"] == nlohmann::json({"line2", "line3"}));
}

TEST_CASE("accepted lines outlive the process: a new session sends what was never acknowledged", "[faz]") {
  TempDir dir;
  {
    logship::DiskLogBuffer buffer(dir.path() / "buf");
    FazLinkSession s(device(), buffer, 10);
    s.enqueueLines({"a", "b"});
    s.onConnected();
    REQUIRE(s.nextLogs());
    s.enqueueLine("c");  // in flight: a, b — then the process dies without an ack
  }
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer, 10);
  CHECK(s.unsentLines() == 3);
  s.onConnected();
  auto b = s.nextLogs();
  REQUIRE(b);
  CHECK((*b)["lines"] == nlohmann::json({"a", "b", "c"}));
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", 1}}).error.empty());
  CHECK(buffer.pendingLines() == 0);
}

TEST_CASE("staged lines are sent only once their write is reported; a failed write is a refusal", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer, 10);
  s.onConnected();
  logship::StagedAppend a, b;
  CHECK(s.stageLines({"a1", "a2"}, a).accepted);
  CHECK(s.stageLines({"b1"}, b).accepted);
  CHECK_FALSE(s.nextLogs());  // not on disk yet: not accepted, not sent
  CHECK(s.unsentLines() == 0);
  REQUIRE(logship::DiskLogBuffer::writeStaged(dir.path() / "buf", a.segment, a.offset, a.records).empty());
  CHECK(s.finishStaged(a, "").accepted);
  auto failed = s.finishStaged(b, "cannot sync segment-0.log: Input/output error");
  CHECK_FALSE(failed.accepted);
  CHECK(failed.first_refusal);
  CHECK(s.droppedLines() == 1);
  auto batch = s.nextLogs();
  REQUIRE(batch);
  CHECK((*batch)["lines"] == nlohmann::json({"a1", "a2"}));
  // The next good write ends the refusal episode.
  logship::StagedAppend c;
  CHECK(s.stageLines({"c1"}, c).accepted);
  REQUIRE(logship::DiskLogBuffer::writeStaged(dir.path() / "buf", c.segment, c.offset, c.records).empty());
  CHECK(s.finishStaged(c, "").accepted);
  CHECK(s.unsentLines() == 1);
  CHECK(s.statusText().find("FULL") == std::string::npos);
}

TEST_CASE("bad acks are refused and change nothing", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer);
  s.enqueueLine("a");
  s.onConnected();
  s.nextLogs();
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", 9}}).error.find("never sent") != std::string::npos);
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", "1"}}).error.find("unsigned") != std::string::npos);
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", -1}}).error.find("unsigned") != std::string::npos);
  CHECK(s.inflightLines() == 1);
  CHECK(s.onMessage({{"type", "bogus"}}).error.find("unknown message type") != std::string::npos);
  CHECK_FALSE(s.onMessage(nlohmann::json::array()).error.empty());
}

TEST_CASE("an ioc becomes an event and is acknowledged", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer);
  s.onConnected();
  auto in = s.onMessage(iocMessage());
  CHECK(in.error.empty());
  REQUIRE(in.ioc);
  CHECK(in.ioc->id == "42");
  CHECK(in.ioc->endpoint_ip == "127.0.2.5");
  CHECK(in.ioc->level == "high");
  CHECK(in.ioc->log_ids == std::vector<std::string>{"7", "8"});
  CHECK(in.ioc->flow_id == "F-20261129-000003-0001");
  REQUIRE(in.replies.size() == 1);
  CHECK(in.replies[0] == nlohmann::json({{"type", "ioc-ack"}, {"id", 42}}));
  CHECK(s.iocReceived() == 1);
}

TEST_CASE("a broken ioc is refused with its reason (acknowledged when it has an id)", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf");
  FazLinkSession s(device(), buffer);
  s.onConnected();
  auto check = [&](nlohmann::json m, const std::string& expect, bool acked) {
    auto in = s.onMessage(m);
    INFO(m.dump());
    CHECK(in.error.find(expect) != std::string::npos);
    CHECK_FALSE(in.ioc);
    CHECK(in.replies.size() == (acked ? 1u : 0u));
  };
  auto m = iocMessage();
  m["level"] = "low";
  check(m, "level must be medium or high", true);
  m = iocMessage();
  m["endpoint_ip"] = "not-an-ip";
  check(m, "is not an IP address", true);
  m = iocMessage();
  m.erase("indicator");
  check(m, "missing field \"indicator\"", true);
  m = iocMessage();
  m["log_ids"] = "7";
  check(m, "log_ids must be an array", true);
  m = iocMessage();
  m.erase("id");
  check(m, "missing field \"id\"", false);
  CHECK(s.iocReceived() == 0);
}

TEST_CASE("the buffer is bounded: a full buffer refuses new lines, counts them and says so once", "[faz]") {
  TempDir dir;
  logship::DiskLogBuffer buffer(dir.path() / "buf", 40);  // bytes: room for 2 records of 10-byte lines
  FazLinkSession s(device(), buffer, 10);
  CHECK(s.enqueueLine("0123456789").accepted);
  CHECK(s.enqueueLine("1123456789").accepted);
  auto full = s.enqueueLine("2123456789");
  CHECK_FALSE(full.accepted);
  CHECK(full.first_refusal);
  CHECK(full.error.find("log buffer full") != std::string::npos);
  auto again = s.enqueueLine("3123456789");
  CHECK_FALSE(again.accepted);
  CHECK_FALSE(again.first_refusal);  // one event per episode, not one per line
  CHECK(s.droppedLines() == 2);
  CHECK(s.statusText().find("dropped 2 (buffer full)") != std::string::npos);
  CHECK(s.statusText().find("FULL: new lines are refused") != std::string::npos);
  s.onConnected();
  CHECK((*s.nextLogs())["lines"] == nlohmann::json({"0123456789", "1123456789"}));  // the oldest are kept
  CHECK(s.onMessage({{"type", "logs-ack"}, {"seq", 1}}).error.empty());
  CHECK(s.enqueueLine("4123456789").accepted);  // room again: the episode is over
  CHECK(s.enqueueLine("5123456789").accepted);
  CHECK(s.enqueueLine("6123456789").first_refusal);
}

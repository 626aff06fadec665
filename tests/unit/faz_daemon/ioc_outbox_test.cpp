#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/ioc_outbox.h"

using namespace fabric::faz;

namespace {
ioc::IocNotification note(const std::string& ip) {
  ioc::IocNotification n;
  n.endpoint = "UID1";
  n.ip = ip;
  n.uid = "UID1";
  n.hostname = "pc-1";
  n.indicator = "bad.example";
  n.kind = ioc::IndicatorKind::kDomain;
  n.threat = "Emotet";
  n.level = ioc::IocLevel::kHigh;
  n.verdict = "Infected";
  n.feed = "lab";
  n.logIds = {7, 9};
  return n;
}
const auto kTime = std::chrono::system_clock::time_point(std::chrono::seconds(1764331200));  // 2025-11-28
}  // namespace

TEST_CASE("flow ids look like F-<date>-<counter>-<hex>") {
  CHECK(makeFlowId(kTime, 42, 0x7f3a) == "F-20251128-000042-7f3a");
}

TEST_CASE("the ioc message carries every protocol field") {
  auto m = iocMessage(note("10.0.0.5"), "100", "F-1");
  CHECK(m["type"] == "ioc");
  CHECK(m["id"] == "100");
  CHECK(m["endpoint_ip"] == "10.0.0.5");
  CHECK(m["uid"] == "UID1");
  CHECK(m["indicator"] == "bad.example");
  CHECK(m["indicator_type"] == "domain");
  CHECK(m["threat"] == "Emotet");
  CHECK(m["level"] == "high");
  CHECK(m["log_ids"] == nlohmann::json({7, 9}));
  CHECK(m["feed"] == "lab");
  CHECK(m["flow_id"] == "F-1");
  CHECK(m["rescan"] == false);
}

TEST_CASE("unacknowledged notifications are resent to their FortiGate on its next hello") {
  IocOutbox outbox(1000, 1);
  auto a = outbox.add(note("10.0.0.5"), kTime, {"FGT1", "FGT2"});
  CHECK(a.id == "1000");
  auto b = outbox.add(note("10.0.0.6"), kTime, {"FGT1"});
  CHECK(b.id == "1001");
  CHECK(a.flow_id != b.flow_id);
  CHECK(outbox.acknowledge("FGT1", "1000"));
  CHECK_FALSE(outbox.acknowledge("FGT3", "1001"));  // not meant for FGT3
  CHECK_FALSE(outbox.acknowledge("FGT1", "999"));
  auto again = outbox.onHello("FGT1");
  REQUIRE(again.size() == 1);
  CHECK(again[0]["id"] == "1001");
  CHECK(outbox.onHello("FGT2").size() == 1);
  CHECK(outbox.onHello("FGT3").empty());
}

TEST_CASE("a notification raised with no FortiGate connected goes to the next one") {
  IocOutbox outbox(1, 1);
  outbox.add(note("10.0.0.5"), kTime, {});
  auto first = outbox.onHello("FGT7");
  REQUIRE(first.size() == 1);
  CHECK(outbox.onHello("FGT8").empty());  // it now belongs to FGT7
  CHECK(outbox.acknowledge("FGT7", first[0]["id"]));
  CHECK(outbox.onHello("FGT7").empty());
}

TEST_CASE("the outbox is bounded") {
  IocOutbox outbox(1, 1);
  for (std::size_t i = 0; i < kMaxOutbox + 5; ++i) outbox.add(note("10.0.0.5"), kTime, {"FGT1"});
  CHECK(outbox.size() == kMaxOutbox);
  CHECK(outbox.dropped() == 5);
}

TEST_CASE("the outbox state survives a save and load; a broken state is refused") {
  IocOutbox outbox(500, 1);
  outbox.add(note("10.0.0.5"), kTime, {"FGT1"});
  outbox.add(note("10.0.0.6"), kTime, {"FGT1"});
  REQUIRE(outbox.acknowledge("FGT1", "500"));
  nlohmann::json saved = outbox.saveState();

  IocOutbox restored(10, 2);  // a smaller first id must not win over the saved one
  std::string error;
  REQUIRE(restored.loadState(saved, &error));
  auto again = restored.onHello("FGT1");
  REQUIRE(again.size() == 1);
  CHECK(again[0]["id"] == "501");
  CHECK(restored.add(note("10.0.0.7"), kTime, {}).id == "502");

  IocOutbox other(1, 1);
  CHECK_FALSE(other.loadState(nlohmann::json::array(), &error));
  CHECK(error == "not a JSON object");
  nlohmann::json bad = saved;
  bad["entries"][0]["targets"] = {5};
  CHECK_FALSE(other.loadState(bad, &error));
  CHECK(error == "a target is not a string");
  CHECK(other.size() == 0);
}

#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/quarantine_service.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;

namespace {

struct Fixture {
  static std::vector<std::string> with(std::vector<std::string> extra) {
    auto lines = seedConfig();
    lines.insert(lines.end(), extra.begin(), extra.end());
    return lines;
  }
  explicit Fixture(const std::vector<std::string>& extra = {}) : cfg(makeEngine(with(extra))) {}
  TempDir dir;
  ManualClock clock;
  Lines log;
  std::unique_ptr<config::Engine> cfg;
  EndpointRegistry registry{device(), clock};
  EmsCallQueue queue{dir.path() / "q.db", clock};
  int wakes = 0;
  QuarantineService service{device(), *cfg, registry, queue, clock, log, 42, [this] { ++wakes; }};

  void connect(const std::string& ip, const std::string& ems_serial = kEmsSerial) {
    static std::uint64_t link = 1;
    REQUIRE(registry.handleMessage(link++, {ip, ""}, registerMessage(ip, kUid, ems_serial)).error.empty());
  }
  void expectRefused(const std::string& code, const std::string& reason) {
    auto out = service.requestCode(code, "diagnose");
    INFO(out.message);
    CHECK_FALSE(out.accepted);
    CHECK(out.message == reason);
    auto calls = queue.list();
    REQUIRE_FALSE(calls.empty());
    CHECK(calls.back().state == "refused");
    CHECK(calls.back().last_error == reason);
    auto errs = log.withLogid("0107045122");
    REQUIRE_FALSE(errs.empty());
    CHECK(fields(errs.back())["msg"].find(reason) != std::string::npos);
    CHECK(wakes == 0);
  }
};

}  // namespace

TEST_CASE("Q-<ip> of a connected endpoint with a userpass EMS is queued", "[quarantine]") {
  Fixture f;
  f.connect("127.0.2.5");
  auto out = f.service.requestCode("Q-127.0.2.5", "diagnose");
  CHECK(out.accepted);
  CHECK(out.message.rfind("queued: Q-127.0.2.5 as call", 0) == 0);
  CHECK(f.wakes == 1);
  auto c = f.queue.get(out.call_id);
  REQUIRE(c);
  CHECK(c->state == "queued");
  CHECK(c->request.ems_name == "e01");
  CHECK(c->request.uid == kUid);
  CHECK(c->request.flow_id == out.flow_id);
  CHECK(out.flow_id.rfind("F-", 0) == 0);
  CHECK(out.flow_id.size() == std::string("F-20251128-000001-abcd").size());
  // The accepted manual call is logged at once (0100044548 "Action performed"), with its flow id:
  // the FortiGate's step of the flow comes before EMS acts on it.
  auto acts = f.log.withLogid("0100044548");
  REQUIRE(acts.size() == 1);
  auto a = fields(acts[0]);
  CHECK(a["logdesc"] == "Action performed");
  CHECK(a["subtype"] == "system");
  CHECK(a["ui"] == "console");
  CHECK(a["user"] == "admin");
  CHECK(a["action"] == "quarantine");
  CHECK(a["srcip"] == "127.0.2.5");
  CHECK(a["flowid"] == out.flow_id);
  CHECK(a["msg"].rfind("EMS REST API call queued: Q-127.0.2.5 as call", 0) == 0);
  auto again = f.service.requestCode("Q-127.0.2.5", "diagnose");
  CHECK(again.duplicate);
  CHECK(again.call_id == out.call_id);
  CHECK(f.log.withLogid("0100044548").size() == 1);  // a duplicate queues nothing new
  auto u = f.service.request({"unquarantine", "127.0.2.5", "", "rest:bot"});
  CHECK(u.accepted);
  acts = f.log.withLogid("0100044548");
  REQUIRE(acts.size() == 2);
  CHECK(fields(acts[1])["user"] == "bot");
  CHECK(fields(acts[1])["ui"] == "REST API");
  CHECK(fields(acts[1])["action"] == "unquarantine");
  CHECK(fields(acts[1])["flowid"] == u.flow_id);
}

TEST_CASE("each failed prerequisite has its own reason", "[quarantine]") {
  SECTION("not connected") {
    Fixture f;
    f.expectRefused("Q-127.0.2.5", "endpoint 127.0.2.5 is not connected to this FortiGate");
  }
  SECTION("no EMS serial reported") {
    Fixture f;
    f.connect("127.0.2.5", "");
    f.expectRefused("Q-127.0.2.5", "endpoint 127.0.2.5 (uid " + kUid +
                                       ") has not reported the serial number of its EMS");
  }
  SECTION("no forticlient-ems entry for the EMS serial") {
    Fixture f;
    f.connect("127.0.2.5", "FCTEMS0000099999");
    f.expectRefused("Q-127.0.2.5",
                    "no forticlient-ems entry has serial-number FCTEMS0000099999 (the EMS of endpoint 127.0.2.5)");
  }
  SECTION("rest-api-auth disable") {
    Fixture f({"config endpoint-control forticlient-ems", "edit \"e01\"", "set rest-api-auth disable", "next", "end"});
    f.connect("127.0.2.5");
    f.expectRefused("Q-127.0.2.5", "forticlient-ems \"e01\" has rest-api-auth disable: no REST API credentials for EMS " +
                                       kEmsSerial);
  }
  SECTION("EMS address is not a host") {
    Fixture f({"config firewall address", "edit \"EMS01\"", "set subnet 127.0.1.0 255.255.255.0", "next", "end"});
    f.connect("127.0.2.5");
    f.expectRefused("Q-127.0.2.5", "forticlient-ems \"e01\": firewall address \"EMS01\" is not a single host");
  }
}

TEST_CASE("malformed codes are refused without touching the queue", "[quarantine]") {
  Fixture f;
  for (const std::string code : {"X-1.2.3.4", "Q", "Q-", "Q-host.example", "Q-1.2.3.4.5", "U-::1"}) {
    auto out = f.service.requestCode(code, "diagnose");
    CHECK_FALSE(out.accepted);
    CHECK_FALSE(out.message.empty());
  }
  CHECK(f.queue.list().empty());
  CHECK(f.log.lines.empty());
}

TEST_CASE("the quarantine-forticlient action queues with the event's flow id", "[quarantine]") {
  Fixture f;
  f.connect("127.0.2.5");
  QuarantineForticlientAction action(f.service);
  IocEvent e;
  e.endpoint_ip = "127.0.2.5";
  e.flow_id = "F-20261129-000007-beef";
  e.level = "high";
  auto r = action.run({e, 1, "stitch01", "trigger01", "action01", "quarantine-forticlient"});
  CHECK(r.ok);
  auto calls = f.queue.list();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].request.flow_id == "F-20261129-000007-beef");
  CHECK(calls[0].request.source == "stitch:stitch01");
  CHECK(f.log.withLogid("0100044548").empty());  // the automation engine logs a stitch's call
  e.endpoint_ip = "127.0.2.99";
  auto r2 = action.run({e, 2, "stitch01", "trigger01", "action01", "quarantine-forticlient"});
  CHECK_FALSE(r2.ok);
  CHECK(r2.detail == "endpoint 127.0.2.99 is not connected to this FortiGate");
}

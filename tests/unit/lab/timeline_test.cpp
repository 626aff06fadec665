#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include "scenarios/lab/internet_host.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/netns.h"
#include "scenarios/lab/timeline.h"

using namespace fabric::lab;
using nlohmann::json;

namespace {

json row(long long id, long long t, const std::string& devid, const std::string& type, json fields,
         const std::string& flow = "", const std::string& raw = "") {
  json r = {{"id", id}, {"time_ns", t}, {"devid", devid}, {"devname", devid.substr(0, 6)}, {"type", type},
            {"fields", fields}, {"raw", raw}};
  if (!flow.empty()) r["flow_id"] = flow;
  return r;
}

const long long kT = 1764331200000000000LL;

std::vector<json> endpointRows() {
  return {
      row(1, kT, "FCT8001234567890", "traffic", {{"url", "http://www.example.com/"}}, "",
          "url=\"http://www.example.com/\""),
      row(2, kT + 1000000, "FCT8001234567890", "traffic", {{"url", "http://malware.bad.example/x"}}, "",
          "url=\"http://malware.bad.example/x\""),
      row(9, kT + 90000000, "FCT8001234567890", "event", {{"msg", "Endpoint quarantined"}, {"flowid", "F-1"}}, "F-1"),
  };
}

std::vector<json> flowRows() {
  return {
      row(5, kT + 20000000, "FAZ-VM0012345678", "event",
          {{"msg", "IoC notification raised"}, {"indicator", "malware.bad.example"}}, "F-1"),
      row(6, kT + 30000000, "FGVM01TM12345678", "event", {{"logdesc", "Automation stitch triggered"}}, "F-1"),
      row(7, kT + 35000000, "FGVM01TM12345678", "event", {{"logdesc", "Compromised host detected"}}, "F-1"),
      row(8, kT + 50000000, "FCTEMS0012345678", "event", {{"msg", "quarantine command sent"}}, "F-1"),
      row(9, kT + 90000000, "FCT8001234567890", "event", {{"msg", "Endpoint quarantined"}}, "F-1"),
  };
}

}  // namespace

TEST_CASE("devices are told apart by their serial prefixes") {
  CHECK(deviceKind("FCTEMS0000012345") == DeviceKind::kEms);
  CHECK(deviceKind("FCT8001234567890") == DeviceKind::kFortiClient);
  CHECK(deviceKind("FAZ-VM0012345678") == DeviceKind::kFortiAnalyzer);
  CHECK(deviceKind("FGVM01TM12345678") == DeviceKind::kFortiGate);
  CHECK(deviceKind("X") == DeviceKind::kUnknown);
}

TEST_CASE("the five steps of a flow, step 1 being the endpoint log that carried the indicator") {
  auto t = buildTimeline("F-1", flowRows(), endpointRows());
  CHECK(t.indicator == "malware.bad.example");
  REQUIRE(t.steps.size() == 5);
  CHECK(t.hasSteps(1, 5));
  CHECK(t.inOrder(1, 5));
  CHECK(t.steps[0].time_ns == kT + 1000000);  // the malware visit, not the earlier harmless one
  CHECK(t.steps[2].log_count == 2);
  CHECK(t.steps[2].summary == "Automation stitch triggered");
  auto text = formatTimeline(t, "pc1 (127.1.1.1)");
  CHECK(text.find("flow F-1") != std::string::npos);
  CHECK(text.find("+0.040s") != std::string::npos);  // EMS 15 ms after... step 5 is 40 ms after step 4
  CHECK(text.find("total 0.089s") != std::string::npos);
  auto j = timelineJson(t);
  CHECK(j["steps"].size() == 5);
  CHECK(j["steps"][4]["since_previous_ms"] == Approx(40.0));
}

TEST_CASE("step 1 is timed by the analyzer's receipt: client lines have whole seconds only") {
  auto rows = endpointRows();
  rows[1]["received_ns"] = kT + 15000000;
  auto t = buildTimeline("F-1", flowRows(), rows);
  CHECK(t.steps[0].time_ns == kT + 15000000);
  CHECK(t.inOrder(1, 5));
  CHECK(t.steps[0].device == "FCT800");
}

TEST_CASE("the endpoint's answer to EMS is step 5 when its own event cannot reach the analyzer") {
  auto rows = flowRows();
  rows.pop_back();  // the FortiClient's quarantine event
  json result = row(10, kT + 70000000, "FCTEMS0012345678", "event", {{"logdesc", "Endpoint command result"}}, "F-1");
  result["logid"] = "0109045013";
  rows.push_back(result);
  auto t = buildTimeline("F-1", rows, endpointRows());
  CHECK(t.inOrder(1, 5));
  CHECK(t.steps[3].log_count == 1);
  CHECK(t.steps[4].time_ns == kT + 70000000);
}

TEST_CASE("a flow that stopped at the FortiGate lacks steps 4 and 5") {
  auto rows = flowRows();
  rows.resize(3);
  auto t = buildTimeline("F-1", rows, endpointRows());
  CHECK(t.hasSteps(1, 3));
  CHECK_FALSE(t.hasSteps(1, 4));
  CHECK_FALSE(t.steps[3].present);
  CHECK(formatTimeline(t, "pc1").find("(no log)") != std::string::npos);
}

TEST_CASE("logs of one step written in the same instant: the step shows the one the flow writes first") {
  auto withLogid = [](json r, const std::string& logid) {
    r["logid"] = logid;
    return r;
  };
  const long long same = kT + 50000000;
  json requested = withLogid(row(8, same, "FCTEMS0012345678", "event", {{"logdesc", "Quarantine requested"}}, "F-1"),
                             "0109045010");
  json sent = withLogid(row(11, same, "FCTEMS0012345678", "event", {{"logdesc", "Command sent to FortiClient"}}, "F-1"),
                        "0109045012");
  json detected = withLogid(row(6, kT + 30000000, "FGVM01TM12345678", "event", {{"logdesc", "Compromised host detected"}}, "F-1"),
                            "0100022953");
  json stitch = withLogid(row(7, kT + 30000000, "FGVM01TM12345678", "event", {{"logdesc", "Automation stitch triggered"}}, "F-1"),
                          "0100046600");
  auto base = flowRows();
  // Either order of the tied rows (the store returns ties in no promised order).
  for (bool reversed : {false, true}) {
    std::vector<json> rows = {base[0]};
    if (reversed) {
      rows.insert(rows.end(), {stitch, detected, sent, requested});
    } else {
      rows.insert(rows.end(), {detected, stitch, requested, sent});
    }
    rows.push_back(base[4]);
    auto t = buildTimeline("F-1", rows, endpointRows());
    CHECK(t.steps[2].summary == "Compromised host detected");
    CHECK(t.steps[3].summary == "Quarantine requested");
    CHECK(t.steps[3].log_count == 2);
    CHECK(t.steps[3].time_ns == same);
    CHECK(t.inOrder(1, 5));
  }
  // An earlier log still wins over an earlier place in the sequence.
  sent["time_ns"] = same - 1;
  auto t = buildTimeline("F-1", {base[0], requested, sent}, endpointRows());
  CHECK(t.steps[3].summary == "Command sent to FortiClient");
}

TEST_CASE("steps out of time order are not `in order`") {
  auto rows = flowRows();
  rows[3]["time_ns"] = kT + 10000000;  // EMS before the FortiAnalyzer
  auto t = buildTimeline("F-1", rows, endpointRows());
  CHECK(t.hasSteps(1, 5));
  CHECK_FALSE(t.inOrder(1, 5));
  CHECK(t.inOrder(1, 3));
}

TEST_CASE("flow ids of an endpoint, oldest first, once each") {
  auto rows = endpointRows();
  rows.push_back(row(10, kT + 100, "FCT8001234567890", "event", {{"flowid", "F-2"}}, "F-2"));
  rows.push_back(row(11, kT + 200, "FCT8001234567890", "event", {{"flowid", "F-1"}}, "F-1"));
  CHECK(flowIds(rows) == std::vector<std::string>{"F-1", "F-2"});
}

TEST_CASE("a flow says what it does: an IoC or Q- flow quarantines, a U- flow releases") {
  auto q = buildTimeline("F-1", flowRows(), endpointRows());
  CHECK(q.kind == "quarantine");  // the analyzer's IoC notification starts it
  std::vector<json> release = {
      row(20, kT + 200000000, "FGVM01TM12345678", "event",
          {{"logdesc", "Action performed"}, {"action", "unquarantine"}, {"msg", "EMS REST API call queued: U-127.1.1.1"}},
          "F-2"),
      row(21, kT + 210000000, "FCTEMS0012345678", "event", {{"action", "unquarantine"}}, "F-2"),
      row(22, kT + 220000000, "FCTEMS0012345678", "event", {{"action", "unquarantine"}}, "F-2"),
  };
  release[2]["logid"] = "0109045013";
  auto u = buildTimeline("F-2", release, endpointRows());
  CHECK(u.kind == "release");
  CHECK(u.inOrder(3, 5));
  CHECK_FALSE(u.steps[0].present);
  CHECK_FALSE(u.steps[1].present);
  CHECK(u.steps[4].title == "The endpoint releases itself and tells FortiGate and EMS");
  // The endpoint's own release event has whole seconds only: it is timed by its receipt, so it
  // does not put step 5 before the steps that caused it.
  auto own = row(23, kT, "FCT8001234567890", "event", {{"msg", "Endpoint released from quarantine"}}, "F-2");
  own["received_ns"] = kT + 230000000;
  release.push_back(own);
  auto u2 = buildTimeline("F-2", release, endpointRows());
  CHECK(u2.steps[4].log_count == 2);
  CHECK(u2.inOrder(3, 5));
  // A manual Q-: the FortiGate's queued line comes before EMS's, so 3..5 are in order.
  std::vector<json> manual = release;
  for (auto& r : manual) r["fields"]["action"] = "quarantine";
  manual[0]["fields"]["msg"] = "EMS REST API call queued: Q-127.1.1.1";
  CHECK(buildTimeline("F-3", manual, endpointRows()).kind == "quarantine");
  // A FortiGate refusal names the call in its msg only.
  std::vector<json> refused = {row(30, kT, "FGVM01TM12345678", "event", {{"msg", "U-127.1.1.1 refused: x"}}, "F-4")};
  CHECK(buildTimeline("F-4", refused, {}).kind == "release");
  CHECK(buildTimeline("F-5", {row(31, kT, "FCTEMS0012345678", "event", {{"msg", "x"}}, "F-5")}, {}).kind.empty());
}

TEST_CASE("choosing a flow: the newest, or the newest of a kind") {
  Timeline q1, r1, q2, unknown;
  q1.flow_id = "F-1";
  q1.kind = "quarantine";
  r1.flow_id = "F-2";
  r1.kind = "release";
  q2.flow_id = "F-3";
  q2.kind = "quarantine";
  unknown.flow_id = "F-4";
  std::vector<Timeline> all = {q1, r1, q2, unknown};
  CHECK(chooseFlow(all, FlowChoice::kLatest)->flow_id == "F-4");
  CHECK(chooseFlow(all, FlowChoice::kQuarantine)->flow_id == "F-3");
  CHECK(chooseFlow(all, FlowChoice::kRelease)->flow_id == "F-2");
  CHECK(chooseFlow({q1}, FlowChoice::kRelease) == nullptr);
  CHECK(chooseFlow({}, FlowChoice::kLatest) == nullptr);
  CHECK(parseFlowChoice("release") == FlowChoice::kRelease);
  CHECK_FALSE(parseFlowChoice("first"));
  CHECK(formatTimeline(r1, "pc1").rfind("Timeline of pc1, release flow F-2", 0) == 0);
  CHECK(timelineJson(q1)["kind"] == "quarantine");
}

TEST_CASE("netns setup: short interface names, one namespace per host, the lab /16") {
  PlanOptions o;
  o.netns = true;
  o.octet = 239;
  o.endpoint_count = 250;
  auto plan = makeLabPlan(o);
  auto commands = netnsSetupCommands(plan);
  int namespaces = 0;
  for (const auto& c : commands) {
    if (c.size() > 3 && c[1] == "netns" && c[2] == "add") ++namespaces;
    if (c.size() > 4 && c[1] == "link" && c[2] == "add") CHECK(c[3].size() <= 15);
  }
  CHECK(namespaces == 3 + 250 + 1);
  CHECK(labNamespaces(plan).back() == internetNamespace(plan));
  CHECK(plan.endpoints.back().address == "10.239.1.250");
  CHECK(netnsTeardownCommands(plan).back() == std::vector<std::string>{"/usr/sbin/ip", "link", "del", "fablab239"});
}

TEST_CASE("the internet host's DNS answers every A query with its own address") {
  // id 0x1234, RD, one question: malware.bad.example A IN
  std::string q = std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12) + "\x07malware\x03" "bad" "\x07" "example" +
                  std::string("\x00\x00\x01\x00\x01", 5);
  in_addr a{};
  inet_pton(AF_INET, "10.57.2.1", &a);
  auto r = dnsAnswer(q, ntohl(a.s_addr));
  REQUIRE(r);
  CHECK(r->substr(0, 2) == "\x12\x34");
  CHECK((static_cast<unsigned char>((*r)[2]) & 0x80) != 0);  // a response
  CHECK((*r)[7] == 1);                                         // one answer
  CHECK(r->substr(r->size() - 4) == std::string("\x0a\x39\x02\x01", 4));
  CHECK_FALSE(dnsAnswer("short", 1));
  std::string response = q;
  response[2] = static_cast<char>(0x81);
  CHECK_FALSE(dnsAnswer(response, 1));
  std::string aaaa = q;
  aaaa[aaaa.size() - 3] = 28;
  auto empty = dnsAnswer(aaaa, 1);
  REQUIRE(empty);
  CHECK((*empty)[7] == 0);
}

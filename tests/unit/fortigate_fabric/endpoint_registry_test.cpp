#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/endpoint_registry.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;

TEST_CASE("register adds a record, answers registered and logs 0107045057", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  auto out = reg.handleMessage(7, {"127.0.2.5", "FCT-CERT-1"}, registerMessage("127.0.2.5"));
  REQUIRE(out.error.empty());
  REQUIRE(out.reply);
  CHECK((*out.reply)["type"] == "registered");
  CHECK((*out.reply)["fgt_serial"] == "FGVM01TM26000001");
  REQUIRE(out.events.size() == 1);
  auto f = fields(render(out.events[0]));
  CHECK(f["logid"] == "0107045057");
  CHECK(f["subtype"] == "endpoint");
  CHECK(f["logdesc"] == "FortiClient connection added");
  CHECK(f["fctuid"] == kUid);
  CHECK(f["ip"] == "127.0.2.5");
  CHECK(f["name"] == "WIN-127.0.2.5");
  CHECK(f["user"] == "alice");
  CHECK(f["action"] == "add");
  CHECK(f["count"] == "1");
  const auto* r = reg.findByIp("127.0.2.5");
  REQUIRE(r);
  CHECK(r->ems_serial == kEmsSerial);
  CHECK(reg.findByUid(kUid) == r);
}

TEST_CASE("status updates the quarantine state; close logs 0107045058 and removes it", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  reg.handleMessage(1, {"127.0.2.5", ""}, registerMessage("127.0.2.5"));
  auto s = reg.handleMessage(1, {"127.0.2.5", ""}, {{"type", "status"}, {"state", "quarantined"}, {"flow_id", "F-1"}});
  CHECK(s.error.empty());
  CHECK(reg.findByIp("127.0.2.5")->quarantine_state == "quarantined");
  CHECK(reg.recordList().find("Quarantined: yes") != std::string::npos);
  CHECK(reg.recordList().find("quarantined records: 1") != std::string::npos);
  auto lines = reg.linkClosed(1, "peer timed out");
  REQUIRE(lines.size() == 1);
  auto f = fields(render(lines[0]));
  CHECK(f["logid"] == "0107045058");
  CHECK(f["logdesc"] == "FortiClient connection closed");
  CHECK(f["count"] == "0");
  CHECK(reg.findByIp("127.0.2.5") == nullptr);
  CHECK(reg.linkClosed(1, "again").empty());
}

TEST_CASE("bad telemetry messages are refused with their reason and change nothing", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  auto bad = [&](nlohmann::json m, const std::string& expect) {
    auto out = reg.handleMessage(3, {"127.0.2.9", ""}, m);
    INFO(m.dump());
    CHECK(out.error.find(expect) != std::string::npos);
    CHECK(out.events.empty());
    CHECK(reg.size() == 0);
  };
  bad(nlohmann::json::array(), "type");
  bad({{"type", 5}}, "type");
  auto m = registerMessage("127.0.2.9");
  m["uid"] = "xyz";
  bad(m, "uid must be 32 to 40 hexadecimal");
  m = registerMessage("127.0.2.9");
  m["ip"] = "10.0.0.300";
  bad(m, "is not an IPv4 address");
  m = registerMessage("127.0.2.9");
  m["os"] = "beos";
  bad(m, "os must be");
  m = registerMessage("127.0.2.9");
  m["mac"] = "zz";
  bad(m, "mac must look like");
  m = registerMessage("127.0.2.9");
  m.erase("hostname");
  bad(m, "missing field \"hostname\"");
  m = registerMessage("127.0.2.9");
  m["user"] = std::string(300, 'a');
  bad(m, "longer than 255");
  m = registerMessage("127.0.2.9");
  m["quarantine"] = {{"state", "maybe"}};
  bad(m, "quarantine state");
  m = registerMessage("127.0.2.9");
  m["hostname"] = "a\nb";
  bad(m, "control character");
  auto st = reg.handleMessage(3, {"127.0.2.9", ""}, {{"type", "status"}, {"state", "none"}});
  CHECK(st.error == "status before register");
  auto unk = reg.handleMessage(3, {"127.0.2.9", ""}, {{"type", "dance"}});
  CHECK(unk.error.find("unknown telemetry message type") != std::string::npos);
  CHECK_FALSE(unk.close_link);
}

TEST_CASE("a second link of the same uid supersedes the first", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  reg.handleMessage(1, {"127.0.2.5", ""}, registerMessage("127.0.2.5"));
  auto out = reg.handleMessage(2, {"127.0.2.5", ""}, registerMessage("127.0.2.5"));
  CHECK(out.superseded_link == 1);
  CHECK(reg.size() == 1);
  CHECK(reg.linkClosed(1, "superseded").empty());
  CHECK(reg.findByIp("127.0.2.5")->link_id == 2);
}

TEST_CASE("diagnose endpoint record list prints the FortiOS layout, filtered by ip", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  reg.handleMessage(1, {"127.0.2.10", "C1"}, registerMessage("127.0.2.10"));
  reg.handleMessage(2, {"127.0.2.9", "C2"}, registerMessage("127.0.2.9", "ABCDEF0123456789ABCDEF0123456789ABCDEF01"));
  const auto all = reg.recordList();
  CHECK(all.rfind("Record #1:\n                IP Address = 127.0.2.9\n", 0) == 0);
  CHECK(all.find("Record #2:\n                IP Address = 127.0.2.10\n") != std::string::npos);
  CHECK(all.find("MAC Address = 00:0c:29:aa:bb:cc\n") != std::string::npos);
  CHECK(all.find("EMS serial number: FCTEMS0000012345\n") != std::string::npos);
  CHECK(all.find("VDOM = root (0)\n") != std::string::npos);
  CHECK(all.find("Online status: online\n") != std::string::npos);
  CHECK(all.find("OS Type: WIN64\n") != std::string::npos);
  CHECK(all.find("online records: 2; offline records: 0; quarantined records: 0; out-of-sync records: 0\n") !=
        std::string::npos);
  const auto one = reg.recordList("127.0.2.10");
  CHECK(one.find("127.0.2.9") == std::string::npos);
  CHECK(one.find("online records: 1;") != std::string::npos);
  CHECK(reg.recordList("10.9.9.9") ==
        "online records: 0; offline records: 0; quarantined records: 0; out-of-sync records: 0\n");
}

TEST_CASE("lookups by ip and uid follow links opening and closing", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  const std::string uid2 = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
  reg.handleMessage(1, {"127.0.2.5", ""}, registerMessage("127.0.2.5"));
  reg.handleMessage(2, {"127.0.2.5", ""}, registerMessage("127.0.2.5", uid2));  // same ip, another endpoint
  CHECK(reg.findByIp("127.0.2.5")->link_id == 2);
  CHECK(reg.findByUid(kUid)->link_id == 1);
  CHECK(reg.findByUid(uid2)->link_id == 2);
  reg.linkClosed(2, "gone");
  CHECK(reg.findByIp("127.0.2.5")->link_id == 1);
  CHECK(reg.findByUid(uid2) == nullptr);
  // Re-register on the same link with a new address moves the ip index.
  auto m = registerMessage("127.0.2.6");
  reg.handleMessage(1, {"127.0.2.6", ""}, m);
  CHECK(reg.findByIp("127.0.2.5") == nullptr);
  CHECK(reg.findByIp("127.0.2.6")->link_id == 1);
  CHECK(reg.findByUid(kUid.substr(0, 10)) == nullptr);
  reg.linkClosed(1, "gone");
  CHECK(reg.size() == 0);
  CHECK(reg.findByIp("127.0.2.6") == nullptr);
}

TEST_CASE("an agent may register only as the endpoint its certificate names", "[registry]") {
  ManualClock clock;
  EndpointRegistry reg(device(), clock);
  const std::string other = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";
  auto out = reg.handleMessage(1, {"127.0.2.5", "", other}, registerMessage("127.0.2.5"));
  CHECK(out.error == "register refused: uid " + kUid + " does not match the agent certificate (CN \"" + other +
                         "\"): an agent may register only as the endpoint its certificate names");
  CHECK(out.close_link);
  REQUIRE(out.reply);
  CHECK((*out.reply)["type"] == "error");
  CHECK((*out.reply)["message"] == out.error);
  CHECK(reg.size() == 0);
  REQUIRE(out.events.size() == 1);
  auto f = fields(render(out.events[0]));
  CHECK(f["logid"] == "0107045113");
  CHECK(f["level"] == "warning");
  CHECK(f["fctuid"] == kUid);
  CHECK(f["ip"] == "127.0.2.5");
  CHECK(f["msg"] == out.error);

  // Its own certificate (CN in any case) registers.
  std::string lower = kUid;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ok = reg.handleMessage(2, {"127.0.2.5", "", lower}, registerMessage("127.0.2.5"));
  CHECK(ok.error.empty());
  CHECK(reg.size() == 1);
}

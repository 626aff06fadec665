// The FortiGate link protocol, analyzer side (docs/protocols.md), without a socket.
#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/fortigate_link_handler.h"

using namespace fabric::faz;
using json = nlohmann::json;

namespace {

FazConfig configWith(std::vector<std::string> registered,
                     UnregisteredDeviceOption option = UnregisteredDeviceOption::kAddAllowService) {
  FazConfig c;
  for (auto& s : registered) c.devices[s] = RegisteredDevice{s, "", ""};
  c.unregistered = option;
  return c;
}

json hello(const std::string& serial) {
  return json{{"type", "hello"}, {"serial", serial}, {"hostname", "FGT-LAB"}, {"version", "v6.0.4"}};
}

json logs(std::uint64_t seq, std::vector<std::string> lines) {
  return json{{"type", "logs"}, {"seq", seq}, {"lines", lines}};
}

}  // namespace

TEST_CASE("hello from a registered FortiGate is acked as registered and the link serves") {
  FazConfig config = configWith({"FGVM01TM26000001"});
  LinkContext ctx{"FAZ-VM0000000001", &config};
  FortiGateLinkState state;
  LinkActions a = handleLinkMessage(state, hello("FGVM01TM26000001"), ctx);
  REQUIRE(a.close_reason.empty());
  REQUIRE(a.hello_accepted);
  REQUIRE(a.send.size() == 1);
  CHECK(a.send[0] == json{{"type", "hello-ack"}, {"serial", "FAZ-VM0000000001"}, {"registered", true}});
  CHECK(state.phase == FortiGateLinkState::Phase::kReady);
  CHECK(state.hostname == "FGT-LAB");
  CHECK(state.version == "v6.0.4");
  CHECK(wantsNotifications(state));
}

TEST_CASE("an unregistered FortiGate is served, refused or dropped as unreg_dev_opt says") {
  FortiGateLinkState state;
  SECTION("add_allow_service (default): registered=false, logs accepted, notifications sent") {
    FazConfig config = configWith({});
    LinkActions a = handleLinkMessage(state, hello("FGVM01TM26000009"), {"FAZ1", &config});
    CHECK(a.send[0]["registered"] == false);
    CHECK(a.hello_accepted);
    CHECK(a.note.find("unregistered device FGVM01TM26000009") != std::string::npos);
    CHECK(wantsNotifications(state));
    LinkActions b = handleLinkMessage(state, logs(1, {"date=2026-11-29 type=event"}), {"FAZ1", &config});
    REQUIRE(b.submit);
    CHECK(b.submit->lines.size() == 1);
  }
  SECTION("add_no_service: listed, logs neither stored nor acked, no notifications") {
    FazConfig config = configWith({}, UnregisteredDeviceOption::kAddNoService);
    LinkActions a = handleLinkMessage(state, hello("FGVM01TM26000009"), {"FAZ1", &config});
    CHECK(a.send[0]["registered"] == false);
    CHECK_FALSE(wantsNotifications(state));
    LinkActions b = handleLinkMessage(state, logs(1, {"a=1", "b=2"}), {"FAZ1", &config});
    CHECK_FALSE(b.submit);
    CHECK(b.send.empty());
    CHECK(b.close_reason.empty());
    CHECK(state.refused_lines == 2);
  }
  SECTION("ignore: hello-ack then closed") {
    FazConfig config = configWith({}, UnregisteredDeviceOption::kIgnore);
    LinkActions a = handleLinkMessage(state, hello("FGVM01TM26000009"), {"FAZ1", &config});
    CHECK(a.send.size() == 1);
    CHECK(a.close_reason == "device FGVM01TM26000009 is not registered (unreg_dev_opt ignore)");
    CHECK_FALSE(a.hello_accepted);
  }
}

TEST_CASE("logs are submitted with their seq and acked only once committed") {
  FazConfig config = configWith({"FGT1"});
  LinkContext ctx{"FAZ1", &config};
  FortiGateLinkState state;
  handleLinkMessage(state, hello("FGT1"), ctx);

  LinkActions a = handleLinkMessage(state, logs(1, {"x=1", "y=2"}), ctx);
  REQUIRE(a.submit);
  CHECK(a.submit->seq == 1);
  CHECK(a.submit->lines == std::vector<std::string>{"x=1", "y=2"});
  CHECK(a.send.empty());  // no ack before the commit

  LinkActions b = handleLinkMessage(state, logs(2, {"z=3"}), ctx);
  REQUIRE(b.submit);
  CHECK(b.send.empty());

  auto ack1 = onLogsCommitted(state, 1);
  REQUIRE(ack1);
  CHECK(*ack1 == json{{"type", "logs-ack"}, {"seq", 1}});
  CHECK_FALSE(onLogsCommitted(state, 1));  // never twice
  auto ack2 = onLogsCommitted(state, 2);
  REQUIRE(ack2);
  CHECK((*ack2)["seq"] == 2);
  CHECK(state.acked_seq == 2);
}

TEST_CASE("an empty logs message is acked with everything before it") {
  FazConfig config = configWith({"FGT1"});
  LinkContext ctx{"FAZ1", &config};
  FortiGateLinkState state;
  handleLinkMessage(state, hello("FGT1"), ctx);
  SECTION("nothing pending: acked at once") {
    LinkActions a = handleLinkMessage(state, logs(5, {}), ctx);
    CHECK_FALSE(a.submit);
    REQUIRE(a.send.size() == 1);
    CHECK(a.send[0]["seq"] == 5);
  }
  SECTION("behind a pending message: acked when that one commits") {
    handleLinkMessage(state, logs(1, {"a=1"}), ctx);
    LinkActions a = handleLinkMessage(state, logs(2, {}), ctx);
    CHECK(a.send.empty());
    auto ack = onLogsCommitted(state, 1);
    REQUIRE(ack);
    CHECK((*ack)["seq"] == 2);
  }
}

TEST_CASE("malformed messages close the link with a specific reason and change nothing") {
  FazConfig config = configWith({"FGT1"});
  LinkContext ctx{"FAZ1", &config};
  FortiGateLinkState state;
  auto reasonFor = [&](const json& message, bool afterHello = true) {
    FortiGateLinkState s;
    if (afterHello) handleLinkMessage(s, hello("FGT1"), ctx);
    LinkActions a = handleLinkMessage(s, message, ctx);
    CHECK_FALSE(a.submit);
    return a.close_reason;
  };
  CHECK(reasonFor(json::array(), false) == "message is not a JSON object");
  CHECK(reasonFor(json{{"seq", 1}}, false) == "message without a string 'type'");
  CHECK(reasonFor(logs(1, {"a=1"}), false) == "expected hello, got 'logs'");
  CHECK(reasonFor(json{{"type", "hello"}}, false) == "hello without a string 'serial'");
  CHECK(reasonFor(json{{"type", "hello"}, {"serial", "A B"}}, false) ==
        "hello serial must be 1..35 printable characters");
  CHECK(reasonFor(json{{"type", "hello"}, {"serial", "FGT1"}, {"hostname", 5}}, false) ==
        "hello 'hostname' must be a string of at most 64 characters");
  CHECK(reasonFor(hello("FGT1")) == "second hello on the link");
  CHECK(reasonFor(json{{"type", "logs"}, {"lines", json::array()}}) ==
        "logs without a non-negative integer 'seq'");
  CHECK(reasonFor(json{{"type", "logs"}, {"seq", -1}, {"lines", json::array()}}) ==
        "logs without a non-negative integer 'seq'");
  CHECK(reasonFor(json{{"type", "logs"}, {"seq", 1}}) == "logs without an array 'lines'");
  CHECK(reasonFor(json{{"type", "logs"}, {"seq", 1}, {"lines", {"a=1", 7}}}) == "logs lines[1] is not a string");
  CHECK(reasonFor(json{{"type", "logs"}, {"seq", 0}, {"lines", json::array()}}) ==
        "logs seq 0 is not above the previous seq 0");
  json many = logs(1, {});
  many["lines"] = std::vector<std::string>(kMaxLinesPerMessage + 1, "a=1");
  CHECK(reasonFor(many) == "logs message with 10001 lines exceeds the limit of 10000");
  CHECK(reasonFor(json{{"type", "ioc-ack"}}) == "ioc-ack without a string 'id'");

  SECTION("seq must increase") {
    handleLinkMessage(state, hello("FGT1"), ctx);
    handleLinkMessage(state, logs(3, {"a=1"}), ctx);
    LinkActions a = handleLinkMessage(state, logs(3, {"a=1"}), ctx);
    CHECK(a.close_reason == "logs seq 3 is not above the previous seq 3");
    CHECK(state.phase == FortiGateLinkState::Phase::kClosed);
    // Nothing more is handled on a closed link.
    CHECK_FALSE(handleLinkMessage(state, logs(4, {"a=1"}), ctx).submit);
  }
}

TEST_CASE("the hello serial must match the certificate's serialNumber when it has one") {
  FazConfig config = configWith({"FGT1"});
  FortiGateLinkState state;
  state.certificate_serial = "FGT2";
  LinkActions a = handleLinkMessage(state, hello("FGT1"), {"FAZ1", &config});
  CHECK(a.close_reason == "hello serial 'FGT1' does not match the certificate serial 'FGT2'");
  CHECK(a.send.empty());
}

TEST_CASE("ioc-ack and unknown types") {
  FazConfig config = configWith({"FGT1"});
  LinkContext ctx{"FAZ1", &config};
  FortiGateLinkState state;
  handleLinkMessage(state, hello("FGT1"), ctx);
  LinkActions a = handleLinkMessage(state, json{{"type", "ioc-ack"}, {"id", "42"}}, ctx);
  REQUIRE(a.ioc_acked);
  CHECK(*a.ioc_acked == "42");
  LinkActions b = handleLinkMessage(state, json{{"type", "future-thing"}}, ctx);
  CHECK(b.close_reason.empty());
  CHECK(b.note == "unknown message type 'future-thing' ignored");
  CHECK(state.unknown_messages == 1);
  CHECK(handleLinkMessage(state, json{{"type", "heartbeat"}}, ctx).send.empty());
}

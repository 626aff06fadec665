// The EMS side of the agent link, without sockets.
#include "ems/console_commands.h"
#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

TEST_CASE("register answers registered with profile, gateways and the held state", "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  auto sent = ems.transport.sent[1];
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["type"] == "registered");
  CHECK(sent[0]["ems_serial"] == kSerial);
  CHECK(sent[0]["profile"] == nlohmann::json{{"name", "default"}, {"faz_address", "127.0.1.2"}, {"faz_port", 6514}});
  CHECK(sent[0]["gateways"] ==
        nlohmann::json::array({{{"name", "fgt1"}, {"address", "127.0.1.1"}, {"port", 8013}}}));
  CHECK(sent[0]["quarantine"]["state"] == "none");
  auto e = ems.registry.find(kUid1);
  REQUIRE(e);
  CHECK(e->online);
  CHECK(e->hostname == "PC-01");
  CHECK(ems.agents.isOnline(kUid1));
  CHECK(ems.sink.contains("logid=\"0109045001\""));
}

TEST_CASE("an endpoint without an assignment gets a null profile and no gateways", "[ems][agent]") {
  Ems ems(":memory:", {});
  ems.connect(1, kUid1, "127.0.5.1");
  CHECK(ems.transport.sent[1][0]["profile"].is_null());
  CHECK(ems.transport.sent[1][0]["gateways"] == nlohmann::json::array());
}

TEST_CASE("a malformed register is refused, closes the link and stores nothing", "[ems][agent]") {
  Ems ems;
  auto bad = ems.registerMessage(kUid1, "127.0.5.1");
  SECTION("uid") { bad["uid"] = "abc"; }
  SECTION("lower-case uid") { bad["uid"] = "0123456789abcdef0123456789abcdef01234567"; }
  SECTION("os") { bad["os"] = "solaris"; }
  SECTION("ip") { bad["ip"] = "10.0.0"; }
  SECTION("hostname") { bad["hostname"] = 5; }
  SECTION("quarantine") { bad["quarantine"] = {{"state", "maybe"}}; }
  SECTION("since") { bad["quarantine"] = {{"state", "none"}, {"since", "yesterday"}}; }
  SECTION("user") { bad["user"] = nlohmann::json::array(); }
  ems.agents.onOpen(1, "127.0.5.1");
  const std::string error = ems.agents.onMessage(1, bad);
  CHECK_FALSE(error.empty());
  CHECK(ems.transport.closed[1] == error);
  CHECK(ems.registry.count() == 0);
  CHECK_FALSE(ems.agents.isOnline(kUid1));
  CHECK(ems.sink.contains("0109045003"));
}

TEST_CASE("messages before register are a protocol violation", "[ems][agent]") {
  Ems ems;
  ems.agents.onOpen(1, "127.0.5.1");
  CHECK(ems.agents.onMessage(1, {{"type", "status"}, {"state", "quarantined"}}) == "'status' before 'register'");
  CHECK(ems.transport.closed.count(1));
  ems.agents.onOpen(2, "127.0.5.1");
  CHECK(ems.agents.onMessage(2, nlohmann::json::array()) == "message is not a JSON object");
  ems.agents.onOpen(3, "127.0.5.1");
  CHECK(ems.agents.onMessage(3, {{"type", 7}}) == "message has no 'type'");
  ems.agents.onOpen(4, "127.0.5.1");
  CHECK(ems.agents.onMessage(4, {{"type", "heartbeat"}}) == "");
  CHECK_FALSE(ems.transport.closed.count(4));
}

TEST_CASE("pending commands are sent in order after register and completed by command-result",
          "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.agents.onClose(1, "peer closed");
  CHECK_FALSE(ems.registry.find(kUid1)->online);
  CHECK(ems.sink.contains("0109045002"));

  auto q = ems.queue.add(kUid1, "quarantine", "F-1", "fortigate:127.0.1.1", "CODE", ems.state.now());
  auto u = ems.queue.add(kUid1, "unquarantine", "F-2", "fortigate:127.0.1.1", "", ems.state.now());
  CHECK_FALSE(ems.agents.deliverPending(kUid1));

  ems.connect(2, kUid1, "127.0.5.1");
  auto& sent = ems.transport.sent[2];
  REQUIRE(sent.size() == 3);
  CHECK(sent[0]["type"] == "registered");
  CHECK(sent[1] == q.toMessage());
  CHECK(sent[2] == u.toMessage());
  CHECK(ems.queue.find(q.id)->sent_count == 1);

  // Delivering again does not resend what is in flight on this link.
  CHECK(ems.agents.deliverPending(kUid1));
  CHECK(sent.size() == 3);

  CHECK(ems.agents.onMessage(2, {{"type", "command-result"}, {"id", q.id}, {"ok", true}, {"message", "quarantined"},
                                 {"state", "quarantined"}, {"flow_id", "F-1"}}) == "");
  CHECK(ems.queue.find(q.id)->status == "done");
  CHECK(ems.registry.find(kUid1)->quarantine == "quarantined");
  CHECK(ems.registry.find(kUid1)->quarantine_flow == "F-1");
  // The same result twice: refused, link stays.
  CHECK_FALSE(ems.agents.onMessage(2, {{"type", "command-result"}, {"id", q.id}, {"ok", true}}).empty());
  CHECK_FALSE(ems.transport.closed.count(2));
  // String ids are accepted (the agent echoes what it got).
  CHECK(ems.agents.onMessage(2, {{"type", "command-result"}, {"id", std::to_string(u.id)}, {"ok", true},
                                 {"state", "none"}, {"flow_id", "F-2"}}) == "");
  CHECK(ems.queue.pending(kUid1).empty());
  CHECK(ems.registry.find(kUid1)->quarantine == "none");
}

TEST_CASE("an unacknowledged command is sent again after a reconnect", "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  auto q = ems.queue.add(kUid1, "quarantine", "F-1", "fortigate:127.0.1.1", "CODE", 1);
  CHECK(ems.agents.deliverPending(kUid1));
  CHECK(ems.transport.ofType(1, "command").size() == 1);
  ems.agents.onClose(1, "timeout");
  ems.connect(2, kUid1, "127.0.5.1");
  auto again = ems.transport.ofType(2, "command");
  REQUIRE(again.size() == 1);
  CHECK(again[0]["id"] == q.id);
  CHECK(ems.queue.find(q.id)->sent_count == 2);
}

TEST_CASE("command-result and status are validated", "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.connect(2, kUid2, "127.0.5.2");
  auto other = ems.queue.add(kUid2, "quarantine", "F-9", "fortigate:127.0.1.1", "C", 1);
  CHECK(ems.agents.onMessage(1, {{"type", "command-result"}, {"ok", true}}) ==
        "command-result: 'id' must be a command id");
  CHECK(ems.agents.onMessage(1, {{"type", "command-result"}, {"id", 1}, {"ok", "yes"}}) ==
        "command-result: 'ok' must be true or false");
  CHECK(ems.agents.onMessage(1, {{"type", "command-result"}, {"id", 1}, {"ok", true}, {"state", "weird"}}) ==
        "command-result: 'state' must be none or quarantined");
  // Another endpoint's command cannot be completed from this link.
  CHECK(ems.agents.onMessage(1, {{"type", "command-result"}, {"id", other.id}, {"ok", true}}) ==
        "command-result: no pending command " + std::to_string(other.id) + " for this endpoint");
  CHECK(ems.queue.find(other.id)->status == "pending");
  CHECK(ems.agents.onMessage(1, {{"type", "status"}, {"state", "half"}}) ==
        "status: 'state' must be none or quarantined");
  CHECK(ems.agents.onMessage(1, {{"type", "bogus"}}) == "unknown message type 'bogus'");
  CHECK_FALSE(ems.transport.closed.count(1));

  CHECK(ems.agents.onMessage(1, {{"type", "status"}, {"state", "quarantined"}, {"flow_id", "F-7"}}) == "");
  CHECK(ems.registry.find(kUid1)->quarantine == "quarantined");
  CHECK(ems.sink.contains("flowid=\"F-7\""));
}

TEST_CASE("a second link for the same endpoint replaces the first", "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.connect(2, kUid1, "127.0.5.1");
  CHECK(ems.transport.closed[1].find("replaced by a new connection") == 0);
  ems.agents.onClose(1, "closed");
  CHECK(ems.agents.isOnline(kUid1));
  CHECK(ems.registry.find(kUid1)->online);
  // A link cannot switch identity.
  CHECK(ems.agents.onMessage(2, ems.registerMessage(kUid2, "127.0.5.1")) ==
        "register: this link is already registered as " + kUid1);
}

TEST_CASE("a configuration change pushes the new profile to online endpoints", "[ems][agent]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.run({"config endpoint profile", "edit \"default\"", "set faz-address 127.0.1.22", "next", "end"});
  auto pushed = ems.transport.ofType(1, "profile");
  REQUIRE(pushed.size() == 1);
  CHECK(pushed[0]["profile"]["faz_address"] == "127.0.1.22");
  CHECK(pushed[0]["gateways"].size() == 1);
  // No change, no push.
  ems.run({"config system server", "set admin-session-timeout 10", "end"});
  CHECK(ems.transport.ofType(1, "profile").size() == 1);
}

TEST_CASE("an agent may register only as the endpoint its certificate names", "[ems][agent]") {
  Ems ems;
  ems.agents.onOpen(1, "127.0.5.1", kUid2);  // certificate of endpoint 2 ...
  const std::string error = ems.agents.onMessage(1, ems.registerMessage(kUid1, "127.0.5.1"));  // ... claims 1
  CHECK(error == "register: uid " + kUid1 + " does not match the agent certificate (CN \"" + kUid2 +
                     "\"): an agent may register only as the endpoint its certificate names");
  CHECK(ems.transport.closed[1] == error);
  REQUIRE(ems.transport.ofType(1, "error").size() == 1);
  CHECK(ems.transport.ofType(1, "error")[0]["message"] == error);
  CHECK(ems.registry.count() == 0);
  CHECK_FALSE(ems.agents.isOnline(kUid1));
  CHECK(ems.sink.contains("logid=\"0109045003\""));
  CHECK(ems.sink.contains("does not match the agent certificate"));

  // The right certificate (its CN in any case) registers.
  ems.agents.onOpen(2, "127.0.5.1", "0123456789abcdef0123456789abcdef01234567");
  CHECK(ems.agents.onMessage(2, ems.registerMessage(kUid1, "127.0.5.1")) == "");
  CHECK(ems.agents.isOnline(kUid1));
  // A certificate without a name binds nothing it could match: refused too.
  ems.agents.onOpen(3, "127.0.5.2", std::string());
  CHECK_FALSE(ems.agents.onMessage(3, ems.registerMessage(kUid2, "127.0.5.2")).empty());
}

TEST_CASE("a sent command left unanswered times out; an offline endpoint's command waits", "[ems][agent]") {
  Ems ems;
  ems.run({"config system server", "set command-timeout 60", "end"});
  ems.connect(1, kUid1, "127.0.5.1");
  auto q = ems.queue.add(kUid1, "quarantine", "F-1", "fortigate:127.0.1.1", "CODE", ems.state.now());
  CHECK(ems.agents.deliverPending(kUid1));
  // Offline endpoint 2: its command is never sent, so it never times out.
  auto offline = ems.queue.add(kUid2, "quarantine", "F-2", "fortigate:127.0.1.1", "CODE2", ems.state.now());

  ems.clock.advance(std::chrono::seconds(59));
  CHECK(ems.agents.expireCommands() == 0);
  CHECK(ems.queue.find(q.id)->status == "pending");
  ems.clock.advance(std::chrono::seconds(1));
  CHECK(ems.agents.expireCommands() == 1);
  auto timed_out = ems.queue.find(q.id);
  CHECK(timed_out->status == "timeout");
  CHECK(timed_out->result_message == "no answer from FortiClient within 60 s (command-timeout) after it was sent 1 time");
  CHECK(ems.sink.contains("logid=\"0109045015\""));
  CHECK(ems.sink.contains("flowid=\"F-1\""));
  CHECK(ems.queue.find(offline.id)->status == "pending");
  CHECK(ems.queue.pending(kUid1).empty());  // final: not sent again on the next register
  ems.clock.advance(std::chrono::hours(24));
  CHECK(ems.agents.expireCommands() == 0);
  CHECK(ems.queue.find(offline.id)->status == "pending");

  // Shown by the REST API and the console.
  ems.signin();
  auto r = ems.rest.handle(ems.request("GET", "/api/v1/endpoints/" + kUid1));
  REQUIRE(r.status == 200);
  auto cmd = nlohmann::json::parse(r.body)["data"]["commands"][0];
  CHECK(cmd["status"] == "timeout");
  CHECK(cmd["result"]["message"] == timed_out->result_message);
  registerConsoleCommands(ems.engine, ems.state, ems.agents, ems.quarantine);
  auto console = ems.engine.openSession()->execute("diagnose endpoint commands " + kUid1);
  CHECK(console.output.find("status=timeout") != std::string::npos);
  CHECK(console.output.find("no answer from FortiClient within 60 s") != std::string::npos);

  // A late answer still records what the endpoint did.
  CHECK(ems.agents.onMessage(1, {{"type", "command-result"}, {"id", q.id}, {"ok", true}, {"message", "quarantined"},
                                 {"state", "quarantined"}, {"flow_id", "F-1"}}) == "");
  CHECK(ems.queue.find(q.id)->status == "done");
}

TEST_CASE("a command whose link dropped does not time out while the endpoint is offline", "[ems][agent]") {
  Ems ems;
  ems.run({"config system server", "set command-timeout 60", "end"});
  ems.connect(1, kUid1, "127.0.5.1");
  auto q = ems.queue.add(kUid1, "quarantine", "F-1", "fortigate:127.0.1.1", "CODE", ems.state.now());
  CHECK(ems.agents.deliverPending(kUid1));
  ems.agents.onClose(1, "peer timed out");
  ems.clock.advance(std::chrono::seconds(600));
  CHECK(ems.agents.expireCommands() == 0);
  ems.connect(2, kUid1, "127.0.5.1");  // sent again, and its timeout starts again
  CHECK(ems.transport.ofType(2, "command").size() == 1);
  ems.clock.advance(std::chrono::seconds(30));
  CHECK(ems.agents.expireCommands() == 0);
  ems.clock.advance(std::chrono::seconds(30));
  CHECK(ems.agents.expireCommands() == 1);
  CHECK(ems.queue.find(q.id)->result_message.find("sent 2 times") != std::string::npos);
}

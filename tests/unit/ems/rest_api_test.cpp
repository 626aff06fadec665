// REST /api/v1 as a function HttpRequest -> HttpResponse: sign-in, CSRF, endpoints, quarantine with
// every prerequisite failure and its own message and status.
#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

TEST_CASE("sign-in sets the session and CSRF cookies; bad credentials are refused", "[ems][rest]") {
  Ems ems;
  auto ok = ems.signin();
  CHECK(ok.status == 200);
  CHECK(bodyOf(ok)["result"]["retval"] == 1);
  CHECK(bodyOf(ok)["data"]["name"] == "admin");
  CHECK(ems.cookie.find("sessionid=") == 0);
  CHECK(ems.csrf.size() == 64);
  CHECK(ems.audit.recent(1)[0].action == "signin");

  Ems other;
  auto bad = other.signin("admin", "nope");
  CHECK(bad.status == 401);
  CHECK(bodyOf(bad)["result"]["retval"] == -1);
  CHECK(messageOf(bad) == kBadCredentials);
  CHECK(other.signin("ghost", "x").status == 401);
  CHECK(other.signin("admin", "").status == 401);
  CHECK(other.audit.recent(1)[0].result == "failure");
  CHECK(other.sink.contains("logid=\"0100032002\""));
  // The password never reaches a log line or the audit log.
  for (const auto& line : other.sink.lines) CHECK(line.find("nope") == std::string::npos);

  CHECK(other.rest.handle(other.request("POST", "/api/v1/auth/signin", "{not json")).status == 400);
  CHECK(other.rest.handle(other.request("POST", "/api/v1/auth/signin", R"({"name":"admin"})")).status == 400);
  CHECK(other.rest.handle(other.request("GET", "/api/v1/auth/signin")).status == 405);
}

TEST_CASE("an admin without a password or disabled cannot sign in", "[ems][rest]") {
  Ems ems(":memory:", {"config system server", "set remote-https-access enable", "end",
                       "config system admin", "edit \"off\"", "set password P4ss!", "set status disable", "next", "end"});
  CHECK(ems.signin("admin", "").status == 401);  // built-in admin, no password set
  CHECK(ems.signin("off", "P4ss!").status == 401);
}

TEST_CASE("every other path needs a session; writes need the CSRF token", "[ems][rest]") {
  Ems ems;
  CHECK(ems.get("/api/v1/endpoints").status == 401);
  CHECK(messageOf(ems.get("/api/v1/system/serial_number")) == kNotAuthenticated);
  REQUIRE(ems.signin().status == 200);
  auto serial = ems.get("/api/v1/system/serial_number");
  CHECK(serial.status == 200);
  CHECK(bodyOf(serial)["data"] == kSerial);

  const std::string token = ems.csrf;
  ems.csrf = "";
  auto no_csrf = ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}});
  CHECK(no_csrf.status == 403);
  CHECK(messageOf(no_csrf) == kCsrfFailed);
  ems.csrf = (token[0] == '0' ? "1" : "0") + token.substr(1);
  CHECK(ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}}).status == 403);
  ems.csrf = token;
  CHECK(ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}}).status == 404);

  CHECK(ems.get("/api/v1/nothing").status == 404);
  CHECK(ems.get("/api/v1/endpoints/quarantine").status == 405);
  CHECK(ems.rest.handle(ems.request("DELETE", "/api/v1/endpoints")).status == 405);

  CHECK(ems.get("/api/v1/auth/signout").status == 200);
  CHECK(ems.get("/api/v1/endpoints").status == 401);
}

TEST_CASE("a session expires after admin-session-timeout minutes idle", "[ems][rest]") {
  Ems ems;
  REQUIRE(ems.signin().status == 200);
  ems.clock.advance(std::chrono::minutes(29));
  CHECK(ems.get("/api/v1/endpoints").status == 200);
  ems.clock.advance(std::chrono::minutes(31));
  CHECK(ems.get("/api/v1/endpoints").status == 401);
}

TEST_CASE("remote HTTPS access disabled: only localhost is served", "[ems][rest]") {
  Ems ems;
  ems.run({"config system server", "set remote-https-access disable", "end"});
  auto refused = ems.signin();
  CHECK(refused.status == 403);
  CHECK(messageOf(refused) == kRemoteAccessDisabled);
  CHECK(ems.signin("admin", "S3cret!", "127.0.0.1").status == 200);
  CHECK(ems.get("/api/v1/endpoints", "127.0.0.1").status == 200);
  CHECK(ems.get("/api/v1/endpoints", "127.0.1.1").status == 403);
  CHECK(ems.get("/api/v1/endpoints", "::1").status == 200);
}

TEST_CASE("endpoints list and one endpoint", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  REQUIRE(ems.signin().status == 200);
  auto list = bodyOf(ems.get("/api/v1/endpoints"))["data"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["uid"] == kUid1);
  CHECK(list[0]["online"] == true);
  CHECK(list[0]["profile"] == "default");
  CHECK(list[0]["gateway_list"] == "gl1");
  CHECK(list[0]["quarantine"]["state"] == "none");

  auto one = ems.get("/api/v1/endpoints/" + kUid1);
  CHECK(one.status == 200);
  CHECK(bodyOf(one)["data"]["hostname"] == "PC-01");
  CHECK(bodyOf(one)["data"]["commands"] == nlohmann::json::array());
  CHECK(ems.get("/api/v1/endpoints/" + kUid2).status == 404);
  CHECK(ems.get("/api/v1/endpoints/nonsense").status == 404);
}

TEST_CASE("quarantine of an online endpoint is sent at once; the result completes it", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  REQUIRE(ems.signin().status == 200);
  auto r = ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}, {"flow_id", "F-20261128-000042-7f3a"}});
  REQUIRE(r.status == 200);
  auto data = bodyOf(r)["data"];
  CHECK(data["uid"] == kUid1);
  CHECK(data["state"] == "quarantined");
  CHECK(data["delivered"] == true);
  CHECK(data["flow_id"] == "F-20261128-000042-7f3a");
  auto cmds = ems.transport.ofType(1, "command");
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0]["action"] == "quarantine");
  CHECK(cmds[0]["source"] == "fortigate:127.0.1.1");
  CHECK(cmds[0]["flow_id"] == "F-20261128-000042-7f3a");
  CHECK(cmds[0]["access_code"].get<std::string>().size() == 8);
  CHECK(cmds[0]["id"] == data["command_id"]);
  CHECK(ems.sink.contains("flowid=\"F-20261128-000042-7f3a\""));

  // Asked again while pending: the same command, not a second one.
  auto again = ems.post("/api/v1/endpoints/quarantine", {{"uid", kUid1}});
  CHECK(bodyOf(again)["data"]["command_id"] == data["command_id"]);
  CHECK(ems.transport.ofType(1, "command").size() == 1);

  REQUIRE(ems.agents.onMessage(1, {{"type", "command-result"}, {"id", data["command_id"]}, {"ok", true},
                                   {"message", "quarantined"}, {"state", "quarantined"}}) == "");
  auto one = bodyOf(ems.get("/api/v1/endpoints/" + kUid1))["data"];
  CHECK(one["quarantine"]["state"] == "quarantined");
  CHECK(one["commands"][0]["status"] == "done");
  CHECK(one["commands"][0]["access_code"] == cmds[0]["access_code"]);

  auto release = ems.post("/api/v1/endpoints/unquarantine", {{"uid", kUid1}});
  CHECK(release.status == 200);
  CHECK(bodyOf(release)["data"]["state"] == "none");
  CHECK(ems.transport.ofType(1, "command").back()["action"] == "unquarantine");
  CHECK_FALSE(ems.transport.ofType(1, "command").back().contains("access_code"));
}

TEST_CASE("quarantine of an offline endpoint waits for its next register", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.agents.onClose(1, "gone");
  REQUIRE(ems.signin().status == 200);
  auto r = ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}});
  REQUIRE(r.status == 200);
  CHECK(bodyOf(r)["data"]["delivered"] == false);
  CHECK(messageOf(r).find("queued") != std::string::npos);
  CHECK(ems.queue.pending(kUid1).size() == 1);
  CHECK_FALSE(bodyOf(r)["data"]["flow_id"].get<std::string>().empty());
  ems.connect(2, kUid1, "127.0.5.1");
  CHECK(ems.transport.ofType(2, "command").size() == 1);
}

TEST_CASE("each quarantine prerequisite failure has its own message and status", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  REQUIRE(ems.signin().status == 200);
  const std::string path = "/api/v1/endpoints/quarantine";

  SECTION("not found") {
    auto r = ems.post(path, {{"ip", "127.0.5.99"}});
    CHECK(r.status == 404);
    CHECK(messageOf(r) == "Endpoint not found: no endpoint has IP address 127.0.5.99");
    CHECK(ems.post(path, {{"uid", kUid2}}).status == 404);
  }
  SECTION("no profile") {
    ems.run({"config endpoint assignment-rule", "edit 1", "unset profile", "next", "end"});
    auto r = ems.post(path, {{"ip", "127.0.5.1"}});
    CHECK(r.status == 409);
    CHECK(messageOf(r) == "No profile is assigned to endpoint PC-01 (127.0.5.1)");
  }
  SECTION("no gateway list") {
    ems.run({"config endpoint assignment-rule", "edit 1", "unset gateway-list", "next", "end"});
    auto r = ems.post(path, {{"ip", "127.0.5.1"}});
    CHECK(r.status == 409);
    CHECK(messageOf(r) == "No gateway list is assigned to endpoint PC-01 (127.0.5.1)");
  }
  SECTION("the gateway list does not contain the requesting FortiGate") {
    auto r = ems.post(path, {{"ip", "127.0.5.1"}}, "127.0.1.9");
    CHECK(r.status == 409);
    CHECK(messageOf(r) == "Gateway list \"gl1\" assigned to endpoint PC-01 does not contain FortiGate 127.0.1.9");
  }
  SECTION("Linux") {
    ems.connect(2, kUid2, "127.0.5.2", "linux");
    auto r = ems.post(path, {{"uid", kUid2}});
    CHECK(r.status == 409);
    CHECK(messageOf(r) == "Quarantine is not supported on FortiClient (Linux)");
    CHECK(ems.post("/api/v1/endpoints/unquarantine", {{"uid", kUid2}}).status == 409);
  }
  SECTION("bad bodies") {
    CHECK(ems.post(path, nlohmann::json::object()).status == 400);
    CHECK(ems.post(path, {{"ip", "127.0.5.1"}, {"uid", kUid1}}).status == 400);
    CHECK(ems.post(path, {{"ip", 5}}).status == 400);
    CHECK(ems.post(path, {{"ip", "1.2.3"}}).status == 400);
    CHECK(ems.post(path, {{"uid", "abc"}}).status == 400);
    CHECK(ems.post(path, {{"ip", "127.0.5.1"}, {"flow_id", "bad flow id"}}).status == 400);
    CHECK(ems.rest.handle(ems.request("POST", path, "[1,2")).status == 400);
    CHECK(ems.rest.handle(ems.request("POST", path, "[]")).status == 400);
  }
  // Whatever the failure, nothing was queued or sent.
  CHECK(ems.queue.allPending().empty());
  CHECK(ems.transport.ofType(1, "command").empty());
}

TEST_CASE("a read-only administrator cannot quarantine", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  REQUIRE(ems.signin("viewer", "View3r!").status == 200);
  CHECK(ems.get("/api/v1/endpoints").status == 200);
  auto r = ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}});
  CHECK(r.status == 403);
  CHECK(ems.queue.allPending().empty());
}

TEST_CASE("refused and accepted requests are audited", "[ems][rest]") {
  Ems ems;
  ems.connect(1, kUid1, "127.0.5.1");
  REQUIRE(ems.signin().status == 200);
  ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.77"}});
  ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}});
  auto audit = ems.audit.recent(3);
  REQUIRE(audit.size() == 3);
  CHECK(audit[0].result == "success");
  CHECK(audit[0].target == kUid1);
  CHECK(audit[1].result == "failure");
  CHECK(audit[1].message.find("Endpoint not found") == 0);
  CHECK(audit[2].action == "signin");
}

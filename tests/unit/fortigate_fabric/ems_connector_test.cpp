#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/ems_connector.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;
using namespace std::chrono_literals;

namespace {

nlohmann::json envelope(int retval, const std::string& message, nlohmann::json data = nullptr) {
  return {{"result", {{"retval", retval}, {"message", message}}}, {"data", data}};
}

// One fake EMS shared by every session the factory opens.
struct FakeEms {
  std::string password = "S3cret!";
  std::string serial = kEmsSerial;
  std::string cert_serial = kEmsSerial;
  std::string transport_error;  // non-empty: every request fails this way
  int call_status = 200;
  std::string call_message = "Endpoint quarantined";
  bool expire_sessions = false;  // next write answers 401 once
  int signins = 0;
  std::vector<nlohmann::json> posts;
  std::vector<std::string> passwords_seen;
  std::chrono::milliseconds last_timeout{0};
  // GET /api/v1/endpoints/<kUid>: command 17 as the EMS reports it ("" = the EMS lists no command).
  std::string command_status;
  std::string command_message;
  int endpoint_gets = 0;
};

struct FakeSession final : EmsSession {
  explicit FakeSession(FakeEms& e) : ems(e) {}
  EmsReply signIn(const std::string& name, const std::string& password) override {
    if (!ems.transport_error.empty()) return {0, ems.transport_error, nullptr};
    ++ems.signins;
    ems.passwords_seen.push_back(password);
    if (name != "admin" || password != ems.password) return {401, "", envelope(-1, "Invalid username or password")};
    signed_in = true;
    return {200, "", envelope(1, "Login successful", {{"name", name}})};
  }
  EmsReply get(const std::string& path) override {
    if (!ems.transport_error.empty()) return {0, ems.transport_error, nullptr};
    if (!signed_in) return {401, "", envelope(-1, "Not signed in")};
    if (path == "/api/v1/system/serial_number") return {200, "", envelope(1, "", ems.serial)};
    if (path == "/api/v1/endpoints/" + kUid) {
      ++ems.endpoint_gets;
      nlohmann::json commands = nlohmann::json::array();
      if (!ems.command_status.empty())
        commands.push_back({{"id", 17}, {"status", ems.command_status}, {"result", {{"message", ems.command_message}}}});
      return {200, "", envelope(1, "Endpoint retrieved", {{"uid", kUid}, {"commands", commands}})};
    }
    return {404, "", envelope(-1, "not found")};
  }
  EmsReply post(const std::string& path, const nlohmann::json& body) override {
    if (!ems.transport_error.empty()) return {0, ems.transport_error, nullptr};
    if (ems.expire_sessions) {
      ems.expire_sessions = false;
      signed_in = false;
    }
    if (!signed_in) return {401, "", envelope(-1, "Not signed in")};
    ems.posts.push_back({{"path", path}, {"body", body}});
    if (ems.call_status != 200) return {ems.call_status, "", envelope(-2, ems.call_message)};
    return {200, "", envelope(1, ems.call_message,
                              {{"uid", kUid}, {"state", "quarantined"}, {"command_id", 17}, {"delivered", true}})};
  }
  std::string peerSerialNumber() const override { return ems.cert_serial; }
  FakeEms& ems;
  bool signed_in = false;
};

struct FakeFactory final : EmsSessionFactory {
  explicit FakeFactory(FakeEms& e) : ems(e) {}
  std::unique_ptr<EmsSession> open(const EmsTarget& t) override {
    ++opened;
    ems.last_timeout = t.timeout;
    return std::make_unique<FakeSession>(ems);
  }
  FakeEms& ems;
  int opened = 0;
};

EmsTarget target() {
  EmsTarget t;
  t.name = "e01";
  t.host = "127.0.1.3";
  t.port = 443;
  t.serial = kEmsSerial;
  t.rest_api_auth = "userpass";
  t.username = "admin";
  t.password = "S3cret!";
  t.timeout = 1500ms;
  return t;
}

struct Fixture {
  TempDir dir;
  ManualClock clock;
  FakeEms ems;
  FakeFactory factory{ems};
  EmsCallQueue queue{dir.path() / "q.db", clock};
  std::vector<std::string> log;
  EmsTarget entry = target();
  bool entry_exists = true;
  RetryPolicy policy{3, 1000ms, 4000ms};
  EmsConnectorWorker worker{device(),
                            queue,
                            factory,
                            [this](const std::string&, std::string& reason) -> std::optional<EmsTarget> {
                              if (!entry_exists) {
                                reason = "forticlient-ems entry \"e01\" no longer exists";
                                return std::nullopt;
                              }
                              return entry;
                            },
                            [this](const EventRecord& e) { log.push_back(render(e)); },
                            clock,
                            policy};

  std::int64_t enqueue(const std::string& action = "quarantine") {
    return queue.enqueue({action, "127.0.2.5", kUid, "e01", kEmsSerial, "F-20261129-000001-aaaa", "diagnose"}).id;
  }
  EmsCall call(std::int64_t id) { return *queue.get(id); }
  std::string lastLogMsg() { return fields(log.back())["msg"]; }
};

}  // namespace

TEST_CASE("a call signs in, verifies the serial and posts with the flow id", "[connector]") {
  Fixture f;
  auto id = f.enqueue();
  CHECK(f.worker.drainOnce() == 1);
  auto c = f.call(id);
  CHECK(c.state == "done");
  CHECK(c.attempts == 1);
  CHECK(c.http_status == 200);
  CHECK(c.result == "EMS accepted quarantine of 127.0.2.5, state=quarantined, command_id=17, delivered=yes");
  REQUIRE(f.ems.posts.size() == 1);
  CHECK(f.ems.posts[0]["path"] == "/api/v1/endpoints/quarantine");
  CHECK(f.ems.posts[0]["body"]["uid"] == kUid);
  CHECK(f.ems.posts[0]["body"]["flow_id"] == "F-20261129-000001-aaaa");
  CHECK(f.ems.last_timeout == 1500ms);
  // No failure preceded it: FortiOS logs no "EMS REST API recovered from an error" (45128).
  CHECK(f.log.empty());

  // The session is reused: a second call does not sign in again; U- goes to /unquarantine.
  auto u = f.enqueue("unquarantine");
  f.worker.drainOnce();
  CHECK(f.call(u).state == "done");
  CHECK(f.ems.signins == 1);
  CHECK(f.factory.opened == 1);
  CHECK(f.ems.posts[1]["path"] == "/api/v1/endpoints/unquarantine");
}

TEST_CASE("wrong credentials are retried with backoff, then failed, the password never logged", "[connector]") {
  Fixture f;
  f.entry.password = "wrong-password";
  auto id = f.enqueue();
  f.worker.drainOnce();
  auto c = f.call(id);
  CHECK(c.state == "retrying");
  CHECK(c.http_status == 401);
  CHECK(c.last_error ==
        "EMS \"e01\" (https://127.0.1.3:443) refused the sign-in of admin \"admin\" (wrong credentials?): HTTP 401: "
        "Invalid username or password");
  CHECK(c.next_attempt_at == f.clock.now() + 1000ms);
  CHECK(fields(f.log.back())["logid"] == "0107045122");
  CHECK(f.lastLogMsg().find("attempt 1 failed, retry in 1000 ms") != std::string::npos);
  CHECK(f.worker.drainOnce() == 0);  // not due yet
  f.clock.advance(1000ms);
  f.worker.drainOnce();
  CHECK(f.call(id).next_attempt_at == f.clock.now() + 2000ms);
  f.clock.advance(2000ms);
  f.worker.drainOnce();
  c = f.call(id);
  CHECK(c.state == "failed");
  CHECK(c.attempts == 3);
  CHECK(c.last_error.rfind("gave up after 3 attempts: EMS \"e01\"", 0) == 0);
  for (const auto& line : f.log) CHECK(line.find("wrong-password") == std::string::npos);
  CHECK(f.queue.diagnoseList().find("wrong-password") == std::string::npos);
}

TEST_CASE("a fixed configuration lets a retried call succeed", "[connector]") {
  Fixture f;
  f.ems.transport_error = "connect 127.0.1.3:443: Connection refused";
  auto id = f.enqueue();
  f.worker.drainOnce();
  CHECK(f.call(id).last_error == "EMS \"e01\" (https://127.0.1.3:443) unreachable: connect 127.0.1.3:443: Connection refused");
  CHECK(f.call(id).http_status == 0);
  f.ems.transport_error.clear();
  f.clock.advance(1s);
  f.worker.drainOnce();
  CHECK(f.call(id).state == "done");
  CHECK(f.call(id).attempts == 2);
  CHECK(f.lastLogMsg().find("completed (attempt 2)") != std::string::npos);
  auto l = fields(f.log.back());
  CHECK(l["logid"] == "0107045128");
  CHECK(l["logdesc"] == "EMS REST API recovered from an error");
  CHECK(l["fctemsname"] == "e01");
  CHECK(l["fctemssn"] == kEmsSerial);
  CHECK(l["url"] == "https://127.0.1.3:443/api/v1/endpoints/quarantine");
  CHECK(l["httpcode"] == "200");
  CHECK(l["flowid"] == "F-20261129-000001-aaaa");
  // Recovered once: the next success is a plain one again.
  const auto logged = f.log.size();
  auto next = f.enqueue("unquarantine");
  f.worker.drainOnce();
  CHECK(f.call(next).state == "done");
  CHECK(f.log.size() == logged);
}

TEST_CASE("a call after another call's refusal logs the recovery", "[connector]") {
  Fixture f;
  f.ems.call_status = 409;
  f.ems.call_message = "No profile assigned to the endpoint";
  auto refused = f.enqueue();
  f.worker.drainOnce();
  CHECK(f.call(refused).state == "failed");
  CHECK(fields(f.log.back())["logid"] == "0107045122");
  f.ems.call_status = 200;
  f.ems.call_message = "Endpoint unquarantined";
  auto next = f.enqueue("unquarantine");
  f.worker.drainOnce();
  CHECK(f.call(next).state == "done");
  CHECK(f.call(next).attempts == 1);
  REQUIRE(f.log.size() == 2);
  CHECK(fields(f.log.back())["logid"] == "0107045128");
  CHECK(fields(f.log.back())["msg"].rfind("U-127.0.2.5 completed (attempt 1)", 0) == 0);
}

TEST_CASE("timeouts are recorded as such", "[connector]") {
  Fixture f;
  f.ems.transport_error = "timed out after 1.5 s";
  auto id = f.enqueue();
  f.worker.drainOnce();
  CHECK(f.call(id).last_error == "EMS \"e01\" (https://127.0.1.3:443) unreachable: timed out after 1.5 s");
}

TEST_CASE("serial mismatch: certificate and API are both checked", "[connector]") {
  SECTION("certificate") {
    Fixture f;
    f.ems.cert_serial = "FCTEMS0000077777";
    auto id = f.enqueue();
    f.worker.drainOnce();
    CHECK(f.call(id).last_error ==
          "EMS serial mismatch: forticlient-ems \"e01\" expects FCTEMS0000012345, the certificate of "
          "https://127.0.1.3:443 says FCTEMS0000077777");
    CHECK(f.ems.posts.empty());
  }
  SECTION("serial_number API") {
    Fixture f;
    f.ems.serial = "FCTEMS0000088888";
    auto id = f.enqueue();
    f.worker.drainOnce();
    CHECK(f.call(id).last_error ==
          "EMS serial mismatch: forticlient-ems \"e01\" expects FCTEMS0000012345, "
          "https://127.0.1.3:443/api/v1/system/serial_number says FCTEMS0000088888");
    CHECK(f.ems.posts.empty());
  }
}

TEST_CASE("the EMS's own refusals fail the call at once with its message", "[connector]") {
  struct Case {
    int status;
    std::string message;
  };
  for (const auto& k : {Case{404, "Endpoint not found"}, Case{409, "No profile assigned to the endpoint"},
                        Case{403, "Remote HTTPS access is disabled"},
                        Case{409, "Quarantine is not supported on FortiClient (Linux)"}}) {
    Fixture f;
    f.ems.call_status = k.status;
    f.ems.call_message = k.message;
    auto id = f.enqueue();
    f.worker.drainOnce();
    auto c = f.call(id);
    CHECK(c.state == "failed");
    CHECK(c.attempts == 1);
    CHECK(c.http_status == k.status);
    CHECK(c.last_error == "EMS \"e01\" (https://127.0.1.3:443) refused Q-127.0.2.5: HTTP " +
                              std::to_string(k.status) + ": " + k.message);
    auto l = fields(f.log.back());
    CHECK(l["logid"] == "0107045122");
    CHECK(l["httpcode"] == std::to_string(k.status));
    CHECK(l["msg"].find(k.message) != std::string::npos);
  }
}

TEST_CASE("5xx answers are retried; an expired session signs in again", "[connector]") {
  Fixture f;
  f.ems.call_status = 503;
  f.ems.call_message = "busy";
  auto id = f.enqueue();
  f.worker.drainOnce();
  CHECK(f.call(id).state == "retrying");
  CHECK(f.call(id).http_status == 503);
  f.ems.call_status = 200;
  f.ems.expire_sessions = true;
  f.clock.advance(1s);
  f.worker.drainOnce();
  CHECK(f.call(id).state == "done");
  CHECK(f.ems.signins == 2);
}

TEST_CASE("a call whose EMS entry was deleted fails with that reason", "[connector]") {
  Fixture f;
  f.entry_exists = false;
  auto id = f.enqueue();
  f.worker.drainOnce();
  CHECK(f.call(id).state == "failed");
  CHECK(f.call(id).last_error == "forticlient-ems entry \"e01\" no longer exists");
  CHECK(f.ems.signins == 0);
}

TEST_CASE("backoff doubles up to the cap", "[connector]") {
  RetryPolicy p{10, 1000ms, 5000ms};
  CHECK(p.backoffAfter(1) == 1000ms);
  CHECK(p.backoffAfter(2) == 2000ms);
  CHECK(p.backoffAfter(3) == 4000ms);
  CHECK(p.backoffAfter(4) == 5000ms);
  CHECK(p.backoffAfter(30) == 5000ms);
}

TEST_CASE("the worker thread drains calls as they are queued", "[connector]") {
  Fixture f;
  f.worker.start();
  auto id = f.enqueue();
  f.worker.wake();
  for (int i = 0; i < 2000 && f.call(id).state != "done"; ++i) std::this_thread::sleep_for(5ms);
  f.worker.stop();
  CHECK(f.call(id).state == "done");
}

TEST_CASE("an accepted call follows its EMS command: a timeout at the endpoint fails the call with the EMS's reason",
          "[connector]") {
  Fixture f;
  f.ems.command_status = "pending";
  auto id = f.enqueue();
  CHECK(f.worker.drainOnce() == 1);
  CHECK(f.call(id).state == "done");
  CHECK(f.call(id).command_id == 17);
  CHECK(f.call(id).endpoint_status == "pending");
  CHECK(f.ems.endpoint_gets == 0);  // the first look is a backoff step later
  f.clock.advance(1s);
  f.worker.drainOnce();
  CHECK(f.ems.endpoint_gets == 1);
  CHECK(f.call(id).endpoint_status == "pending");  // still waiting at the EMS
  REQUIRE(f.queue.nextDueTime());
  f.clock.advance(4s);
  f.ems.command_status = "timeout";
  f.ems.command_message = "no answer from FortiClient within 120 s (command-timeout) after it was sent 1 time";
  f.worker.drainOnce();
  auto c = f.call(id);
  CHECK(c.state == "failed");
  CHECK(c.endpoint_status == "timeout");
  CHECK(c.last_error ==
        "EMS reports command 17 timed out at the endpoint: no answer from FortiClient within 120 s (command-timeout) "
        "after it was sent 1 time");
  CHECK(fields(f.log.back())["logid"] == "0107045122");
  CHECK(f.lastLogMsg() == "Q-127.0.2.5 failed: " + c.last_error);
  CHECK(f.queue.diagnoseList().find("EMS command 17 at the endpoint: timeout") != std::string::npos);
  // Settled: not looked up again.
  f.clock.advance(60s);
  f.worker.drainOnce();
  CHECK(f.ems.endpoint_gets == 2);
}

TEST_CASE("a command the endpoint carried out is recorded; one the EMS does not list stops being followed",
          "[connector]") {
  Fixture f;
  f.ems.command_status = "done";
  f.ems.command_message = "quarantined";
  auto id = f.enqueue();
  f.worker.drainOnce();
  f.clock.advance(1s);
  f.worker.drainOnce();
  CHECK(f.call(id).state == "done");
  CHECK(f.call(id).endpoint_status == "done");
  CHECK(f.call(id).endpoint_message == "quarantined");

  f.ems.command_status = "";
  auto other = f.enqueue("unquarantine");
  f.worker.drainOnce();
  f.clock.advance(1s);
  f.worker.drainOnce();
  CHECK(f.call(other).state == "done");
  CHECK(f.call(other).endpoint_status == "unknown");
  CHECK(f.call(other).endpoint_message.find("does not list command 17") != std::string::npos);
}

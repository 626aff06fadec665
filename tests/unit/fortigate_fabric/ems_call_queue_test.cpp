#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/ems_call_queue.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;
using namespace std::chrono_literals;

namespace {
NewEmsCall call(const std::string& action, const std::string& ip) {
  return {action, ip, kUid, "e01", kEmsSerial, "F-1", "diagnose"};
}
}  // namespace

TEST_CASE("calls persist across reopening; a running call is requeued", "[queue]") {
  TempDir dir;
  ManualClock clock;
  const auto db = dir.path() / "ems_calls.db";
  std::int64_t id = 0;
  {
    EmsCallQueue q(db, clock);
    id = q.enqueue(call("quarantine", "127.0.2.5")).id;
    auto taken = q.takeDue();
    REQUIRE(taken);
    CHECK(taken->id == id);
    CHECK(taken->state == "running");
    CHECK(taken->attempts == 1);
    // the process dies here, mid-call
  }
  EmsCallQueue q(db, clock);
  CHECK(q.recoveredOnOpen() == 1);
  auto c = q.get(id);
  REQUIRE(c);
  CHECK(c->state == "queued");
  CHECK(c->attempts == 1);
  CHECK(c->code() == "Q-127.0.2.5");
  CHECK(c->request.flow_id == "F-1");
  CHECK(q.pendingCount() == 1);
}

TEST_CASE("calls of one endpoint keep their order; identical pending calls are not doubled", "[queue]") {
  TempDir dir;
  ManualClock clock;
  EmsCallQueue q(dir.path() / "q.db", clock);
  auto q1 = q.enqueue(call("quarantine", "127.0.2.5"));
  auto dup = q.enqueue(call("quarantine", "127.0.2.5"));
  CHECK(dup.duplicate);
  CHECK(dup.id == q1.id);
  auto u1 = q.enqueue(call("unquarantine", "127.0.2.5"));
  CHECK_FALSE(u1.duplicate);
  auto other = q.enqueue(call("quarantine", "127.0.2.6"));

  auto first = q.takeDue();
  REQUIRE(first);
  CHECK(first->id == q1.id);
  q.retryLater(first->id, 0, "EMS unreachable", clock.now() + 5s);
  // U- of the same endpoint must not overtake the retrying Q-; the other endpoint may go.
  auto second = q.takeDue();
  REQUIRE(second);
  CHECK(second->id == other.id);
  q.complete(second->id, 200, "ok");
  CHECK_FALSE(q.takeDue());
  REQUIRE(q.nextDueTime());
  CHECK(*q.nextDueTime() == clock.now() + 5s);
  clock.advance(5s);
  auto again = q.takeDue();
  REQUIRE(again);
  CHECK(again->id == q1.id);
  CHECK(again->attempts == 2);
  CHECK(again->last_error == "EMS unreachable");
  q.fail(again->id, 409, "EMS refused");
  auto u = q.takeDue();
  REQUIRE(u);
  CHECK(u->id == u1.id);
  q.complete(u->id, 200, "released");
  CHECK(q.pendingCount() == 0);
  CHECK_FALSE(q.nextDueTime());
  auto all = q.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].state == "failed");
  CHECK(all[0].last_error == "EMS refused");
  CHECK(all[0].http_status == 409);
  CHECK(all[1].result == "released");
  CHECK(all[2].state == "done");
  CHECK(all[2].result == "ok");
}

TEST_CASE("refused requests are kept with their reason and shown in the listing", "[queue]") {
  TempDir dir;
  ManualClock clock;
  EmsCallQueue q(dir.path() / "q.db", clock);
  q.recordRefused({"quarantine", "127.0.2.8", "", "", "", "F-9", "stitch:stitch01"},
                  "endpoint 127.0.2.8 is not connected to this FortiGate");
  CHECK_FALSE(q.takeDue());
  CHECK(q.pendingCount() == 0);
  const auto text = q.diagnoseList();
  CHECK(text.find("Q-127.0.2.8 action=quarantine state=refused") != std::string::npos);
  CHECK(text.find("last error: endpoint 127.0.2.8 is not connected to this FortiGate") != std::string::npos);
  CHECK(text.find("0 pending") != std::string::npos);
}

TEST_CASE("an unusable database path throws with the reason", "[queue]") {
  ManualClock clock;
  CHECK_THROWS_WITH(EmsCallQueue("/proc/nonexistent/dir/q.db", clock), Catch::Contains("cannot open"));
}

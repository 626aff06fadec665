#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/automation_store.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;
using namespace std::chrono_literals;

namespace {

struct RecordingRunner final : ActionRunner {
  ActionResult run(const ActionContext& c) override {
    calls.push_back(c.stitch + "/" + c.action + "@" + c.event.endpoint_ip);
    return {!fail, fail ? "boom" : "ok"};
  }
  std::vector<std::string> calls;
  bool fail = false;
};

IocEvent ioc(const std::string& level, const std::string& ip = "127.0.2.5") {
  IocEvent e;
  e.id = "1";
  e.endpoint_ip = ip;
  e.uid = kUid;
  e.indicator = "evil.example.com";
  e.indicator_type = "domain";
  e.threat = "Botnet C&C";
  e.level = level;
  e.flow_id = "F-20261129-000001-abcd";
  return e;
}

}  // namespace

TEST_CASE("ioc-level high fires on high only; medium on medium and high", "[automation]") {
  CHECK(iocLevelMatches("high", "high"));
  CHECK_FALSE(iocLevelMatches("high", "medium"));
  CHECK(iocLevelMatches("medium", "medium"));
  CHECK(iocLevelMatches("medium", "high"));
  CHECK_FALSE(iocLevelMatches("low", "high"));

  for (const std::string trigger_level : {"high", "medium"}) {
    auto cfg = makeEngine(seedConfig(trigger_level));
    ManualClock clock;
    Lines log;
    RecordingRunner runner;
    AutomationEngine engine(device(), *cfg, clock, log);
    engine.setRunner("quarantine-forticlient", &runner);
    const auto high = engine.onIocEvent(ioc("high"));
    const auto medium = engine.onIocEvent(ioc("medium"));
    CHECK(high.size() == 1);
    CHECK(medium.size() == (trigger_level == "medium" ? 1u : 0u));
    CHECK(runner.calls.size() == (trigger_level == "medium" ? 2u : 1u));
    CHECK(log.withLogid("0100022953").size() == 2);  // every IoC is logged, matched or not
  }
}

TEST_CASE("a match logs 0100022953 and 0100046600 with the real field sets", "[automation]") {
  auto cfg = makeEngine(seedConfig());
  ManualClock clock;
  Lines log;
  RecordingRunner runner;
  AutomationEngine engine(device(), *cfg, clock, log);
  engine.setRunner("quarantine-forticlient", &runner);
  auto runs = engine.onIocEvent(ioc("high"));
  REQUIRE(runs.size() == 1);
  REQUIRE(log.lines.size() == 2);
  auto ch = fields(log.lines[0]);
  CHECK(ch["logid"] == "0100022953");
  CHECK(ch["type"] == "event");
  CHECK(ch["subtype"] == "system");
  CHECK(ch["level"] == "warning");
  CHECK(ch["logdesc"] == "Compromised host detected");
  CHECK(ch["srcip"] == "127.0.2.5");
  CHECK(ch["flowid"] == "F-20261129-000001-abcd");
  auto st = fields(log.lines[1]);
  CHECK(st["logid"] == "0100046600");
  CHECK(st["level"] == "notice");
  CHECK(st["logdesc"] == "Automation stitch triggered");
  CHECK(st["stitch"] == "stitch01");
  CHECK(st["trigger"] == "trigger01");
  CHECK(st["stitchaction"] == "action01");
  CHECK(st["from"] == "log");
  CHECK(st["msg"] == "stitch:stitch01 is triggered.");
  CHECK(st["devid"] == "FGVM01TM26000001");
  CHECK(st["devname"] == "FGT-LAB");
  const auto* run = engine.run(runs[0]);
  REQUIRE(run);
  REQUIRE(run->steps.size() == 1);
  CHECK(run->steps[0].status == StepStatus::Done);
  CHECK(engine.stats().at("stitch01").triggered == 1);
}

TEST_CASE("disabled stitches, other event types and missing runners", "[automation]") {
  auto lines = seedConfig();
  lines.insert(lines.end(), {"config system automation-stitch", "edit \"stitch01\"", "set status disable", "next", "end"});
  auto cfg = makeEngine(lines);
  ManualClock clock;
  Lines log;
  AutomationEngine engine(device(), *cfg, clock, log);
  CHECK(engine.onIocEvent(ioc("high")).empty());

  auto cfg2 = makeEngine(seedConfig());
  AutomationEngine engine2(device(), *cfg2, clock, log);  // no runner registered
  auto runs = engine2.onIocEvent(ioc("high"));
  REQUIRE(runs.size() == 1);
  const auto& step = engine2.run(runs[0])->steps[0];
  CHECK(step.status == StepStatus::Failed);
  CHECK(step.detail == "action type quarantine-forticlient is not supported by Fabric Lab");
}

TEST_CASE("7.x config actions run in order with their delays; a failure skips the rest", "[automation]") {
  auto lines = seedConfig();
  lines.insert(lines.end(),
               {"config system automation-action", "edit \"mail\"", "set action-type email", "next", "end",
                "config system automation-stitch", "edit \"stitch01\"", "config actions", "edit 1",
                "set action \"action01\"", "next", "edit 2", "set action \"mail\"", "set delay 30", "next", "edit 3",
                "set action \"action01\"", "set delay 10", "next", "end", "next", "end"});
  auto cfg = makeEngine(lines);
  ManualClock clock;
  Lines log;
  RecordingRunner quarantine, mail;
  AutomationEngine engine(device(), *cfg, clock, log);
  engine.setRunner("quarantine-forticlient", &quarantine);
  engine.setRunner("email", &mail);
  auto runs = engine.onIocEvent(ioc("high"));
  REQUIRE(runs.size() == 1);
  CHECK(fields(log.withLogid("0100046600")[0])["stitchaction"] == "action01,mail,action01");
  CHECK(quarantine.calls.size() == 1);
  CHECK(mail.calls.empty());
  REQUIRE(engine.nextDue());
  CHECK(*engine.nextDue() == clock.now() + 30s);
  clock.advance(29s);
  engine.poll();
  CHECK(mail.calls.empty());
  clock.advance(1s);
  mail.fail = true;
  engine.poll();
  CHECK(mail.calls.size() == 1);
  const auto* run = engine.run(runs[0]);
  CHECK(run->steps[1].status == StepStatus::Failed);
  CHECK(run->steps[1].detail == "boom");
  CHECK(run->steps[2].status == StepStatus::Skipped);
  CHECK(run->steps[2].detail == "previous action \"mail\" failed");
  CHECK(run->finished());
  CHECK_FALSE(engine.nextDue());
  clock.advance(60s);
  engine.poll();
  CHECK(quarantine.calls.size() == 1);
}

TEST_CASE("6.0 action list uses each action's own delay", "[automation]") {
  auto lines = seedConfig();
  lines.insert(lines.end(), {"config system automation-action", "edit \"action01\"", "set delay 5", "next", "end"});
  auto cfg = makeEngine(lines);
  ManualClock clock;
  Lines log;
  RecordingRunner runner;
  AutomationEngine engine(device(), *cfg, clock, log);
  engine.setRunner("quarantine-forticlient", &runner);
  engine.onIocEvent(ioc("high"));
  CHECK(runner.calls.empty());
  clock.advance(5s);
  engine.poll();
  CHECK(runner.calls.size() == 1);
}

TEST_CASE("minimum-interval throttles an action and records the skip", "[automation]") {
  auto lines = seedConfig();
  lines.insert(lines.end(),
               {"config system automation-action", "edit \"action01\"", "set minimum-interval 60", "next", "end"});
  auto cfg = makeEngine(lines);
  ManualClock clock;
  Lines log;
  RecordingRunner runner;
  AutomationEngine engine(device(), *cfg, clock, log);
  engine.setRunner("quarantine-forticlient", &runner);
  engine.onIocEvent(ioc("high", "127.0.2.5"));
  clock.advance(59s);
  auto second = engine.onIocEvent(ioc("high", "127.0.2.6"));
  CHECK(runner.calls.size() == 1);
  const auto& step = engine.run(second[0])->steps[0];
  CHECK(step.status == StepStatus::Skipped);
  CHECK(step.detail.find("minimum-interval 60s") != std::string::npos);
  clock.advance(1s);
  engine.onIocEvent(ioc("high", "127.0.2.7"));
  CHECK(runner.calls.size() == 2);
  CHECK(engine.history().size() == 3);  // every run is recorded, skipped or not
  CHECK(engine.autodHistory().find("status=skipped") != std::string::npos);
}

TEST_CASE("diagnose automation test runs a stitch with a synthetic event", "[automation]") {
  auto cfg = makeEngine(seedConfig());
  ManualClock clock;
  Lines log;
  RecordingRunner runner;
  AutomationEngine engine(device(), *cfg, clock, log);
  engine.setRunner("quarantine-forticlient", &runner);
  std::uint64_t id = 0;
  CHECK(engine.testStitch("stitch01", "127.0.2.5", &id).empty());
  CHECK(runner.calls == std::vector<std::string>{"stitch01/action01@127.0.2.5"});
  CHECK(engine.run(id)->test);
  CHECK(fields(log.withLogid("0100046600")[0])["from"] == "diagnose");
  CHECK(engine.testStitch("nope", "1.2.3.4") == "stitch \"nope\" does not exist");
  CHECK(engine.autodSettings().find("stitch: stitch01, status: enable") != std::string::npos);
}

TEST_CASE("a delayed step, minimum-interval and hit counts survive a restart through the store", "[automation]") {
  auto lines = seedConfig();
  lines.insert(lines.end(), {"config system automation-action", "edit \"action01\"", "set delay 30",
                             "set minimum-interval 600", "next", "end"});
  auto cfg = makeEngine(lines);
  TempDir dir;
  ManualClock clock;
  Lines log;
  std::uint64_t first_run = 0;
  {
    AutomationStore store(dir.path() / "automation.db");
    RecordingRunner runner;
    AutomationEngine engine(device(), *cfg, clock, log, &store);
    engine.setRunner("quarantine-forticlient", &runner);
    auto runs = engine.onIocEvent(ioc("high", "127.0.2.5"));
    REQUIRE(runs.size() == 1);
    first_run = runs[0];
    clock.advance(10s);
    engine.poll();
    CHECK(runner.calls.empty());  // the process "dies" 10 s into the 30 s delay
  }
  clock.advance(60s);  // down longer than the delay: the step is overdue when the node is back
  {
    AutomationStore store(dir.path() / "automation.db");
    RecordingRunner runner;
    AutomationEngine engine(device(), *cfg, clock, log, &store);
    engine.setRunner("quarantine-forticlient", &runner);
    REQUIRE(engine.run(first_run));
    CHECK(engine.run(first_run)->steps[0].status == StepStatus::Pending);
    CHECK(engine.run(first_run)->event.flow_id == "F-20261129-000001-abcd");
    REQUIRE(engine.nextDue());
    CHECK(*engine.nextDue() <= clock.now());
    engine.poll();
    CHECK(runner.calls == std::vector<std::string>{"stitch01/action01@127.0.2.5"});
    CHECK(engine.run(first_run)->finished());
    CHECK(engine.stats().at("stitch01").triggered == 1);
    // A new run gets a new id, and its step is due 30 s later.
    auto runs = engine.onIocEvent(ioc("high", "127.0.2.6"));
    REQUIRE(runs.size() == 1);
    CHECK(runs[0] > first_run);
  }
  clock.advance(40s);
  {
    AutomationStore store(dir.path() / "automation.db");
    RecordingRunner runner;
    AutomationEngine engine(device(), *cfg, clock, log, &store);
    engine.setRunner("quarantine-forticlient", &runner);
    engine.poll();
    // action01 ran 40 s ago, before the restart: minimum-interval 600 still holds.
    CHECK(runner.calls.empty());
    REQUIRE(engine.history().size() == 2);
    CHECK(engine.history().back().steps[0].status == StepStatus::Skipped);
    CHECK(engine.history().back().steps[0].detail.find("minimum-interval 600s") != std::string::npos);
    CHECK(engine.stats().at("stitch01").triggered == 2);
    CHECK(engine.autodHistory().find("autod log history: 2 runs") != std::string::npos);
  }
}

TEST_CASE("stored runs round-trip every field", "[automation]") {
  RunRecord r;
  r.id = 7;
  r.stitch = "s";
  r.trigger = "t";
  r.test = true;
  r.started_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764331200123));
  r.event = ioc("medium");
  r.event.log_ids = {"1", "2"};
  r.event.rescan = true;
  StepRecord s;
  s.action = "a";
  s.action_type = "quarantine-forticlient";
  s.delay_seconds = 5;
  s.due = r.started_at + 5s;
  s.status = StepStatus::Failed;
  s.detail = "why";
  s.finished_at = r.started_at + 6s;
  r.steps.push_back(s);
  auto back = runFromStored(runToStored(r));
  CHECK(runToStored(back) == runToStored(r));
  CHECK(back.steps[0].due == s.due);
  auto bad = runToStored(r);
  bad["steps"][0]["status"] = "exploded";
  CHECK_THROWS(runFromStored(bad));
}

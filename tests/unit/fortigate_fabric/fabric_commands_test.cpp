#include <catch2/catch.hpp>

#include "fabric_test_support.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/fabric_commands.h"
#include "fortigate/fabric/faz_link_session.h"
#include "fortigate/fabric/quarantine_service.h"

using namespace fabric;
using namespace fabric::fortigate;
using namespace fabric::fortigate::test;

TEST_CASE("diagnose commands drive the registry, queue and automation from a console session", "[commands]") {
  TempDir dir;
  ManualClock clock;
  Lines log;
  auto cfg = makeEngine(seedConfig());
  EndpointRegistry registry(device(), clock);
  EmsCallQueue queue(dir.path() / "q.db", clock);
  AutomationEngine automation(device(), *cfg, clock, log);
  QuarantineService service(device(), *cfg, registry, queue, clock, log, 7);
  QuarantineForticlientAction action(service);
  automation.setRunner("quarantine-forticlient", &action);
  logship::DiskLogBuffer faz_buffer(dir.path() / "faz-logbuf");
  FazLinkSession faz(device(), faz_buffer);
  registerFabricCommands(*cfg, {registry, automation, service, queue, &faz, {}});
  registry.handleMessage(1, {"127.0.2.5", ""}, registerMessage("127.0.2.5"));
  auto s = cfg->openSession();

  auto r = s->execute("diagnose endpoint record list 127.0.2.5");
  CHECK(r.ok());
  CHECK(r.output.find("IP Address = 127.0.2.5") != std::string::npos);

  r = s->execute("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-127.0.2.5");
  CHECK(r.ok());
  CHECK(r.output.rfind("queued: Q-127.0.2.5 as call 1 for EMS \"e01\"", 0) == 0);

  r = s->execute("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-127.0.2.77");
  CHECK(r.return_code == -1);
  CHECK(r.output ==
        "endpoint 127.0.2.77 is not connected to this FortiGate\nCommand fail. Return code -1\n");

  r = s->execute("diagnose endpoint forticlient-ems-rest-api queue-list");
  CHECK(r.ok());
  CHECK(r.output.find("call 1: Q-127.0.2.5 action=quarantine state=queued") != std::string::npos);
  CHECK(r.output.find("call 2: Q-127.0.2.77 action=quarantine state=refused") != std::string::npos);

  r = s->execute("diagnose automation test stitch01 127.0.2.5");
  CHECK(r.ok());
  CHECK(r.output.rfind("automation test is done. stitch:stitch01\n", 0) == 0);
  CHECK(r.output.find("action action01: done (already queued: Q-127.0.2.5") != std::string::npos);

  r = s->execute("diagnose test application autod 3");
  CHECK(r.output.find("run 1: stitch=stitch01 trigger=trigger01 (test)") != std::string::npos);

  r = s->execute("execute log fortianalyzer test-connectivity");
  CHECK(r.ok());
  CHECK(r.output.find("FortiAnalyzer link: down") != std::string::npos);

  CHECK(s->execute("diagnose endpoint record list 1 2").return_code == -61);
  CHECK(s->execute("diagnose automation test").return_code == -1);
}

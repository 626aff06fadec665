// The analyzer's console commands, run through a config session as the console server does.
#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/faz_node.h"
#include "node_test_support.h"

using namespace fabric;
using namespace fabric::faz;
using namespace fabric::faz::test;

TEST_CASE("get system status, execute log filter/display, diagnose") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  LinkId link = node.pipeline().openLink(SenderInfo{"127.0.9.50", Transport::kUdp, false, "test"});
  MessageBatch batch;
  for (int i = 0; i < 15; ++i) batch.add(fortiGateLine("10.0.0." + std::to_string(i % 3)));
  batch.add(std::string(2000000, 'x'));  // longer than any max-message-size: dropped by the pipeline
  REQUIRE(node.pipeline().submit(link, batch, 0, std::chrono::seconds(10)) == SubmitResult::kAccepted);
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));

  auto session = node.engine().openSession();
  auto status = session->execute("get system status");
  REQUIRE(status.ok());
  CHECK(status.output.find("Serial Number                   : FAZ-VM0000000042\n") != std::string::npos);
  CHECK(status.output.find("Hostname                        : FAZ-VM64\n") != std::string::npos);

  REQUIRE(session->execute("execute log filter field srcip 10.0.0.1").ok());
  REQUIRE(session->execute("execute log filter view-lines 2").ok());
  auto display = session->execute("execute log display");
  REQUIRE(display.ok());
  CHECK(display.output.rfind("5 logs found.\n2 logs returned.\n", 0) == 0);
  CHECK(display.output.find("1: date=2026-11-29") != std::string::npos);
  CHECK(display.output.find("srcip=10.0.0.1") != std::string::npos);

  auto bad = session->execute("execute log filter free-style srcip~~x");
  CHECK_FALSE(bad.ok());
  CHECK(bad.output.find("unknown operator") != std::string::npos);
  CHECK_FALSE(session->execute("execute log filter view-lines 0").ok());
  REQUIRE(session->execute("execute log filter reset").ok());
  auto all = session->execute("execute log display");
  CHECK(all.output.find("logs returned.\n") != std::string::npos);

  auto stat = session->execute("diagnose fortilogd msgstat");
  REQUIRE(stat.ok());
  CHECK(stat.output.find("oversized: 1") != std::string::npos);
  CHECK(stat.output.find("127.0.9.50") != std::string::npos);

  auto devices = session->execute("diagnose dvm device list");
  REQUIRE(devices.ok());
  CHECK(devices.output.find("FGVM01TM26000001") != std::string::npos);
  CHECK(devices.output.find("unregistered") != std::string::npos);
  CHECK_FALSE(session->execute("execute ioc acknowledge nobody").ok());
}

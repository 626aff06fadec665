// The EMS console commands: status, endpoint list, commands, audit, admin quarantine.
#include "ems/console_commands.h"
#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

namespace {
struct ConsoleEms : Ems {
  ConsoleEms() { registerConsoleCommands(engine, state, agents, quarantine); }
  fabric::config::LineResult line(const std::string& text) { return engine.openSession()->execute(text); }
};
}  // namespace

TEST_CASE("get system status and diagnose endpoint list", "[ems][console]") {
  ConsoleEms ems;
  ems.connect(1, kUid1, "127.0.5.1");
  auto status = ems.line("get system status");
  REQUIRE(status.ok());
  CHECK(status.output.find("Serial-Number: " + kSerial) != std::string::npos);
  CHECK(status.output.find("Endpoints: 1 registered, 1 online") != std::string::npos);
  auto list = ems.line("diagnose endpoint list");
  REQUIRE(list.ok());
  CHECK(list.output.find(kUid1) != std::string::npos);
  CHECK(list.output.find("online") != std::string::npos);
  CHECK(list.output.find("Total: 1 endpoints") != std::string::npos);
  CHECK_FALSE(ems.line("diagnose endpoint list extra").ok());
}

TEST_CASE("execute endpoint quarantine from the console skips the gateway check only", "[ems][console]") {
  ConsoleEms ems;
  ems.connect(1, kUid1, "127.0.5.1");
  ems.connect(2, kUid2, "127.0.5.2", "linux");
  ems.run({"config endpoint assignment-rule", "edit 1", "unset gateway-list", "next", "end"});
  auto r = ems.line("execute endpoint quarantine 127.0.5.1");
  INFO(r.output);
  REQUIRE(r.ok());
  CHECK(r.output.find("request sent to the endpoint") != std::string::npos);
  auto cmds = ems.transport.ofType(1, "command");
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0]["source"] == "admin:console");

  auto linux_refused = ems.line("execute endpoint quarantine " + kUid2);
  CHECK_FALSE(linux_refused.ok());
  CHECK(linux_refused.output.find(kLinuxNotSupported) == 0);
  CHECK_FALSE(ems.line("execute endpoint quarantine nonsense").ok());
  CHECK_FALSE(ems.line("execute endpoint unquarantine").ok());
  CHECK(ems.line("execute endpoint quarantine 127.0.5.200").output.find("Endpoint not found") == 0);

  auto pending = ems.line("diagnose endpoint commands");
  CHECK(pending.output.find("action=quarantine status=pending") != std::string::npos);
  auto audit = ems.line("diagnose audit list 5");
  CHECK(audit.output.find("admin=console") != std::string::npos);
  CHECK_FALSE(ems.line("diagnose audit list 0").ok());
}

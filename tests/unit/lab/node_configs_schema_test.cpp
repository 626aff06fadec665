// Each configuration file a lab writes loads, as a whole, into its own node's schema (the EMS and
// FortiAnalyzer schemas of ems/ and fortianalyzer/daemon/), and says what the lab plan says.
#include <catch2/catch.hpp>

#include "common/config/engine.h"
#include "common/config/secret_box.h"
#include "ems/ems_schema.h"
#include "fortianalyzer/daemon/faz_schema.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/node_configs.h"

using namespace fabric;
using namespace fabric::lab;

TEST_CASE("the EMS file loads into the EMS schema: admin, server, profile, gateway list, rule") {
  PlanOptions o;
  o.octet = 71;
  auto plan = makeLabPlan(o);
  config::Engine engine(ems::makeEmsSchema(), "EMS", std::string(32, 'k'));
  auto result = engine.load(emsConfig(plan, config::SecretBox::hashPassword("pw-1")));
  INFO(result.output);
  REQUIRE(result.ok());
  CHECK(engine.verifyPassword({"system admin", "admin"}, "password", "pw-1"));
  CHECK(engine.value({"system server"}, "remote-https-access") == std::string("enable"));
  CHECK(engine.value({"system server"}, "fct-port") == std::string("8013"));
  CHECK(engine.value({"endpoint profile", "lab-profile"}, "faz-address") == plan.node("fortianalyzer")->address);
  CHECK(engine.value({"endpoint gateway-list", "lab-gateways", "fortigate", plan.node("fortigate")->hostname},
                     "address") == plan.node("fortigate")->address);
  CHECK(engine.value({"endpoint assignment-rule", "1"}, "profile") == std::string("lab-profile"));
  CHECK(engine.value({"endpoint assignment-rule", "1"}, "gateway-list") == std::string("lab-gateways"));
  CHECK(engine.value({"endpoint assignment-rule", "1"}, "match-ip") == std::string("127.71.1.0 255.255.255.0"));
}

TEST_CASE("the FortiAnalyzer file loads into its schema: ports, the FortiGate device, the demo feed") {
  PlanOptions o;
  o.octet = 72;
  o.privileged_ports = false;
  auto plan = makeLabPlan(o);
  config::Engine engine(faz::makeFortiAnalyzerSchema(), "FAZ", std::string(32, 'k'));
  auto result = engine.load(fortianalyzerConfig(plan));
  INFO(result.output);
  REQUIRE(result.ok());
  CHECK(engine.value({"system log-receiver"}, "syslog-tls-port") == std::string("16514"));
  CHECK(engine.value({"system admin setting"}, "https_port") == std::string("10443"));
  CHECK(engine.value({"system device", plan.node("fortigate")->serial}, "ip") == plan.node("fortigate")->address);
  CHECK(engine.value({"system threat-feed", "lab-demo"}, "format") == std::string("csv"));
  CHECK(engine.value({"system threat-feed", "lab-demo"}, "file") == std::string("../../feeds/demo-feed.txt"));
}

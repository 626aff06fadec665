// Assignment rules: lowest matching id wins; hostname glob, IP range and OS all must match.
#include "ems/assignment.h"
#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

TEST_CASE("hostname patterns and subnets", "[ems][assignment]") {
  CHECK(hostnameMatches("*", "anything"));
  CHECK(hostnameMatches("pc-*", "PC-01"));
  CHECK_FALSE(hostnameMatches("srv-??", "PC-01"));
  CHECK(addressInSubnet("10.0.0.0 255.0.0.0", "10.1.2.3"));
  CHECK_FALSE(addressInSubnet("10.0.0.0 255.0.0.0", "11.1.2.3"));
  CHECK(addressInSubnet("0.0.0.0 0.0.0.0", "192.0.2.1"));
  CHECK_FALSE(addressInSubnet("0.0.0.0 0.0.0.0", "not-an-ip"));
}

TEST_CASE("the first matching rule gives the profile and the gateway list", "[ems][assignment]") {
  Ems ems;
  ems.run({"config endpoint profile", "edit \"servers\"", "set faz-address 127.0.9.9", "set faz-port 16514",
           "next", "end"});
  auto a = assignEndpoint(ems.engine, "PC-01", "127.0.5.1", "windows");
  REQUIRE(a.profile);
  CHECK(a.profile->name == "default");
  CHECK(a.profile->faz_address == "127.0.1.2");
  CHECK(a.profile->faz_port == 6514);
  CHECK(a.gateway_list == "gl1");
  REQUIRE(a.gateways.size() == 1);
  CHECK(a.gateways[0] == GatewayEntry{"fgt1", "127.0.1.1", 8013});
  CHECK(a.hasGateway("127.0.1.1"));
  CHECK_FALSE(a.hasGateway("127.0.1.9"));
  CHECK(a.profileJson() == nlohmann::json{{"name", "default"}, {"faz_address", "127.0.1.2"}, {"faz_port", 6514}});
}

TEST_CASE("rules are tried in id order and a disabled rule is skipped", "[ems][assignment]") {
  Ems ems(":memory:", {"config endpoint profile", "edit \"p-servers\"", "set faz-address 127.0.9.9", "next",
                         "edit \"p-all\"", "set faz-address 127.0.9.8", "next", "end",
                         "config endpoint assignment-rule",
                         "edit 20", "set profile \"p-all\"", "next",
                         "edit 10", "set match-hostname \"srv-*\"", "set match-ip 10.0.0.0 255.0.0.0",
                         "set match-os linux", "set profile \"p-servers\"", "next", "end"});
  CHECK(assignEndpoint(ems.engine, "SRV-db", "10.2.3.4", "linux").profile->name == "p-servers");
  CHECK(assignEndpoint(ems.engine, "srv-db", "10.2.3.4", "windows").profile->name == "p-all");
  CHECK(assignEndpoint(ems.engine, "srv-db", "11.2.3.4", "linux").profile->name == "p-all");
  CHECK(assignEndpoint(ems.engine, "pc", "11.2.3.4", "linux").gateway_list.empty());
  ems.run({"config endpoint assignment-rule", "edit 10", "set status disable", "next", "end"});
  CHECK(assignEndpoint(ems.engine, "SRV-db", "10.2.3.4", "linux").profile->name == "p-all");
  ems.run({"config endpoint assignment-rule", "delete 20", "end"});
  auto none = assignEndpoint(ems.engine, "SRV-db", "10.2.3.4", "linux");
  CHECK(none.rule_id == 0);
  CHECK_FALSE(none.profile);
  CHECK(none.profileJson().is_null());
  CHECK(none.gatewaysJson() == nlohmann::json::array());
}

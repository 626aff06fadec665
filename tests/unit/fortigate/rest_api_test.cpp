// The REST API as a pure function: cmdb, monitor, errors and permissions, no sockets.
#include <catch2/catch.hpp>

#include "fortigate_fixture.h"

using namespace fabric;
using namespace fabric::fortigate;
using F = fortigate::test::Fixture;

TEST_CASE("REST: cmdb CRUD through an API token, with the FortiOS envelope") {
  F f;
  const std::string key = f.apiUser("bot", "super_admin");
  auto created = f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address",
                                         R"({"name":"EMS01","type":"ipmask","subnet":"127.0.1.3 255.255.255.255"})",
                                         {{"Authorization", "Bearer " + key},
                                          {"Content-Type", "application/x-www-form-urlencoded"}}));
  REQUIRE(created.status == 200);
  auto c = F::json(created);
  CHECK(c["status"] == "success");
  CHECK(c["mkey"] == "EMS01");
  CHECK(c["serial"] == test::kSerial);
  CHECK(c["version"] == "v6.0.4");
  CHECK(c["build"] == 231);

  auto got = f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address/EMS01", {}, F::bearer(key)));
  REQUIRE(got.status == 200);
  auto g = F::json(got);
  CHECK(g["results"][0]["q_origin_key"] == "EMS01");
  CHECK(g["results"][0]["subnet"] == "127.0.1.3 255.255.255.255");
  CHECK(g["http_method"] == "GET");

  auto filtered = f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address", {}, {},
                                          {{"access_token", key}, {"filter", "name==EMS01"}}));
  REQUIRE(filtered.status == 200);
  CHECK(F::json(filtered)["results"].size() == 1);

  auto updated = f.api.handle(F::request("PUT", "/api/v2/cmdb/firewall/address/EMS01",
                                         R"({"comment":"the EMS"})", F::bearer(key)));
  CHECK(updated.status == 200);
  auto deleted = f.api.handle(F::request("DELETE", "/api/v2/cmdb/firewall/address/EMS01", {}, F::bearer(key)));
  CHECK(deleted.status == 200);
  auto gone = f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address/EMS01", {}, F::bearer(key)));
  CHECK(gone.status == 404);
  CHECK(F::json(gone)["http_status"] == 404);
  CHECK(F::json(gone)["status"] == "error");

  // The changes were attributed to the api-user in the event log.
  CHECK_THAT(f.events(), Catch::Contains("user=\"bot\" ui=\"GUI(127.0.0.1)\" action=\"Add\""));
  CHECK_THAT(f.events(), Catch::Contains("logid=\"0100044545\""));
  CHECK_THAT(f.events(), Catch::Contains("action=\"Delete\" cfgtid="));
  // ...and the config file follows every commit.
  CHECK_FALSE(readFile(f.dir / "fortigate.conf")->find("EMS01") != std::string::npos);
}

TEST_CASE("REST: CLI-level failures are 500 with cli_error; nothing changes") {
  F f;
  const std::string key = f.apiUser("bot", "super_admin");
  const std::string before = f.engine.save();
  auto bad_ref = f.api.handle(F::request("POST", "/api/v2/cmdb/system/automation-stitch",
                                         R"({"name":"s1","trigger":"nope"})", F::bearer(key)));
  CHECK(bad_ref.status == 500);
  auto j = F::json(bad_ref);
  CHECK(j["status"] == "error");
  CHECK(j["error"] == -3);
  CHECK_THAT(j["cli_error"].get<std::string>(), Catch::Contains("entry not found in datasource"));
  CHECK_THAT(j["cli_error"].get<std::string>(), Catch::Contains("Command fail. Return code -3"));
  CHECK(f.engine.save() == before);

  auto bad_json = f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", "{not json", F::bearer(key)));
  CHECK(bad_json.status == 400);
  auto patch = f.api.handle(F::request("PATCH", "/api/v2/cmdb/firewall/address", "{}", F::bearer(key)));
  CHECK(patch.status == 405);
  auto unknown_table = f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/nothing", {}, F::bearer(key)));
  CHECK(unknown_table.status == 404);
  auto unknown_root = f.api.handle(F::request("GET", "/api/v3/whatever", {}, F::bearer(key)));
  CHECK(unknown_root.status == 404);
  CHECK(f.engine.save() == before);
}

TEST_CASE("REST: monitor system/status in FortiOS shape; added monitor routes") {
  F f;
  const std::string key = f.apiUser("bot", "super_admin");
  f.run({"config system global", "set hostname \"lab-fgt\"", "end"});
  auto status = f.api.handle(F::request("GET", "/api/v2/monitor/system/status", {}, F::bearer(key)));
  REQUIRE(status.status == 200);
  auto s = F::json(status);
  CHECK(s["serial"] == test::kSerial);
  CHECK(s["version"] == "v6.0.4");
  CHECK(s["build"] == 231);
  CHECK(s["status"] == "success");
  CHECK(s["results"]["model_name"] == "FortiGate");
  CHECK(s["results"]["model"] == "FGVM64");
  CHECK(s["results"]["hostname"] == "lab-fgt");

  f.api.addMonitor("GET", "endpoint-control/record-list", "secfabgrp",
                   [&f](const http::HttpRequest&, const Principal& who, const nlohmann::json&) {
                     http::HttpResponse r;
                     r.body = f.api.monitorEnvelope("GET", "endpoint-control", "record-list",
                                                    nlohmann::json::array({who.user})).dump();
                     return r;
                   });
  auto list = f.api.handle(F::request("GET", "/api/v2/monitor/endpoint-control/record-list", {}, F::bearer(key)));
  REQUIRE(list.status == 200);
  CHECK(F::json(list)["results"][0] == "bot");
  CHECK(f.api.handle(F::request("POST", "/api/v2/monitor/endpoint-control/record-list", {}, F::bearer(key))).status ==
        405);
  CHECK(f.api.handle(F::request("GET", "/api/v2/monitor/nothing/here", {}, F::bearer(key))).status == 404);
  CHECK(f.api.handle(F::request("GET", "/api/v2/monitor/system/status")).status == 401);
}

TEST_CASE("REST: the admin profile decides read and write") {
  F f;
  REQUIRE(f.run({"config system accprofile", "edit \"reader\"", "set fwgrp read", "set sysgrp read", "next",
                 "edit \"fwadmin\"", "set fwgrp read-write", "set sysgrp read-write", "next", "end"})
              .ok());
  const std::string reader = f.apiUser("reader", "reader");
  const std::string fwadmin = f.apiUser("fwadmin", "fwadmin");

  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address", {}, F::bearer(reader))).status == 200);
  auto refused = f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"x"})", F::bearer(reader)));
  CHECK(refused.status == 403);
  CHECK_FALSE(f.engine.value({"firewall address", "x"}, "name"));
  // secfabgrp is none for "reader": automation tables are not even readable.
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/automation-stitch", {}, F::bearer(reader))).status == 403);

  CHECK(f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"x"})", F::bearer(fwadmin)))
            .status == 200);
  // Administrator tables need super_admin to write, even with sysgrp read-write.
  auto escalate = f.api.handle(F::request("PUT", "/api/v2/cmdb/system/api-user/fwadmin",
                                          R"({"accprofile":"super_admin"})", F::bearer(fwadmin)));
  CHECK(escalate.status == 403);
  CHECK(f.engine.value({"system api-user", "fwadmin"}, "accprofile") == "fwadmin");
}

// The REST cmdb face: GET/POST/PUT/DELETE on every FortiGate table, envelopes, errors, filters.
#include <catch2/catch.hpp>

#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

using nlohmann::json;

namespace {
struct Rest {
  std::unique_ptr<Engine> engine = makeEngine();
  CmdbContext ctx{"FGVM01TM00000001", "v6.0.4", 231, "root"};

  Rest() {
    auto s = engine->openSession();
    REQUIRE(runAll(*s, kSeedLines).ok());
  }
  CmdbResponse call(std::string method, std::vector<std::string> path, json body = nullptr,
                    std::vector<std::pair<std::string, std::string>> query = {}) {
    return engine->cmdb(CmdbRequest{std::move(method), std::move(path), std::move(query), std::move(body)}, ctx);
  }
};
}  // namespace

TEST_CASE_METHOD(Rest, "GET a table, an entry and a singleton", "[config][cmdb]") {
  auto r = call("GET", {"firewall", "address"});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["status"] == "success");
  CHECK(r.body["http_method"] == "GET");
  CHECK(r.body["path"] == "firewall");
  CHECK(r.body["name"] == "address");
  CHECK(r.body["vdom"] == "root");
  CHECK(r.body["serial"] == "FGVM01TM00000001");
  CHECK(r.body["version"] == "v6.0.4");
  CHECK(r.body["build"] == 231);
  CHECK(r.body["revision"].get<std::string>().size() == 32);
  CHECK(r.body["results"].size() == 4);

  r = call("GET", {"firewall", "address", "EMS01"});
  REQUIRE(r.http_status == 200);
  const json& row = r.body["results"][0];
  CHECK(row["name"] == "EMS01");
  CHECK(row["q_origin_key"] == "EMS01");
  CHECK(row["subnet"] == "127.0.1.3 255.255.255.255");
  CHECK(row["type"] == "ipmask");
  CHECK(row["cache-ttl"] == 0);

  r = call("GET", {"endpoint-control", "forticlient-ems", "e01"});
  CHECK(r.body["results"][0]["admin-password"] == "ENC XXXX");
  CHECK(r.body["results"][0]["https-port"] == 443);
  CHECK(r.body.dump().find("S3cret!") == std::string::npos);

  r = call("GET", {"system", "automation-stitch", "stitch01"});
  CHECK(r.body["results"][0]["action"] == json::parse(R"([{"name":"action01","q_origin_key":"action01"}])"));
  CHECK(r.body["results"][0]["actions"] == json::array());

  r = call("GET", {"system", "global"});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["results"].is_object());
  CHECK(r.body["results"]["admin-sport"] == 443);
  CHECK(r.body["results"]["hostname"] == "FGVM01TM00000001");

  r = call("GET", {"log.fortianalyzer", "setting"});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["results"]["upload-option"] == "5-minute");

  for (auto [p, n] : std::vector<std::pair<std::string, std::string>>{{"system", "accprofile"},
                                                                      {"system", "admin"},
                                                                      {"system", "api-user"},
                                                                      {"system", "automation-trigger"},
                                                                      {"system", "automation-action"},
                                                                      {"endpoint-control", "settings"}}) {
    INFO(p + "/" + n);
    CHECK(call("GET", {p, n}).http_status == 200);
  }
}

TEST_CASE_METHOD(Rest, "missing objects and paths are 404, other methods 405", "[config][cmdb]") {
  auto r = call("GET", {"firewall", "address", "nope"});
  CHECK(r.http_status == 404);
  CHECK(r.body["status"] == "error");
  CHECK(r.body["http_status"] == 404);
  CHECK(r.body["mkey"] == "nope");
  CHECK_FALSE(r.body.contains("results"));
  CHECK(call("GET", {"firewall", "nothing"}).http_status == 404);
  CHECK(call("PUT", {"firewall", "address", "nope"}, json{{"comment", "x"}}).http_status == 404);
  CHECK(call("DELETE", {"firewall", "address", "nope"}).http_status == 404);
  CHECK(call("PATCH", {"firewall", "address", "EMS01"}).http_status == 405);
  CHECK(call("POST", {"system", "global"}, json::object()).http_status == 405);
  CHECK(call("DELETE", {"firewall", "address"}).http_status == 405);
}

TEST_CASE_METHOD(Rest, "POST creates, PUT updates, DELETE removes, with revisions", "[config][cmdb]") {
  auto r = call("POST", {"firewall", "address"}, json{{"name", "web"}, {"type", "fqdn"}, {"fqdn", "example.com"}});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["mkey"] == "web");
  CHECK(r.body["revision_changed"] == true);
  CHECK(r.body["old_revision"] != r.body["revision"]);
  CHECK(engine->value({"firewall", "address"}, "fqdn") == std::nullopt);
  CHECK(engine->value({"firewall address", "web"}, "fqdn") == std::string("example.com"));

  r = call("PUT", {"firewall", "address", "web"}, json{{"comment", "edited"}});
  REQUIRE(r.http_status == 200);
  CHECK(engine->value({"firewall address", "web"}, "comment") == std::string("edited"));
  CHECK(engine->value({"firewall address", "web"}, "fqdn") == std::string("example.com"));

  r = call("PUT", {"system", "global"}, json{{"admin-lockout-threshold", 5}});
  REQUIRE(r.http_status == 200);
  CHECK(engine->value({"system global"}, "admin-lockout-threshold") == std::string("5"));

  r = call("DELETE", {"firewall", "address", "web"});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["mkey"] == "web");
  CHECK(engine->keys({"firewall address"}).size() == 4);
}

TEST_CASE_METHOD(Rest, "writes fail with the CLI's errors and change nothing", "[config][cmdb]") {
  const std::string before = engine->save();
  auto r = call("POST", {"firewall", "address"}, json{{"name", "EMS01"}});
  CHECK(r.http_status == 500);
  CHECK(r.body["status"] == "error");
  CHECK(r.body["error"] == -5);

  r = call("POST", {"system", "automation-stitch"}, json{{"name", "s9"}, {"trigger", "ghost"}});
  CHECK(r.http_status == 500);
  CHECK(r.body["error"] == -3);
  CHECK(r.body["cli_error"] ==
        "entry not found in datasource\nvalue parse error before 'ghost'\nCommand fail. Return code -3\n");

  r = call("POST", {"system", "automation-stitch"}, json{{"name", "s9"}, {"status", "disable"}});
  CHECK(r.body["error"] == -651);
  CHECK(r.body["cli_error"] ==
        "Attribute 'trigger' MUST be set.\nobject set operator error, -651 discard the setting\n"
        "Command fail. Return code -651\n");

  r = call("PUT", {"endpoint-control", "settings"}, json{{"forticlient-ems-rest-api-call-timeout", 40000}});
  CHECK(r.body["error"] == -651);
  r = call("PUT", {"firewall", "address", "EMS01"}, json{{"bogus", 1}});
  CHECK(r.body["error"] == -61);
  r = call("DELETE", {"firewall", "address", "EMS01"});
  CHECK(r.http_status == 500);
  CHECK(r.body["error"] == -23);
  CHECK(r.body["cli_error"] == "The entry is used by other 1 entries\nCommand fail. Return code -23\n");
  CHECK(engine->save() == before);
}

TEST_CASE_METHOD(Rest, "nested tables: api-user trusthost and stitch actions", "[config][cmdb]") {
  auto r = call("POST", {"system", "api-user"},
                json{{"name", "bot"},
                     {"accprofile", "prof_admin"},
                     {"api-key", "k3y"},
                     {"trusthost", json::array({json{{"id", 1}, {"type", "ipv4-trusthost"},
                                                     {"ipv4-trusthost", "10.1.0.0 255.255.0.0"}}})}});
  REQUIRE(r.http_status == 200);
  CHECK(engine->secret({"system api-user", "bot"}, "api-key") == std::string("k3y"));
  r = call("GET", {"system", "api-user", "bot", "trusthost", "1"});
  REQUIRE(r.http_status == 200);
  CHECK(r.body["results"][0]["ipv4-trusthost"] == "10.1.0.0 255.255.0.0");
  CHECK(r.body["results"][0]["id"] == 1);

  r = call("POST", {"system", "api-user", "bot", "trusthost"}, json{{"ipv4-trusthost", "192.168.1.0/24"}});
  REQUIRE(r.http_status == 200);
  CHECK(engine->keys({"system api-user", "bot", "trusthost"}) == std::vector<std::string>{"1", "2"});
  // A client sending back the masked secret keeps the stored one.
  REQUIRE(call("PUT", {"system", "api-user", "bot"}, json{{"api-key", "ENC XXXX"}, {"comments", "c"}}).http_status ==
          200);
  CHECK(engine->secret({"system api-user", "bot"}, "api-key") == std::string("k3y"));
  REQUIRE(call("DELETE", {"system", "api-user", "bot", "trusthost", "1"}).http_status == 200);
  CHECK(engine->keys({"system api-user", "bot", "trusthost"}) == std::vector<std::string>{"2"});

  r = call("PUT", {"system", "automation-stitch", "stitch01"},
           json{{"actions", json::array({json{{"id", 1}, {"action", "action01"}, {"delay", 10}}})}});
  REQUIRE(r.http_status == 200);
  CHECK(engine->value({"system automation-stitch", "stitch01", "actions", "1"}, "delay") == std::string("10"));
  r = call("PUT", {"system", "automation-stitch", "stitch01"},
           json{{"action", json::array({json{{"name", "ghost"}}})}});
  CHECK(r.body["error"] == -3);
}

TEST_CASE_METHOD(Rest, "filter, start, count, action=schema and action=default", "[config][cmdb]") {
  for (int i = 0; i < 5; ++i) {
    REQUIRE(call("POST", {"firewall", "address"}, json{{"name", "h" + std::to_string(i)}, {"comment", i % 2 ? "odd" : "even"}})
                .http_status == 200);
  }
  auto names = [](const CmdbResponse& r) {
    std::vector<std::string> out;
    for (const auto& row : r.body["results"]) out.push_back(row["name"]);
    return out;
  };
  CHECK(names(call("GET", {"firewall", "address"}, nullptr, {{"filter", "comment==odd"}})) ==
        std::vector<std::string>{"h1", "h3"});
  CHECK(names(call("GET", {"firewall", "address"}, nullptr, {{"filter", "name=@h"}, {"filter", "comment!=odd"}})) ==
        std::vector<std::string>{"h0", "h2", "h4"});
  CHECK(names(call("GET", {"firewall", "address"}, nullptr, {{"filter", "name==h1,name==EMS01"}})) ==
        std::vector<std::string>{"EMS01", "h1"});
  CHECK(names(call("GET", {"firewall", "address"}, nullptr, {{"filter", "name=@h"}, {"start", "1"}, {"count", "2"}})) ==
        std::vector<std::string>{"h1", "h2"});

  auto schema = call("GET", {"endpoint-control", "settings"}, nullptr, {{"action", "schema"}});
  const json& timeout = schema.body["results"]["children"]["forticlient-ems-rest-api-call-timeout"];
  CHECK(timeout["min-value"] == 500);
  CHECK(timeout["max-value"] == 30000);
  CHECK(timeout["default"] == 5000);
  auto defaults = call("GET", {"endpoint-control", "forticlient-ems"}, nullptr, {{"action", "default"}});
  CHECK(defaults.body["results"]["listen-port"] == 8013);
  CHECK(defaults.body["results"]["upload-port"] == 8014);
}

}  // namespace fabric::config::test

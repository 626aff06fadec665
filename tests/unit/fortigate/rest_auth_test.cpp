// Token auth, trusted hosts, session login with CSRF, logout, idle timeout and the admin lockout.
#include <catch2/catch.hpp>

#include "fortigate_fixture.h"

using namespace fabric;
using namespace fabric::fortigate;
using F = fortigate::test::Fixture;

namespace {

std::string setCookie(const http::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k != "Set-Cookie" || v.rfind(name + "=", 0) != 0) continue;
    std::string value = v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return "";
}

struct Session {
  std::string cookie_header;
  std::string csrf;
};

Session login(F& f, const std::string& body, const std::string& from = "127.0.0.1") {
  auto r = f.api.handle(F::request("POST", "/logincheck", body, {}, {}, from));
  REQUIRE(r.status == 200);
  REQUIRE(r.body.substr(0, 1) == "1");
  const std::string name = f.auth.sessionCookieName();
  Session s;
  s.csrf = setCookie(r, "ccsrftoken");
  s.cookie_header = name + "=\"" + setCookie(r, name) + "\"; ccsrftoken=\"" + s.csrf + "\"";
  return s;
}

}  // namespace

TEST_CASE("token auth: header or query, wrong key 401, untrusted host 401") {
  F f;
  const std::string key = f.apiUser("bot", "super_admin", {"10.1.0.0 255.255.0.0", "127.0.0.1 255.255.255.255"});
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(key))).status == 200);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, {}, {{"access_token", key}})).status == 200);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, {}, {}, "10.1.200.3")).status == 401);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(key), {}, "10.1.200.3")).status ==
        200);
  auto untrusted = f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(key), {}, "10.2.0.1"));
  CHECK(untrusted.status == 401);
  CHECK_THAT(F::json(untrusted)["error_text"].get<std::string>(), Catch::Contains("not a trusted host"));
  auto wrong = f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(key + "x")));
  CHECK(wrong.status == 401);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(""))).status == 401);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global")).status == 401);

  CHECK(f.api.handle(F::request("GET", "/logincheck", {}, {}, {{"access_token", key}})).status == 200);
  CHECK(f.api.handle(F::request("GET", "/logincheck", {}, {}, {{"access_token", "nope"}})).status == 401);

  // A regenerated key replaces the old one.
  const std::string old = key;
  f.console->execute("execute api-user generate-key bot");
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/system/global", {}, F::bearer(old))).status == 401);
}

TEST_CASE("session auth: logincheck form or JSON, CSRF on writes, logout") {
  F f;
  REQUIRE(f.run({"config system admin", "edit \"admin\"", "set password \"Lab-Pass1\"", "next", "end"}).ok());
  Session form = login(f, "username=admin&secretkey=Lab-Pass1&ajax=1");
  Session json = login(f, R"({"username":"admin","secretkey":"Lab-Pass1"})");
  CHECK(form.csrf != json.csrf);

  http::Headers cookie = {{"Cookie", form.cookie_header}};
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address", {}, cookie)).status == 200);
  auto no_csrf = f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"a"})", cookie));
  CHECK(no_csrf.status == 403);
  http::Headers wrong = {{"Cookie", form.cookie_header}, {"X-CSRFTOKEN", json.csrf}};
  CHECK(f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"a"})", wrong)).status == 403);
  CHECK_FALSE(f.engine.value({"firewall address", "a"}, "name"));
  http::Headers good = {{"Cookie", form.cookie_header}, {"X-CSRFTOKEN", form.csrf}};
  CHECK(f.api.handle(F::request("POST", "/api/v2/cmdb/firewall/address", R"({"name":"a"})", good)).status == 200);

  auto out = f.api.handle(F::request("POST", "/logout", {}, cookie));
  CHECK(out.status == 200);
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address", {}, cookie)).status == 401);
  // The other session lives on.
  CHECK(f.api.handle(F::request("GET", "/api/v2/cmdb/firewall/address", {}, {{"Cookie", json.cookie_header}}))
            .status == 200);

  const std::string events = f.events();
  CHECK_THAT(events, Catch::Contains("logid=\"0100032001\""));
  CHECK_THAT(events, Catch::Contains("logdesc=\"Admin login successful\""));
  CHECK_THAT(events, Catch::Contains("logid=\"0100032003\""));
  CHECK(events.find("Lab-Pass1") == std::string::npos);
}

TEST_CASE("session auth: idle sessions expire after admintimeout") {
  F f;
  Session s = login(f, "username=admin&secretkey=");  // factory admin: empty password
  http::Headers cookie = {{"Cookie", s.cookie_header}};
  f.clock.advance(std::chrono::minutes(4));
  CHECK(f.api.handle(F::request("GET", "/api/v2/monitor/system/status", {}, cookie)).status == 200);
  f.clock.advance(std::chrono::minutes(4));  // 4 min idle: still alive (refreshed above)
  CHECK(f.api.handle(F::request("GET", "/api/v2/monitor/system/status", {}, cookie)).status == 200);
  f.clock.advance(std::chrono::minutes(5));
  CHECK(f.api.handle(F::request("GET", "/api/v2/monitor/system/status", {}, cookie)).status == 401);
}

TEST_CASE("lockout: threshold failures from one IP lock that IP out for the duration") {
  F f;
  REQUIRE(f.run({"config system global", "set admin-lockout-threshold 2", "set admin-lockout-duration 120", "end",
                 "config system admin", "edit \"admin\"", "set password \"Right1\"", "next", "end"})
              .ok());
  auto attempt = [&f](const std::string& user, const std::string& pass, const std::string& ip) {
    return f.api.handle(F::request("POST", "/logincheck", "username=" + user + "&secretkey=" + pass, {}, {}, ip))
        .body.substr(0, 1);
  };
  CHECK(attempt("admin", "wrong", "127.0.0.9") == "0");
  CHECK(attempt("nobody", "x", "127.0.0.9") == "0");
  CHECK(attempt("admin", "Right1", "127.0.0.9") == "2");  // locked, even with the right password
  CHECK(attempt("admin", "Right1", "127.0.0.8") == "1");  // per source IP
  f.clock.advance(std::chrono::seconds(119));
  CHECK(attempt("admin", "Right1", "127.0.0.9") == "2");
  f.clock.advance(std::chrono::seconds(1));
  CHECK(attempt("admin", "Right1", "127.0.0.9") == "1");

  const std::string events = f.events();
  CHECK_THAT(events, Catch::Contains("logid=\"0100032002\""));
  CHECK_THAT(events, Catch::Contains("because of invalid password"));
  CHECK_THAT(events, Catch::Contains("because of invalid user name"));
  CHECK_THAT(events, Catch::Contains("logid=\"0100032021\""));
  CHECK_THAT(events, Catch::Contains("Login disabled from IP 127.0.0.9 for 120 seconds because of too many bad attempts"));
  CHECK(events.find("Right1") == std::string::npos);
  CHECK(events.find("wrong") == std::string::npos);
}

TEST_CASE("admin trusted hosts restrict where an admin may log in from") {
  F f;
  REQUIRE(f.run({"config system admin", "edit \"admin\"", "set trusthost1 10.9.0.0 255.255.0.0", "next", "end"}).ok());
  auto r = f.api.handle(F::request("POST", "/logincheck", "username=admin&secretkey=", {}, {}, "127.0.0.1"));
  CHECK(r.body.substr(0, 1) == "0");
  r = f.api.handle(F::request("POST", "/logincheck", "username=admin&secretkey=", {}, {}, "10.9.3.4"));
  CHECK(r.body.substr(0, 1) == "1");
  r = f.api.handle(F::request("POST", "/logincheck", "{bad json", {}, {}, "10.9.3.4"));
  CHECK(r.status == 400);
}

TEST_CASE("classnet matching") {
  CHECK(classnetContains("10.0.0.0 255.0.0.0", "10.20.30.40"));
  CHECK_FALSE(classnetContains("10.0.0.0 255.0.0.0", "11.0.0.1"));
  CHECK(classnetContains("0.0.0.0 0.0.0.0", "192.0.2.1"));
  CHECK(classnetContains("192.0.2.0/24", "192.0.2.77"));
  CHECK(classnetContains("127.0.0.1 255.255.255.255", "::ffff:127.0.0.1"));
  CHECK_FALSE(classnetContains("garbage", "127.0.0.1"));
  CHECK_FALSE(classnetContains("10.0.0.0 255.0.0.0", "not-an-ip"));
  CHECK_FALSE(classnetContains("10.0.0.0/33", "10.0.0.1"));
}

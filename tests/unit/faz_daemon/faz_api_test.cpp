// The HTTPS API handler called without a socket.
#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/faz_api.h"
#include "fortianalyzer/daemon/faz_node.h"
#include "node_test_support.h"

using namespace fabric;
using namespace fabric::faz;
using namespace fabric::faz::test;
using json = nlohmann::json;

namespace {

const std::string kAdminNoPassword = "Basic YWRtaW46";  // admin:

http::HttpRequest request(const std::string& method, const std::string& path,
                          std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {},
                          const std::string& auth = kAdminNoPassword) {
  http::HttpRequest r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.body = std::move(body);
  if (!auth.empty()) r.headers.push_back({"Authorization", auth});
  r.remote_address = "127.0.0.1";
  return r;
}

json bodyOf(const http::HttpResponse& r) { return json::parse(r.body); }

}  // namespace

TEST_CASE("API: authentication and permissions") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FazApi api(node, [](const std::function<void()>& fn) { fn(); });

  CHECK(api.handle(request("GET", "/api/status", {}, {}, "")).status == 401);
  CHECK(api.handle(request("GET", "/api/status", {}, {}, "Basic YWRtaW46eA==")).status == 401);  // admin:x
  auto ok = api.handle(request("GET", "/api/status"));
  REQUIRE(ok.status == 200);
  CHECK(bodyOf(ok)["data"]["serial"] == "FAZ-VM0000000042");
  CHECK(bodyOf(ok)["status"]["code"] == 0);

  auto session = node.engine().openSession();
  for (auto line : {"config system admin user", "edit \"viewer\"", "set password secret", "set rpc-permit read", "next", "end"})
    REQUIRE(session->execute(line).ok());
  const std::string viewer = "Basic dmlld2VyOnNlY3JldA==";  // viewer:secret
  CHECK(api.handle(request("GET", "/api/devices", {}, {}, viewer)).status == 200);
  auto refused = api.handle(request("POST", "/api/devices/FGT1", {}, "{}", viewer));
  CHECK(refused.status == 403);
  CHECK(bodyOf(refused)["status"]["message"] == "no permission: user 'viewer' has rpc-permit read");
  CHECK(api.handle(request("GET", "/api/nothing")).status == 404);
  CHECK(api.handle(request("DELETE", "/api/status")).status == 405);
}

TEST_CASE("API: log search with filters, paging and count; bad parameters are specific") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FazApi api(node, [](const std::function<void()>& fn) { fn(); });
  LinkId link = node.pipeline().openLink(SenderInfo{"127.0.9.50", Transport::kTcp, false, "test"});
  MessageBatch batch;
  for (int i = 0; i < 12; ++i) batch.add(fortiGateLine(i < 5 ? "10.0.0.5" : "10.0.0.6"));
  REQUIRE(node.pipeline().submit(link, batch, 0, std::chrono::seconds(10)) == SubmitResult::kAccepted);
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));

  auto page = api.handle(request("GET", "/api/logs", {{"filter", "srcip==10.0.0.5"}, {"limit", "2"}, {"offset", "1"}}));
  REQUIRE(page.status == 200);
  json data = bodyOf(page)["data"];
  CHECK(data["total"] == 5);
  CHECK(data["count"] == 2);
  CHECK(data["logs"][0]["srcip"] == "10.0.0.5");
  auto count = api.handle(request("GET", "/api/logs", {{"filter", "srcip==10.0.0.6"}, {"count", "true"}}));
  CHECK(bodyOf(count)["data"]["count"] == 7);
  auto range = api.handle(request("GET", "/api/logs", {{"from", "2026-11-29T05:00:00Z"}, {"to", "2026-11-29T05:00:02Z"}, {"count", "1"}}));
  CHECK(bodyOf(range)["data"]["count"] == 12);
  auto none = api.handle(request("GET", "/api/logs", {{"from", "2026-11-30T00:00:00Z"}, {"count", "1"}}));
  CHECK(bodyOf(none)["data"]["count"] == 0);
  std::int64_t id = data["logs"][0]["id"];
  auto one = api.handle(request("GET", "/api/logs/" + std::to_string(id)));
  CHECK(bodyOf(one)["data"]["id"] == id);
  CHECK(api.handle(request("GET", "/api/logs/999999")).status == 404);

  auto bad = api.handle(request("GET", "/api/logs", {{"filter", "srcip~~x"}}));
  CHECK(bad.status == 400);
  CHECK(bodyOf(bad)["status"]["message"].get<std::string>().find("unknown operator") != std::string::npos);
  CHECK(bodyOf(api.handle(request("GET", "/api/logs", {{"limit", "0"}})))["status"]["message"] ==
        "'limit' must be an integer 1..10000");
  CHECK(bodyOf(api.handle(request("GET", "/api/logs", {{"from", "yesterday"}})))["status"]["message"] ==
        "'from' must be RFC 3339 or epoch seconds, got 'yesterday'");
  CHECK(api.handle(request("GET", "/api/logs", {{"colour", "red"}})).status == 400);

  auto stats = bodyOf(api.handle(request("GET", "/api/stats")))["data"];
  CHECK(stats["received"].get<int>() >= 12);
  CHECK(stats["senders"].size() >= 1);
}

TEST_CASE("API: feed upload loads, rescans and lists; a broken feed changes nothing") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FazApi api(node, [](const std::function<void()>& fn) { fn(); });
  LinkId link = node.pipeline().openLink(SenderInfo{"127.0.9.50", Transport::kTls, false, "test"});
  MessageBatch batch;
  batch.add(fortiClientLine("10.0.0.8", "0123456789ABCDEF0123456789ABCDEF01234567", "evil.example"));
  REQUIRE(node.pipeline().submit(link, batch, 0, std::chrono::seconds(10)) == SubmitResult::kAccepted);
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));

  auto up = api.handle(request("PUT", "/api/feeds/lab", {{"type", "domain"}, {"level", "medium"}, {"threat", "Lab"}},
                               "evil.example\nbad..example\n"));
  INFO(up.body);
  REQUIRE(up.status == 200);
  json feed = bodyOf(up)["data"];
  CHECK(feed["loaded"] == true);
  CHECK(feed["indicators"] == 1);
  CHECK(feed["bad_lines"] == 1);
  CHECK(feed["rescan"]["new_events"] == 1);
  CHECK(std::filesystem::exists(home.path() / "feeds/lab.txt"));
  CHECK(node.engine().value({"system threat-feed", "lab"}, "level") == "medium");

  auto hosts = bodyOf(api.handle(request("GET", "/api/compromised-hosts")))["data"];
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0]["ip"] == "10.0.0.8");
  CHECK(hosts[0]["verdict"] == "Suspicious");
  CHECK(api.handle(request("POST", "/api/compromised-hosts/" + hosts[0]["endpoint"].get<std::string>() + "/acknowledge")).status == 200);

  auto broken = api.handle(request("PUT", "/api/feeds/stixy", {{"format", "stix"}}, "not json"));
  CHECK(broken.status == 400);
  CHECK(bodyOf(broken)["status"]["message"].get<std::string>().rfind("feed refused: not valid JSON", 0) == 0);
  CHECK(node.engine().keys({"system threat-feed"}) == std::vector<std::string>{"lab"});
  CHECK(api.handle(request("PUT", "/api/feeds/..x", {}, "a.example\n")).status == 400);
  CHECK(api.handle(request("PUT", "/api/feeds/x", {{"level", "low"}}, "a.example\n")).status == 400);

  CHECK(bodyOf(api.handle(request("GET", "/api/feeds")))["data"].size() == 1);
  CHECK(api.handle(request("DELETE", "/api/feeds/lab")).status == 200);
  CHECK(api.handle(request("DELETE", "/api/feeds/lab")).status == 404);
  CHECK(bodyOf(api.handle(request("GET", "/api/feeds")))["data"].empty());
}

TEST_CASE("API: devices register and unregister through the configuration") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FazApi api(node, [](const std::function<void()>& fn) { fn(); });
  auto reg = api.handle(request("POST", "/api/devices/FGVM01TM26000001", {}, R"({"devname":"FGT-LAB","ip":"127.0.1.1"})"));
  REQUIRE(reg.status == 200);
  CHECK(node.config().isRegistered("FGVM01TM26000001"));
  auto list = bodyOf(api.handle(request("GET", "/api/devices")))["data"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["registered"] == true);
  CHECK(list[0]["devname"] == "FGT-LAB");
  CHECK(api.handle(request("POST", "/api/devices/FGT2", {}, R"({"devname":5})")).status == 400);
  CHECK(api.handle(request("DELETE", "/api/devices/FGVM01TM26000001")).status == 200);
  CHECK_FALSE(node.config().isRegistered("FGVM01TM26000001"));
  CHECK(api.handle(request("DELETE", "/api/devices/FGVM01TM26000001")).status == 404);
}

TEST_CASE("API: every bad line of a feed is reported; the feed list shows the first 20") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FazApi api(node, [](const std::function<void()>& fn) { fn(); });
  std::string text = "good.example\n";
  for (int i = 0; i < 25; ++i) text += "bad" + std::to_string(i) + "..example\n";
  auto up = api.handle(request("PUT", "/api/feeds/lab", {{"type", "domain"}}, text));
  REQUIRE(up.status == 200);
  json feed = bodyOf(up)["data"];
  CHECK(feed["indicators"] == 1);
  CHECK(feed["bad_lines"] == 25);
  REQUIRE(feed["bad_line_reasons"].size() == 25);
  CHECK(feed["bad_line_reasons"][24] == "line 26: empty label in domain: 'bad24..example'");
  CHECK(feed["bad_line_reasons_omitted"] == 0);
  CHECK(bodyOf(api.handle(request("GET", "/api/feeds/lab")))["data"]["bad_line_reasons"].size() == 25);
  json listed = bodyOf(api.handle(request("GET", "/api/feeds")))["data"][0];
  CHECK(listed["bad_line_reasons"].size() == 20);
  CHECK(listed["bad_line_reasons_omitted"] == 5);
}

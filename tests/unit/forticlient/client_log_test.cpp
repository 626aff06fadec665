#include "forticlient/client_log.h"

#include <catch2/catch.hpp>

#include "kv_parse.h"

using namespace fabric::forticlient;
using fabric::forticlient::test::kvMap;
using fabric::forticlient::test::parseKv;

namespace {
Activity act(std::vector<std::string> words) { return std::get<Activity>(parseActivity(words)); }
const auto kWhen = std::chrono::system_clock::time_point(std::chrono::seconds(1764331200 + 3723));
}  // namespace

TEST_CASE("a visit log line has the FortiClient sample's fields in order and parses back") {
  auto id = fleetIdentity("s", 3, Os::kWindows, "127.1.0.4");
  LogContext ctx{"FCTEMS0000012345", "FGVM01TM00000001", "Default"};
  auto line = activityLogLine(id, ctx, act({"visit", "https://evil.example.com/dl?a=\"b\""}), false,
                              10000001, kWhen);
  auto fields = parseKv(line);
  REQUIRE(fields);
  std::vector<std::string> keys;
  for (auto& f : *fields) keys.push_back(f.key);
  const std::vector<std::string> header = {
      "date", "time", "logver", "id", "type", "subtype", "eventtype", "level", "uid", "devid",
      "hostname", "pcdomain", "deviceip", "devicemac", "site", "fctver", "fgtserial", "emsserial",
      "usingpolicy", "os", "user", "msg"};
  REQUIRE(keys.size() > header.size());
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + header.size()) == header);
  CHECK(keys.back() == "tz");
  auto m = kvMap(line);
  CHECK(m["date"].value == "2025-11-28");
  CHECK(m["date"].quoted);
  CHECK(m["time"].value == "13:02:03");
  CHECK(m["id"].value == "96900");
  CHECK(m["level"].value == "info");
  CHECK(m["uid"].value == id.uid);
  CHECK(m["deviceip"].value == "127.1.0.4");
  CHECK_FALSE(m["deviceip"].quoted);
  CHECK(m["devicemac"].value == id.mac);
  CHECK(m["emsserial"].value == "FCTEMS0000012345");
  CHECK(m["fgtserial"].value == "FGVM01TM00000001");
  CHECK(m["remotename"].value == "evil.example.com");
  CHECK(m["url"].value == "/dl?a=\"b\"");
  CHECK(m["utmaction"].value == "userbrowsed");
  CHECK(m["utmevent"].value == "webfilter");
  CHECK(m["service"].value == "https");
  CHECK(m["dstport"].value == "443");
  CHECK(m["sessionid"].value == "10000001");
  CHECK(m["srcname"].value == "chrome.exe");
}

TEST_CASE("blocked, resolve, connect and download lines carry their specific fields") {
  auto id = fleetIdentity("s", 1, Os::kMacos, "127.1.0.2");
  LogContext ctx;
  auto blocked = kvMap(activityLogLine(id, ctx, act({"visit", "http://x.example/"}), true, 5, kWhen));
  CHECK(blocked["utmaction"].value == "blocked");
  CHECK(blocked["msg"].value.find("quarantined") != std::string::npos);
  CHECK(blocked["emsserial"].value == "N/A");

  auto dns = kvMap(activityLogLine(id, ctx, act({"resolve", "c2.example"}), false, 6, kWhen));
  CHECK(dns["remotename"].value == "c2.example");
  CHECK(dns["proto"].value == "17");
  CHECK(dns["service"].value == "dns");
  CHECK(dns.count("url") == 0);

  auto conn = kvMap(activityLogLine(id, ctx, act({"connect", "203.0.113.7:4444"}), false, 7, kWhen));
  CHECK(conn["dstip"].value == "203.0.113.7");
  CHECK(conn["dstport"].value == "4444");
  CHECK(conn["service"].value == "tcp/4444");
  CHECK(conn["utmaction"].value == "passthrough");

  std::string sha(64, 'e');
  auto dl = kvMap(activityLogLine(id, ctx, act({"download", sha, "https://f.example/a/tool.exe"}),
                                  false, 8, kWhen));
  CHECK(dl["analyticscksum"].value == sha);
  CHECK(dl["filename"].value == "tool.exe");
  CHECK(dl["remotename"].value == "f.example");
  CHECK(dl["url"].value == "/a/tool.exe");
}

TEST_CASE("quarantine event lines carry the flow id") {
  auto id = fleetIdentity("s", 1, Os::kWindows, "127.1.0.2");
  auto m = kvMap(quarantineLogLine(id, {}, QuarantineEvent::kQuarantined, "F-1", "fortigate:FGVM1",
                                   "", kWhen));
  CHECK(m["id"].value == "96960");
  CHECK(m["type"].value == "event");
  CHECK(m["flowid"].value == "F-1");
  CHECK(m["source"].value == "fortigate:FGVM1");
  auto r = kvMap(quarantineLogLine(id, {}, QuarantineEvent::kRefused, "", "", "no \"linux\"", kWhen));
  CHECK(r["flowid"].value == "N/A");
  CHECK(r["reason"].value == "no \"linux\"");
  CHECK(r["level"].value == "error");
}

#include "fortianalyzer/search/log_search.h"

#include <catch2/catch.hpp>

#include <set>

#include "common/base/clock.h"
#include "fortianalyzer/store/log_store.h"
#include "store_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::LogSpec;
using fabric::faz::test::makeLog;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kT0 = 1764331200000000000;
constexpr int64_t kSec = 1000000000;

// A small store: 4 devices x 3 types, endpoints and a flow, times one second apart.
struct Fixture {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("logs.db");
  Fixture() {
    LogStore store({.path = path}, clock);
    for (int i = 0; i < 120; ++i) {
      LogSpec s;
      s.time_ns = kT0 + i * kSec;
      s.devid = "FGVM0" + std::to_string(i % 4);
      s.type = i % 3 == 0 ? "traffic" : (i % 3 == 1 ? "utm" : "event");
      s.subtype = s.type == "traffic" ? "forward" : (s.type == "utm" ? "webfilter" : "endpoint");
      s.srcip = "10.0." + std::to_string(i % 2) + "." + std::to_string(i % 10);
      s.hostname = i % 10 == 0 ? "evil-" + std::to_string(i) + ".bad.example" : "www.example.com";
      s.uid = i % 5 == 0 ? "UID-" + std::to_string(i % 2) : "";
      s.flow = (i >= 100 && i < 104) ? "F-1" : "";
      s.action = i % 2 ? "blocked" : "passthrough";
      s.sessionid = i;
      store.append(makeLog(s));
    }
    // A CEF line: the raw line does not yield the parser's fields, so they are kept in the blob.
    LogToStore cef;
    cef.time_ns = kT0 + 500 * kSec;
    cef.received_ns = cef.time_ns;
    cef.devid = "FGVM09";
    cef.type = "traffic";
    cef.subtype = "forward";
    cef.srcip = "192.168.9.9";
    cef.raw = "CEF:0|Fortinet|Fortigate|v7.2.8|00013|traffic:forward close|3|src=192.168.9.9 "
              "FTNTFGTpolicyid=77";
    cef.fields = {{"src", "192.168.9.9"}, {"policyid", "77"}, {"srcip", "192.168.9.9"}};
    store.append(std::move(cef));
    REQUIRE(store.flush(10s));
  }
  int64_t count(LogQuery q) {
    q.count_only = true;
    auto r = LogSearch(path).run(q);
    INFO(r.error);
    REQUIRE(r.error.empty());
    return r.count;
  }
  int64_t countFilter(std::vector<std::string> filters) {
    LogQuery q;
    q.filters = std::move(filters);
    return count(q);
  }
};

}  // namespace

TEST_CASE("query by every indexed field") {
  Fixture f;
  LogQuery q;
  q.devid = "FGVM01";
  CHECK(f.count(q) == 30);
  q = {};
  q.type = "utm";
  CHECK(f.count(q) == 40);
  q.subtype = "webfilter";
  CHECK(f.count(q) == 40);
  q.subtype = "forward";
  CHECK(f.count(q) == 0);
  CHECK(f.countFilter({"srcip==10.0.1.3"}) == 12);
  CHECK(f.countFilter({"endpoint_uid==UID-1"}) == 12);
  CHECK(f.countFilter({"flowid==F-1"}) == 4);
  q = {};
  q.from_ns = kT0 + 10 * kSec;
  q.to_ns = kT0 + 19 * kSec;
  CHECK(f.count(q) == 10);  // both ends inclusive
}

TEST_CASE("every operator, on columns and on other fields") {
  Fixture f;
  CHECK(f.countFilter({"action==blocked"}) == 60);
  CHECK(f.countFilter({"action!=blocked"}) == 61);  // includes the CEF line without an action
  CHECK(f.countFilter({"hostname=@BAD.example"}) == 12);  // contains, case-insensitive
  CHECK(f.countFilter({"hostname!@bad"}) == 109);
  CHECK(f.countFilter({"sessionid<10"}) == 10);
  CHECK(f.countFilter({"sessionid<=10"}) == 11);
  CHECK(f.countFilter({"sessionid>110"}) == 9);
  CHECK(f.countFilter({"sessionid>=110"}) == 10);
  CHECK(f.countFilter({"srcip==10.0.1.0/24"}) == 60);
  CHECK(f.countFilter({"srcip!=10.0.1.0/24"}) == 61);
  CHECK(f.countFilter({"srcip==192.168.0.0/16"}) == 1);
  CHECK(f.countFilter({"policyid==77"}) == 1);  // from the CEF line's stored fields
  CHECK(f.countFilter({"fctuid==UID-0"}) == 12);
  CHECK(f.countFilter({"nosuchfield==x"}) == 0);
  CHECK(f.countFilter({"fctuid=="}) == 121 - 24);  // empty value: field absent or empty
  CHECK(f.countFilter({"id<=5"}) == 5);
  CHECK(f.countFilter({"hostname=@%"}) == 0);  // LIKE wildcards are literal
}

TEST_CASE("comma is OR inside a filter; several filters are AND-ed") {
  Fixture f;
  CHECK(f.countFilter({"srcip==10.0.1.3,srcip==10.0.0.4"}) == 24);
  CHECK(f.countFilter({"srcip==10.0.1.3,srcip==10.0.0.4", "action==blocked"}) == 12);
  CHECK(f.countFilter({"srcip==10.0.1.3,srcip==10.0.0.4", "action==passthrough"}) == 12);
  CHECK(f.countFilter({"srcip==10.0.1.3", "action==passthrough"}) == 0);
  LogQuery q;
  q.filters = {"action==blocked"};
  q.devid = "FGVM01";
  q.type = "utm";
  CHECK(f.count(q) == 10);
}

TEST_CASE("paging is newest first by default, oldest first on request") {
  Fixture f;
  LogSearch search(f.path);
  LogQuery q;
  q.devid = "FGVM00";
  q.limit = 5;
  auto page1 = search.run(q);
  REQUIRE(page1.error.empty());
  REQUIRE(page1.rows.size() == 5);
  CHECK(page1.rows[0]["time_ns"] == kT0 + 116 * kSec);
  CHECK(page1.rows[4]["time_ns"] == kT0 + 100 * kSec);
  q.offset = 5;
  auto page2 = search.run(q);
  REQUIRE(page2.rows.size() == 5);
  CHECK(page2.rows[0]["time_ns"] == kT0 + 96 * kSec);
  std::set<int64_t> ids;
  for (auto* page : {&page1, &page2}) {
    for (auto& row : page->rows) ids.insert(row["id"].get<int64_t>());
  }
  CHECK(ids.size() == 10);
  q.offset = 0;
  q.oldest_first = true;
  auto first = search.run(q);
  CHECK(first.rows[0]["time_ns"] == kT0);
  q.offset = 1000;
  CHECK(search.run(q).rows.empty());
}

TEST_CASE("result rows carry id, time, header, every field and the raw line") {
  Fixture f;
  LogSearch search(f.path);
  LogQuery q;
  q.filters = {"sessionid==100"};
  auto r = search.run(q);
  REQUIRE(r.rows.size() == 1);
  const auto& row = r.rows[0];
  CHECK(row["id"] == 101);
  CHECK(row["time"] == "2025-11-28T12:01:40.000000000Z");
  CHECK(row["devid"] == "FGVM00");
  CHECK(row["type"] == "utm");
  CHECK(row["subtype"] == "webfilter");
  CHECK(row["srcip"] == "10.0.0.0");
  CHECK(row["flow_id"] == "F-1");
  CHECK(row["fields"]["hostname"] == "evil-100.bad.example");
  CHECK(row["fields"]["sessionid"] == "100");
  CHECK(row["fields"]["flowid"] == "F-1");
  CHECK(row["raw"].get<std::string>().find("sessionid=100 ") != std::string::npos);

  q.filters = {"policyid==77"};
  auto cef = search.run(q);
  REQUIRE(cef.rows.size() == 1);
  CHECK(cef.rows[0]["fields"]["src"] == "192.168.9.9");
  CHECK(cef.rows[0]["fields"]["srcip"] == "192.168.9.9");  // put back from its column
  CHECK(cef.rows[0]["raw"].get<std::string>().rfind("CEF:0|Fortinet", 0) == 0);
}

TEST_CASE("bad requests get an error and no rows") {
  Fixture f;
  LogSearch search(f.path);
  LogQuery q;
  q.filters = {"srcip==1", "srcip~~x"};
  auto r = search.run(q);
  CHECK(r.error == "filter 2: unknown operator at position 6 in 'srcip~~x'");
  CHECK(r.rows.empty());
  q = {};
  q.limit = 0;
  CHECK(search.run(q).error == "limit must be between 1 and 10000");
  q.limit = 10;
  q.offset = -1;
  CHECK(search.run(q).error == "offset must not be negative");
  q.offset = 0;
  q.from_ns = 10;
  q.to_ns = 5;
  CHECK(search.run(q).error == "time range is empty: from is after to");
  CHECK(search.flowTimeline("").error == "flow id is empty");
}

TEST_CASE("indexed fields pick blocks through their index (EXPLAIN QUERY PLAN)") {
  Fixture f;
  LogSearch search(f.path);
  auto plan = [&](LogQuery q) {
    std::string p = search.explain(q);
    INFO(p);
    return p;
  };
  LogQuery q;
  q.filters = {"srcip==10.0.0.1"};
  CHECK_THAT(plan(q), Catch::Contains("USING PRIMARY KEY (run=? AND first_hash>? AND first_hash<?)"));
  q.filters = {"endpoint_uid==UID-1"};
  CHECK_THAT(plan(q), Catch::Contains("USING PRIMARY KEY (run=? AND first_hash>? AND first_hash<?)"));
  q.filters = {"flowid==F-1"};
  CHECK_THAT(plan(q), Catch::Contains("USING PRIMARY KEY (run=? AND first_hash>? AND first_hash<?)"));
  q = {};
  q.devid = "FGVM01";
  CHECK_THAT(plan(q), Catch::Contains("USING PRIMARY KEY (run=? AND first_hash>? AND first_hash<?)"));
  q = {};
  q.type = "utm";
  q.subtype = "webfilter";
  CHECK_THAT(plan(q), Catch::Contains("USING PRIMARY KEY (run=? AND first_hash>? AND first_hash<?)"));
  q = {};
  q.from_ns = kT0;
  q.to_ns = kT0 + kSec;
  CHECK_THAT(plan(q), Catch::Contains("USING INDEX blocks_m"));
  q = {};
  CHECK_THAT(plan(q), Catch::Contains("USING INDEX blocks_max_time"));  // newest first: no sort
  CHECK_THAT(plan(q), !Catch::Contains("TEMP B-TREE"));
  CHECK_THAT(plan(q), Catch::Contains("READ the logs"));
  q.oldest_first = true;
  CHECK_THAT(plan(q), Catch::Contains("USING INDEX blocks_min_time"));
  // A field without a column is checked on the logs of every block.
  q.filters = {"sessionid==5"};
  CHECK_THAT(plan(q), !Catch::Contains("first_hash"));
  CHECK_THAT(plan(q), Catch::Contains("FILTER the logs"));
}

TEST_CASE("flow timeline: every log of a flow, oldest first") {
  Fixture f;
  LogSearch search(f.path);
  auto r = search.flowTimeline("F-1");
  REQUIRE(r.error.empty());
  REQUIRE(r.rows.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(r.rows[i]["time_ns"] == kT0 + (100 + static_cast<int64_t>(i)) * kSec);
    CHECK(r.rows[i]["flow_id"] == "F-1");
  }
  CHECK(search.flowTimeline("F-none").rows.empty());
}

TEST_CASE("endpoint timeline: by uid or by address, oldest first") {
  Fixture f;
  LogSearch search(f.path);
  auto byUid = search.endpointTimeline("UID-1");
  REQUIRE(byUid.error.empty());
  CHECK(byUid.rows.size() == 12);
  auto byIp = search.endpointTimeline("10.0.1.5");
  REQUIRE(byIp.rows.size() == 12);
  for (size_t i = 1; i < byIp.rows.size(); ++i) {
    CHECK(byIp.rows[i - 1]["time_ns"].get<int64_t>() < byIp.rows[i]["time_ns"].get<int64_t>());
  }
  auto ranged = search.endpointTimeline("10.0.1.5", kT0, kT0 + 50 * kSec);
  CHECK(ranged.rows.size() == 5);
}

TEST_CASE("invalid UTF-8 in a raw line comes back as valid JSON text") {
  TempDir dir;
  fabric::ManualClock clock;
  {
    LogStore store({.path = dir.file("logs.db")}, clock);
    auto log = makeLog({});
    log.raw += " msg=\"bad \xff\xfe bytes\"";
    store.append(std::move(log));
    REQUIRE(store.flush(10s));
  }
  LogSearch search(dir.file("logs.db"));
  auto r = search.run(LogQuery{});
  REQUIRE(r.rows.size() == 1);
  std::string dumped = r.rows[0].dump();  // throws on invalid UTF-8
  CHECK(dumped.find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes") != std::string::npos);
}

TEST_CASE("a query that runs past the timeout is interrupted with a clear error") {
  TempDir dir;
  fabric::ManualClock clock;
  {
    LogStore store({.path = dir.file("logs.db")}, clock);
    for (int i = 0; i < 20000; ++i) store.append(makeLog({.sessionid = i}));
    REQUIRE(store.flush(30s));
  }
  LogSearch slow(dir.file("logs.db"), std::chrono::milliseconds(0));
  LogQuery q;
  q.filters = {"sessionid==-1"};
  q.count_only = true;
  auto r = slow.run(q);
  CHECK(r.error == "query took longer than 0 ms: narrow it with a time range or an indexed field");
  LogSearch normal(dir.file("logs.db"));
  auto ok = normal.run(q);
  CHECK(ok.error.empty());
  CHECK(ok.count == 0);
  // The interrupted connection answers the next query normally.
  auto again = slow.run(LogQuery{});
  CHECK((again.error.empty() || again.error.rfind("query took longer", 0) == 0));
  CHECK(normal.get(1).has_value());
}

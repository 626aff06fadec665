// FazNode's operational behaviour without sockets: configuration changes that apply to the running
// node (retention, max-message-size, the daemon's config hook), compromised-host acknowledgements
// that survive a restart, event lines with a logid, FortiClients listed by hostname.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "common/base/atomic_file.h"
#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/search/log_search.h"
#include "node_test_support.h"

using namespace fabric;
using namespace fabric::faz;
using namespace fabric::faz::test;
using json = nlohmann::json;

namespace {

json hostOf(FazNode& node, const std::string& endpoint) {
  json hosts;
  node.pipeline().withIoc([&](ioc::IocEngine& engine) { hosts = engine.compromisedHosts(); });
  for (const auto& h : hosts)
    if (h["endpoint"] == endpoint) return h;
  return json();
}

void loadLabFeed(FazNode& node, ManualLoop& loop) {
  configure(node, {"config system threat-feed", "edit \"lab\"", "set file \"feeds/lab.txt\"", "set threat \"Emotet\"",
                   "next", "end"});
  REQUIRE(loop.drainUntil([&] {
    auto s = node.feeds().status("lab");
    return s && s->loaded;
  }));
}

std::vector<std::string> eventLines(const TempHome& home) {
  std::ifstream in(home.path() / "event.log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("every event line carries a 10-digit logid; the start line has its documented id") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  {
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    FakeFortiGate fgt;
    auto key = node.openFortiGateLink(fgt.peer());
    node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
    node.onFortiGateMessage(key, json{{"type", "no-such-type"}});
    node.onFortiGateClosed(key, "test over");
    REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
    // The analyzer's own lines are stored with their logid, like received logs.
    CHECK(countLogs(node, "logid==0001090001") == 1);
  }
  auto lines = eventLines(home);
  REQUIRE(lines.size() >= 4);
  const std::regex logid("(^| )logid=\"[0-9]{10}\"( |$)");
  for (const auto& line : lines) {
    INFO(line);
    CHECK(std::regex_search(line, logid));
  }
  CHECK(lines[0].find("logid=\"0001090001\"") != std::string::npos);
  CHECK(lines[0].find("msg=\"FortiAnalyzer started\"") != std::string::npos);
  bool up = false, note = false, down = false;
  for (const auto& line : lines) {
    up = up || (line.find("logid=\"0022090001\"") != std::string::npos && line.find("FortiGate link up") != std::string::npos);
    note = note || (line.find("logid=\"0022090004\"") != std::string::npos && line.find("no-such-type") != std::string::npos);
    down = down || (line.find("logid=\"0022090002\"") != std::string::npos && line.find("FortiGate link down") != std::string::npos);
  }
  CHECK(up);
  CHECK(note);
  CHECK(down);
}

TEST_CASE("an acknowledged compromised host stays acknowledged after a restart until a newer log matches") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("feeds/lab.txt", "malware.bad.example\n");
  {
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    loadLabFeed(node, loop);
    submitSyslog(node, {fortiClientLine("10.0.0.5", kUid, "cdn.malware.bad.example")});
    REQUIRE(loop.drainUntil([&] { return !hostOf(node, kUid).is_null(); }));
    CHECK(hostOf(node, kUid)["acknowledged"] == false);

    bool found = true;
    CHECK(node.acknowledgeHost("no-such-endpoint", "alice", &found).empty());
    CHECK_FALSE(found);
    CHECK_FALSE(std::filesystem::exists(home.path() / "ioc-acks.json"));  // nothing changed

    REQUIRE(node.acknowledgeHost(kUid, "alice", &found).empty());
    CHECK(found);
    // Saved before the call returned (what the API answer waits for): a kill -9 now keeps it.
    auto saved = readFile(home.path() / "ioc-acks.json");
    REQUIRE(saved);
    json state = json::parse(*saved);
    REQUIRE(state["acknowledgements"].size() == 1);
    CHECK(state["acknowledgements"][0]["endpoint"] == kUid);
    CHECK(state["acknowledgements"][0]["by"] == "alice");
    json host = hostOf(node, kUid);
    CHECK(host["acknowledged"] == true);
    CHECK(host["acknowledged_by"] == "alice");
    CHECK(host["acknowledged_at"].get<std::string>().size() == 20);
  }
  {
    // Restart: the start-up rescan rebuilds the verdict and the acknowledgement is re-applied.
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    json host = hostOf(node, kUid);
    REQUIRE_FALSE(host.is_null());
    CHECK(host["acknowledged"] == true);
    CHECK(host["acknowledged_by"] == "alice");
    CHECK(host["event_count"] == 1);

    // A new matching log is a new event: the acknowledgement is over ...
    submitSyslog(node, {fortiClientLine("10.0.0.5", kUid, "www.malware.bad.example")});
    REQUIRE(loop.drainUntil([&] { return hostOf(node, kUid)["event_count"] == 2; }));
    CHECK(hostOf(node, kUid)["acknowledged"] == false);
  }
  {
    // ... also after the next restart (the saved acknowledgement covers only the first log).
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    json host = hostOf(node, kUid);
    REQUIRE_FALSE(host.is_null());
    CHECK(host["event_count"] == 2);
    CHECK(host["acknowledged"] == false);
    CHECK(host["acknowledged_by"] == "");
  }
}

TEST_CASE("a broken ioc-acks.json is reported and ignored; the analyzer starts") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("ioc-acks.json", "{\"acknowledgements\": [{\"by\": \"x\"}]}");
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  bool reported = false;
  for (const auto& line : eventLines(home))
    reported = reported || (line.find("ioc-acks.json ignored") != std::string::npos &&
                            line.find("without an endpoint") != std::string::npos);
  CHECK(reported);
}

TEST_CASE("retention set by a commit applies to the running store") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  const std::string old_line =
      "date=2020-01-01 time=05:00:01 devname=\"FGT-LAB\" devid=\"FGVM01TM26000001\" logid=\"0000000013\" "
      "type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=10.9.9.9 dstip=93.184.216.34";
  submitSyslog(node, {old_line, old_line, fortiGateLine("10.0.0.7")});
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
  REQUIRE(countLogs(node, "srcip==10.9.9.9") == 2);

  configure(node, {"config system log settings", "set retention-days 30", "end"});
  CHECK(node.config().retention.max_age == std::chrono::hours(24 * 30));
  // The writer applies the new policy at its next pass, not after its interval.
  REQUIRE(loop.drainUntil([&] { return countLogs(node, "srcip==10.9.9.9") == 0; }));
  CHECK(countLogs(node, "srcip==10.0.0.7") == 1);
  bool reported = false;
  for (const auto& line : eventLines(home))
    reported = reported || (line.find("setting applied") != std::string::npos &&
                            line.find("retention_days=\"30\"") != std::string::npos);
  CHECK(reported);
}

TEST_CASE("max-message-size set by a commit applies to FortiGate link lines at once; the daemon hook sees it") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  std::vector<std::pair<std::size_t, std::size_t>> hooked;
  node.setConfigHook([&](const FazConfig& before, const FazConfig& now) {
    hooked.emplace_back(before.max_message, now.max_message);
  });
  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
  std::string big = fortiGateLine("10.0.0.8") + " padding=\"" + std::string(3000, 'p') + "\"";

  node.onFortiGateMessage(key, json{{"type", "logs"}, {"seq", 1}, {"lines", {big}}});
  REQUIRE(loop.drainUntil([&] { return fgt.ofType("logs-ack").size() == 1; }));
  CHECK(countLogs(node, "srcip==10.0.0.8") == 1);  // 3 KB fits the default 64 KB

  configure(node, {"config system log-receiver", "set max-message-size 2048", "end"});
  REQUIRE(hooked.size() == 1);
  CHECK(hooked[0] == std::make_pair(std::size_t{65536}, std::size_t{2048}));
  std::uint64_t oversized_before = node.pipeline().counters().oversized;
  node.onFortiGateMessage(key, json{{"type", "logs"}, {"seq", 2}, {"lines", {big, fortiGateLine("10.0.0.9")}}});
  REQUIRE(loop.drainUntil([&] { return fgt.ofType("logs-ack").size() == 2; }));
  CHECK(fgt.ofType("logs-ack")[1]["seq"] == 2);  // the batch is acked: the big line was handled (dropped)
  CHECK(countLogs(node, "srcip==10.0.0.8") == 1);
  CHECK(countLogs(node, "srcip==10.0.0.9") == 1);
  CHECK(node.pipeline().counters().oversized == oversized_before + 1);
}

TEST_CASE("a FortiClient is listed by its hostname, with its FCT serial as device id") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  submitSyslog(node, {fortiClientLine("10.0.0.5", kUid, "www.example.com"), fortiGateLine("10.0.0.6")});
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
  json fct, fgt;
  for (const auto& d : node.devicesJson()) {
    if (d["devid"] == "FCT8000000000001") fct = d;
    if (d["devid"] == "FGVM01TM26000001") fgt = d;
  }
  REQUIRE_FALSE(fct.is_null());
  CHECK(fct["devname"] == "pc-1");
  CHECK(fct["serial"] == "FCT8000000000001");
  REQUIRE_FALSE(fgt.is_null());
  CHECK(fgt["devname"] == "FGT-LAB");  // a FortiGate keeps its devname
  CHECK(countLogs(node, "devname==pc-1") == 1);

  auto session = node.engine().openSession();
  auto list = session->execute("diagnose dvm device list");
  REQUIRE(list.ok());
  CHECK(std::regex_search(list.output, std::regex("FCT8000000000001 +pc-1 ")));
}

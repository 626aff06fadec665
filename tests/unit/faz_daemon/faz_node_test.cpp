// FazNode without sockets: the FortiGate link over fake peers, logs acked after commit, IoC
// notifications from matching logs, feeds reloaded on file change, devices, restart.
#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/search/log_search.h"
#include "node_test_support.h"

using namespace fabric;
using namespace fabric::faz;
using namespace fabric::faz::test;
using json = nlohmann::json;

TEST_CASE("a FortiGate's logs are stored and acked only after the commit") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  configure(node, {"config system device", "edit \"FGVM01TM26000001\"", "set devname \"FGT-LAB\"", "next", "end"});

  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}, {"hostname", "FGT-LAB"}});
  REQUIRE(fgt.ofType("hello-ack").size() == 1);
  CHECK(fgt.ofType("hello-ack")[0] == json{{"type", "hello-ack"}, {"serial", "FAZ-VM0000000042"}, {"registered", true}});

  node.onFortiGateMessage(key, json{{"type", "logs"}, {"seq", 1}, {"lines", {fortiGateLine("10.0.0.5"), fortiGateLine("10.0.0.6")}}});
  CHECK(fgt.ofType("logs-ack").empty());
  REQUIRE(loop.drainUntil([&] { return !fgt.ofType("logs-ack").empty(); }));
  CHECK(fgt.ofType("logs-ack")[0]["seq"] == 1);
  // The ack came after the commit: the lines are already searchable.
  CHECK(countLogs(node, "srcip==10.0.0.5") == 1);
  CHECK(countLogs(node, "srcip==10.0.0.6") == 1);

  json devices = node.devicesJson();
  bool listed = false;
  for (const auto& d : devices)
    if (d["devid"] == "FGVM01TM26000001") {
      listed = true;
      CHECK(d["registered"] == true);
      CHECK(d["connected"] == true);
    }
  CHECK(listed);
  node.onFortiGateClosed(key, "test over");
  CHECK(node.fortiGateLinks().empty());
}

TEST_CASE("an unregistered FortiGate is listed as unregistered and its logs kept") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000077"}});
  REQUIRE(fgt.ofType("hello-ack").size() == 1);
  CHECK(fgt.ofType("hello-ack")[0]["registered"] == false);
  node.onFortiGateMessage(key, json{{"type", "logs"}, {"seq", 1}, {"lines", {fortiGateLine("10.0.0.9")}}});
  REQUIRE(loop.drainUntil([&] { return !fgt.ofType("logs-ack").empty(); }));
  bool found = false;
  for (const auto& d : node.devicesJson())
    if (d["devid"] == "FGVM01TM26000077") {
      found = true;
      CHECK(d["registered"] == false);
    }
  CHECK(found);
}

TEST_CASE("a log matching a feed raises one ioc notification to the connected FortiGate") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("feeds/lab.txt", "malware.bad.example\n");
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  configure(node, {"config system threat-feed", "edit \"lab\"", "set file \"feeds/lab.txt\"", "set threat \"Emotet\"",
                   "next", "end"});
  REQUIRE(loop.drainUntil([&] {
    auto s = node.feeds().status("lab");
    return s && s->loaded;
  }));
  CHECK(node.feeds().status("lab")->indicators == 1);

  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});

  submitSyslog(node, {fortiClientLine("10.0.0.5", kUid, "cdn.malware.bad.example"),
                      fortiClientLine("10.0.0.5", kUid, "cdn.malware.bad.example")});
  REQUIRE(loop.drainUntil([&] { return !fgt.ofType("ioc").empty(); }));
  // Give a second notification a chance to show up (it must not: one per endpoint/level/window).
  node.pipeline().flush(std::chrono::seconds(10));
  loop.drain();
  auto iocs = fgt.ofType("ioc");
  REQUIRE(iocs.size() == 1);
  const json& m = iocs[0];
  CHECK(m["endpoint_ip"] == "10.0.0.5");
  CHECK(m["uid"] == kUid);
  CHECK(m["indicator"] == "malware.bad.example");
  CHECK(m["indicator_type"] == "domain");
  CHECK(m["threat"] == "Emotet");
  CHECK(m["level"] == "high");
  CHECK(m["feed"] == "lab");
  CHECK(m["rescan"] == false);
  CHECK(m["log_ids"].size() >= 1);
  CHECK(m["flow_id"].get<std::string>().rfind("F-", 0) == 0);

  node.onFortiGateMessage(key, json{{"type", "ioc-ack"}, {"id", m["id"]}});
  CHECK(node.outbox().toJson()[0]["acked"] == json::array({"FGVM01TM26000001"}));
  // The notification is in the analyzer's own event log with its flow id.
  node.pipeline().flush(std::chrono::seconds(10));
  CHECK(countLogs(node, "flowid==" + m["flow_id"].get<std::string>()) == 1);

  // A FortiGate that reconnects without having acked gets it again.
  FakeFortiGate other;
  auto key2 = node.openFortiGateLink(other.peer("127.0.9.2"));
  node.onFortiGateMessage(key2, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
  CHECK(other.ofType("ioc").empty());  // acked by that serial already
}

TEST_CASE("an unacknowledged notification is resent after a restart") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("feeds/lab.txt", "malware.bad.example\n");
  std::string id;
  {
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    configure(node, {"config system threat-feed", "edit \"lab\"", "set file \"feeds/lab.txt\"", "next", "end"});
    REQUIRE(loop.drainUntil([&] {
      auto s = node.feeds().status("lab");
      return s && s->loaded;
    }));
    FakeFortiGate fgt;
    auto key = node.openFortiGateLink(fgt.peer());
    node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
    submitSyslog(node, {fortiClientLine("10.0.0.5", kUid, "malware.bad.example")});
    REQUIRE(loop.drainUntil([&] { return !fgt.ofType("ioc").empty(); }));
    id = fgt.ofType("ioc")[0]["id"];
  }
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
  REQUIRE(fgt.ofType("ioc").size() == 1);
  CHECK(fgt.ofType("ioc")[0]["id"] == id);
  node.onFortiGateMessage(key, json{{"type", "ioc-ack"}, {"id", id}});
  // The start-up rescan rebuilt the verdict without a new notification.
  node.pipeline().flush(std::chrono::seconds(10));
  loop.drain();
  CHECK(fgt.ofType("ioc").size() == 1);
  json hosts;
  node.pipeline().withIoc([&](ioc::IocEngine& engine) { hosts = engine.compromisedHosts(); });
  CHECK(hosts.size() == 1);
}

TEST_CASE("a feed file that changes is reloaded and old logs rescanned") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("feeds/lab.txt", "nothing.example\n");
  FazNode node(nodeOptions(home.path()), clock, loop.executor());
  configure(node, {"config system threat-feed", "edit \"lab\"", "set file \"feeds/lab.txt\"", "next", "end"});
  REQUIRE(loop.drainUntil([&] {
    auto s = node.feeds().status("lab");
    return s && s->loaded;
  }));
  FakeFortiGate fgt;
  auto key = node.openFortiGateLink(fgt.peer());
  node.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
  submitSyslog(node, {fortiClientLine("10.0.0.7", kUid, "late.bad.example")});
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
  loop.drain();
  CHECK(fgt.ofType("ioc").empty());

  home.write("feeds/lab.txt", "nothing.example\nlate.bad.example\n");
  REQUIRE(loop.drainUntil([&] { return !fgt.ofType("ioc").empty(); }));
  auto m = fgt.ofType("ioc")[0];
  CHECK(m["rescan"] == true);
  CHECK(m["endpoint_ip"] == "10.0.0.7");
  CHECK(node.feeds().status("lab")->loads == 2);
  CHECK(node.feeds().status("lab")->rescan_new_events == 1);
  // Each load is in the analyzer's event log; a broken file keeps the loaded version and says why.
  REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
  CHECK(countLogs(node, "msg==threat feed loaded") == 2);
  std::filesystem::remove(home.path() / "feeds/lab.txt");
  REQUIRE(loop.drainUntil([&] { return !node.feeds().status("lab")->error.empty(); }));
  CHECK(node.feeds().status("lab")->error == "cannot read feed file '" + (home.path() / "feeds/lab.txt").string() + "'");
  CHECK(node.feeds().status("lab")->loaded);
  CHECK(node.feeds().status("lab")->indicators == 2);
}

TEST_CASE("a bad configuration file stops the start with the failing line; a good one survives a restart") {
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  {
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    configure(node, {"config system global", "set hostname \"FAZ-LAB\"", "end"});
    submitSyslog(node, {fortiGateLine("10.0.0.5")});
    REQUIRE(node.pipeline().flush(std::chrono::seconds(10)));
  }
  {
    FazNode node(nodeOptions(home.path()), clock, loop.executor());
    CHECK(node.config().hostname == "FAZ-LAB");
    CHECK(countLogs(node, "srcip==10.0.0.5") == 1);
  }
  home.write("fortianalyzer.conf", "config system global\n    set hostname\nend\n");
  CHECK_THROWS_WITH(FazNode(nodeOptions(home.path()), clock, loop.executor()),
                    Catch::Contains("fortianalyzer.conf: line 2"));
}

TEST_CASE("a notification delivered while the node shuts down touches nothing of it once gone") {
  // Regression: the daemon aborted on SIGTERM ("double free") when the pipeline's last commit
  // raised a notification whose posted task ran after the node was destroyed. Under ASan this
  // test reports the use after free the task made.
  TempHome home;
  ManualLoop loop;
  RealClock clock;
  home.write("feeds/lab.txt", "malware.bad.example\n");
  auto node = std::make_unique<FazNode>(nodeOptions(home.path()), clock, loop.executor());
  configure(*node, {"config system threat-feed", "edit \"lab\"", "set file \"feeds/lab.txt\"", "next", "end"});
  REQUIRE(loop.drainUntil([&] {
    auto s = node->feeds().status("lab");
    return s && s->loaded;
  }));
  submitSyslog(*node, {fortiClientLine("10.0.0.5", kUid, "cdn.malware.bad.example")});
  REQUIRE(node->pipeline().flush(std::chrono::seconds(10)));  // the notification task is posted, not run
  node.reset();
  loop.drain();  // runs it after the node is gone
  // It was kept: a FortiGate that connects after a restart gets it.
  FazNode again(nodeOptions(home.path()), clock, loop.executor());
  FakeFortiGate fgt;
  auto key = again.openFortiGateLink(fgt.peer());
  again.onFortiGateMessage(key, json{{"type", "hello"}, {"serial", "FGVM01TM26000001"}});
  loop.drain();
  auto iocs = fgt.ofType("ioc");
  REQUIRE(iocs.size() == 1);
  CHECK(iocs[0]["indicator"] == "malware.bad.example");
}

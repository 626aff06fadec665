#include "fortianalyzer/ioc/ioc_engine.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;
using fabric::logfmt::Observable;
using fabric::logfmt::ObservableKind;
using namespace std::chrono_literals;

namespace {

FeedSource csvSource(std::string name) {
  FeedSource source;
  source.name = std::move(name);
  source.format = FeedFormat::kCsv;
  return source;
}

// Feeds: bad.example (high, blocklist "Emotet"), odd.example (medium, suspicious "Odd").
void loadFeeds(IocEngine& engine) {
  REQUIRE(engine
              .loadFeed(csvSource("lab"),
                        "indicator,type,level,threat\n"
                        "bad.example,domain,high,Emotet\n"
                        "odd.example,domain,medium,Odd\n"
                        "odd2.example,domain,medium,Odd2\n")
              .loaded);
}

LogObservables logOf(std::int64_t id, std::string uid, std::string ip, std::string domain) {
  LogObservables log;
  log.logId = id;
  log.endpointUid = std::move(uid);
  log.endpointIp = std::move(ip);
  log.observables.push_back(Observable{ObservableKind::kDomain, std::move(domain), "hostname"});
  return log;
}

}  // namespace

TEST_CASE("verdicts aggregate per endpoint: uid first, else source IP") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  loadFeeds(engine);
  auto t0 = clock.now();

  auto first = logOf(1, "UID-A", "10.0.0.5", "odd.example");
  first.hostname = "pc-a";
  first.time = t0 - 10min;
  engine.inspect(first);
  auto second = logOf(2, "UID-A", "10.0.0.6", "x.bad.example");
  second.time = t0;
  engine.inspect(second);
  engine.inspect(logOf(3, "UID-A", "10.0.0.6", "bad.example"));
  engine.inspect(logOf(4, "", "10.0.0.9", "bad.example"));
  engine.inspect(logOf(5, "", "", "bad.example"));      // no endpoint: matched, no verdict
  engine.inspect(logOf(6, "UID-A", "10.0.0.6", "clean.example"));  // no match: not counted

  const EndpointVerdict* a = engine.verdicts().find("UID-A");
  REQUIRE(a != nullptr);
  CHECK(a->uid == "UID-A");
  CHECK(a->ip == "10.0.0.6");  // latest address
  CHECK(a->hostname == "pc-a");
  CHECK(a->level == IocLevel::kHigh);
  CHECK(a->events == 3);
  CHECK(a->threats == std::set<std::string>{"Emotet", "Odd"});
  CHECK(a->firstSeen == t0 - 10min);
  CHECK(a->lastSeen == t0);
  CHECK(std::vector<std::int64_t>(a->logIds.begin(), a->logIds.end()) ==
        std::vector<std::int64_t>{1, 2, 3});
  REQUIRE(a->indicators.size() == 2);
  CHECK(a->indicators[1].indicator == "bad.example");
  CHECK(a->indicators[1].events == 2);

  const EndpointVerdict* byIp = engine.verdicts().find("10.0.0.9");
  REQUIRE(byIp != nullptr);
  CHECK(byIp->uid.empty());
  CHECK(engine.verdicts().size() == 2);

  // Inspecting the same log id again does not count it twice.
  engine.inspect(logOf(3, "UID-A", "10.0.0.6", "bad.example"));
  CHECK(engine.verdicts().find("UID-A")->events == 3);
}

TEST_CASE("notifications: once per endpoint and level per throttle window") {
  fabric::ManualClock clock;
  IocEngine engine(clock);  // default throttle 1440 minutes
  CHECK(engine.settings().notificationThrottle == 1440min);
  loadFeeds(engine);

  auto r1 = engine.inspect(logOf(1, "UID-A", "10.0.0.5", "odd.example"));
  REQUIRE(r1.notifications.size() == 1);
  const IocNotification& n = r1.notifications[0];
  CHECK(n.endpoint == "UID-A");
  CHECK(n.ip == "10.0.0.5");
  CHECK(n.uid == "UID-A");
  CHECK(n.indicator == "odd.example");
  CHECK(n.threat == "Odd");
  CHECK(n.level == IocLevel::kMedium);
  CHECK(n.verdict == "Suspicious");
  CHECK(n.feed == "lab");
  CHECK(n.logIds == std::vector<std::int64_t>{1});
  CHECK_FALSE(n.rescan);

  // Same level within the window: silent.
  clock.advance(1439min);
  CHECK(engine.inspect(logOf(2, "UID-A", "10.0.0.5", "odd2.example")).notifications.empty());

  // A higher level fires even inside the medium window.
  auto r3 = engine.inspect(logOf(3, "UID-A", "10.0.0.5", "bad.example"));
  REQUIRE(r3.notifications.size() == 1);
  CHECK(r3.notifications[0].level == IocLevel::kHigh);
  CHECK(r3.notifications[0].verdict == "Infected");
  CHECK(r3.notifications[0].logIds == std::vector<std::int64_t>{1, 2, 3});
  CHECK(toJson(r3.notifications[0])["level"] == "high");

  // The medium window has passed, but a high notification is recent: medium stays silent.
  clock.advance(2min);
  CHECK(engine.inspect(logOf(4, "UID-A", "10.0.0.5", "odd.example")).notifications.empty());
  CHECK(engine.inspect(logOf(5, "UID-A", "10.0.0.5", "bad.example")).notifications.empty());

  // Another endpoint has its own window.
  CHECK(engine.inspect(logOf(6, "UID-B", "10.0.0.7", "bad.example")).notifications.size() == 1);

  // A new window fires again.
  clock.advance(1440min);
  auto r7 = engine.inspect(logOf(7, "UID-A", "10.0.0.5", "bad.example"));
  REQUIRE(r7.notifications.size() == 1);
  CHECK(r7.notifications[0].level == IocLevel::kHigh);
  CHECK(engine.inspect(logOf(8, "UID-A", "10.0.0.5", "odd.example")).notifications.empty());
}

TEST_CASE("notification throttle and switch are configurable") {
  fabric::ManualClock clock;
  IocEngine engine(clock, IocSettings{true, 5min});
  loadFeeds(engine);
  CHECK(engine.inspect(logOf(1, "U", "10.0.0.1", "bad.example")).notifications.size() == 1);
  clock.advance(4min);
  CHECK(engine.inspect(logOf(2, "U", "10.0.0.1", "bad.example")).notifications.empty());
  clock.advance(1min);
  CHECK(engine.inspect(logOf(3, "U", "10.0.0.1", "bad.example")).notifications.size() == 1);
  engine.setSettings(IocSettings{false, 5min});
  clock.advance(10min);
  auto off = engine.inspect(logOf(4, "U", "10.0.0.1", "bad.example"));
  CHECK(off.notifications.empty());
  CHECK(off.matches.size() == 1);
  CHECK(engine.verdicts().find("U")->events == 4);
}

TEST_CASE("rescan finds old logs that a new feed now matches") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  std::vector<LogObservables> store = {
      logOf(10, "UID-A", "10.0.0.5", "later-bad.example"),
      logOf(11, "UID-B", "10.0.0.6", "clean.example"),
      logOf(12, "", "10.0.0.7", "cdn.later-bad.example"),
      logOf(13, "UID-A", "10.0.0.5", "bad.example"),
  };
  loadFeeds(engine);
  for (const auto& log : store) engine.inspect(log);  // live path: only log 13 matches
  CHECK(engine.verdicts().find("UID-A")->events == 1);
  CHECK(engine.verdicts().find("10.0.0.7") == nullptr);

  StoredLogVisitor visitor = [&store](const std::function<void(const StoredObservables&)>& each) {
    for (const auto& log : store) each(log);
  };

  // No feed change: a rescan finds nothing new and counts nothing twice.
  auto quiet = engine.rescan(visitor);
  CHECK(quiet.logsScanned == 4);
  CHECK(quiet.logsMatched == 1);
  CHECK(quiet.newEvents == 0);
  CHECK(quiet.notifications.empty());

  REQUIRE(engine.loadFeed(FeedSource{.name = "new", .format = FeedFormat::kPlain,
                                     .plainType = PlainFeedType::kDomain,
                                     .level = IocLevel::kMedium, .threat = "Later"},
                          "later-bad.example\n")
              .loaded);
  auto report = engine.rescan(visitor, "new");
  CHECK(report.logsScanned == 4);
  CHECK(report.logsMatched == 2);
  CHECK(report.newEvents == 2);
  CHECK(report.endpoints == std::vector<std::string>{"UID-A", "10.0.0.7"});
  // UID-A already had a high notification in this window, so only 10.0.0.7 is notified.
  REQUIRE(report.notifications.size() == 1);
  CHECK(report.notifications[0].endpoint == "10.0.0.7");
  CHECK(report.notifications[0].rescan);
  CHECK(report.notifications[0].threat == "Later");
  CHECK(report.notifications[0].logIds == std::vector<std::int64_t>{12});
  CHECK(engine.verdicts().find("UID-A")->events == 2);
  CHECK(engine.verdicts().find("10.0.0.7")->foundByRescan);
  CHECK_FALSE(engine.verdicts().find("UID-B"));

  auto again = engine.rescan(visitor, "new");
  CHECK(again.newEvents == 0);
  CHECK(again.notifications.empty());
}

TEST_CASE("compromised hosts view and acknowledgement") {
  fabric::ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1764331200)));
  IocEngine engine(clock);
  loadFeeds(engine);
  engine.inspect(logOf(1, "", "10.0.0.9", "odd.example"));
  clock.advance(1min);
  auto hostLog = logOf(2, "UID-A", "10.0.0.5", "bad.example");
  hostLog.hostname = "pc-a";
  engine.inspect(hostLog);

  nlohmann::json view = engine.compromisedHosts();
  REQUIRE(view.size() == 2);
  const auto& top = view[0];  // highest level first
  CHECK(top["endpoint"] == "UID-A");
  CHECK(top["ip"] == "10.0.0.5");
  CHECK(top["uid"] == "UID-A");
  CHECK(top["hostname"] == "pc-a");
  CHECK(top["verdict"] == "Infected");
  CHECK(top["level"] == "high");
  CHECK(top["threats"] == nlohmann::json::array({"Emotet"}));
  CHECK(top["threat_count"] == 1);
  CHECK(top["event_count"] == 1);
  CHECK(top["first_seen"] == "2025-11-28T12:01:00Z");
  CHECK(top["last_seen"] == "2025-11-28T12:01:00Z");
  CHECK(top["acknowledged"] == false);
  CHECK(top["rescan"] == false);
  CHECK(top["indicators"][0]["indicator"] == "bad.example");
  CHECK(top["indicators"][0]["type"] == "domain");
  CHECK(top["log_ids"] == nlohmann::json::array({2}));
  CHECK(view[1]["verdict"] == "Suspicious");
  CHECK(view[1]["uid"] == "");

  CHECK(engine.acknowledge("UID-A"));
  CHECK_FALSE(engine.acknowledge("nobody"));
  CHECK(engine.compromisedHosts()[0]["acknowledged"] == true);
  // A new matching log brings the host back.
  engine.inspect(logOf(3, "UID-A", "10.0.0.5", "bad.example"));
  CHECK(engine.compromisedHosts()[0]["acknowledged"] == false);
}

TEST_CASE("contributing log ids are capped to the most recent ones") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  loadFeeds(engine);
  for (std::int64_t id = 1; id <= static_cast<std::int64_t>(kMaxLogIdsPerEndpoint) + 10; ++id) {
    engine.inspect(logOf(id, "U", "10.0.0.1", "bad.example"));
  }
  const auto* v = engine.verdicts().find("U");
  CHECK(v->events == kMaxLogIdsPerEndpoint + 10);
  CHECK(v->logIds.size() == kMaxLogIdsPerEndpoint);
  CHECK(v->logIds.front() == 11);
}

TEST_CASE("acknowledgements: who and when, saved and restored onto rebuilt verdicts") {
  fabric::ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1764331200)));
  std::vector<Acknowledgement> saved;
  {
    IocEngine engine(clock);
    loadFeeds(engine);
    engine.inspect(logOf(5, "UID-A", "10.0.0.5", "bad.example"));
    engine.inspect(logOf(7, "UID-A", "10.0.0.5", "bad.example"));
    engine.inspect(logOf(8, "UID-B", "10.0.0.6", "bad.example"));
    REQUIRE(engine.acknowledge("UID-A", "alice"));
    REQUIRE(engine.acknowledge("UID-B", "bob"));
    auto host = engine.compromisedHosts();
    for (const auto& h : host)
      if (h["endpoint"] == "UID-A") {
        CHECK(h["acknowledged_by"] == "alice");
        CHECK(h["acknowledged_at"] == "2025-11-28T12:00:00Z");
      }
    saved = engine.acknowledgements();
    REQUIRE(saved.size() == 2);
    CHECK(saved[0].endpoint == "UID-A");
    CHECK(saved[0].through == 7);
    // Through JSON and back, as in ioc-acks.json.
    std::string error;
    auto back = acknowledgementFromJson(toJson(saved[0]), &error);
    REQUIRE(back);
    CHECK(back->endpoint == "UID-A");
    CHECK(back->by == "alice");
    CHECK(back->at == saved[0].at);
    CHECK(back->through == 7);
    CHECK_FALSE(acknowledgementFromJson(nlohmann::json{{"by", "x"}}, &error));
    CHECK(error == "an acknowledgement without an endpoint");
    CHECK_FALSE(acknowledgementFromJson(nlohmann::json{{"endpoint", "E"}, {"through", "7"}}, &error));
  }
  // After a restart: acknowledgements first, then the rescan rebuilds the verdicts, newest log first
  // for UID-B, which also has a log newer than its acknowledgement.
  IocEngine engine(clock);
  loadFeeds(engine);
  engine.restoreAcknowledgements(saved);
  CHECK(engine.acknowledgements().size() == 2);  // kept while their verdicts are not rebuilt
  engine.inspect(logOf(7, "UID-A", "10.0.0.5", "bad.example"));
  engine.inspect(logOf(5, "UID-A", "10.0.0.5", "bad.example"));
  engine.inspect(logOf(9, "UID-B", "10.0.0.6", "bad.example"));
  engine.inspect(logOf(8, "UID-B", "10.0.0.6", "bad.example"));
  for (const auto& h : engine.compromisedHosts()) {
    if (h["endpoint"] == "UID-A") {
      CHECK(h["acknowledged"] == true);
      CHECK(h["acknowledged_by"] == "alice");
    }
    if (h["endpoint"] == "UID-B") CHECK(h["acknowledged"] == false);  // log 9 came after bob's ack
  }
  auto now = engine.acknowledgements();
  REQUIRE(now.size() == 1);
  CHECK(now[0].endpoint == "UID-A");
  // A restored acknowledgement applies also to a verdict rebuilt before it was handed back.
  IocEngine late(clock);
  loadFeeds(late);
  late.inspect(logOf(5, "UID-A", "10.0.0.5", "bad.example"));
  late.restoreAcknowledgements(saved);
  CHECK(late.compromisedHosts()[0]["acknowledged"] == true);
}

#include "fortianalyzer/ioc/ioc_engine.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;
using fabric::logfmt::Observable;
using fabric::logfmt::ObservableKind;

namespace {

FeedSource csvSource(std::string name) {
  FeedSource source;
  source.name = std::move(name);
  source.format = FeedFormat::kCsv;
  return source;
}

FeedSource plain(std::string name, PlainFeedType type, IocLevel level = IocLevel::kHigh) {
  FeedSource source;
  source.name = std::move(name);
  source.format = FeedFormat::kPlain;
  source.plainType = type;
  source.level = level;
  return source;
}

// The indicator a single observable matches, or "" when none.
std::string hit(const IocEngine& engine, ObservableKind kind, std::string value) {
  LogObservables log;
  log.logId = 1;
  log.endpointIp = "10.0.0.5";
  log.observables.push_back(Observable{kind, std::move(value), "field"});
  auto matches = engine.match(log);
  if (matches.empty()) return "";
  return matches.front().indicator;
}

}  // namespace

TEST_CASE("domains match exactly, by parent domain and by wildcard") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  auto report = engine.loadFeed(plain("domains", PlainFeedType::kDomain),
                                "malware.bad.example\n*.phish.example\nexact.example\n");
  REQUIRE(report.loaded);
  CHECK(report.indicators == 3);

  CHECK(hit(engine, ObservableKind::kDomain, "malware.bad.example") == "malware.bad.example");
  CHECK(hit(engine, ObservableKind::kDomain, "a.malware.bad.example") == "malware.bad.example");
  CHECK(hit(engine, ObservableKind::kDomain, "x.y.malware.bad.example") == "malware.bad.example");
  CHECK(hit(engine, ObservableKind::kDomain, "bad.example") == "");
  CHECK(hit(engine, ObservableKind::kDomain, "notmalware.bad.example") == "");
  CHECK(hit(engine, ObservableKind::kDomain, "Malware.Bad.Example.") == "malware.bad.example");
  // wildcard: subdomains only, not the domain itself
  CHECK(hit(engine, ObservableKind::kDomain, "login.phish.example") == "*.phish.example");
  CHECK(hit(engine, ObservableKind::kDomain, "a.b.phish.example") == "*.phish.example");
  CHECK(hit(engine, ObservableKind::kDomain, "phish.example") == "");
  CHECK(hit(engine, ObservableKind::kDomain, "sub.exact.example") == "exact.example");
  CHECK(hit(engine, ObservableKind::kDomain, "not a domain") == "");
  CHECK(hit(engine, ObservableKind::kDomain, "") == "");
}

TEST_CASE("the strongest and then most specific domain entry wins") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(csvSource("mix"),
                          "indicator,type,level,threat\n"
                          "bad.example,domain,high,Parent\n"
                          "a.bad.example,domain,medium,Child\n"
                          "b.bad.example,domain,high,ChildHigh\n")
              .loaded);
  LogObservables log;
  log.endpointIp = "10.0.0.1";
  log.observables = {Observable{ObservableKind::kDomain, "x.a.bad.example", "qname"}};
  auto matches = engine.match(log);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].indicator == "bad.example");
  CHECK(matches[0].threat == "Parent");
  log.observables = {Observable{ObservableKind::kDomain, "x.b.bad.example", "qname"}};
  matches = engine.match(log);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].indicator == "b.bad.example");
}

TEST_CASE("URLs match after normalisation, with and without the query") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("urls", PlainFeedType::kUrl),
                          "http://bad.example/dl/payload.exe\n"
                          "https://bad.example/gate.php?id=7\n"
                          "ftp://files.example/x\n")
              .loaded);
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/dl/payload.exe") ==
        "bad.example/dl/payload.exe");
  CHECK(hit(engine, ObservableKind::kUrl, "HTTPS://BAD.EXAMPLE:443/dl/./x/../payload.exe#top") ==
        "bad.example/dl/payload.exe");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/dl/payload%2Eexe") ==
        "bad.example/dl/payload.exe");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/dl/payload.exe?session=1") ==
        "bad.example/dl/payload.exe");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/gate.php?id=7") ==
        "bad.example/gate.php?id=7");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/gate.php?id=8") == "");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/gate.php") == "");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example:8080/dl/payload.exe") == "");
  CHECK(hit(engine, ObservableKind::kUrl, "ftp://files.example/x") == "ftp://files.example/x");
  CHECK(hit(engine, ObservableKind::kUrl, "http://files.example/x") == "");
  CHECK(hit(engine, ObservableKind::kUrl, "http://bad.example/%zz") == "");
}

TEST_CASE("a URL's host is also matched against domain and IP indicators") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("d", PlainFeedType::kDomain), "bad.example\n").loaded);
  REQUIRE(engine.loadFeed(plain("i", PlainFeedType::kAddress), "203.0.113.0/24\n").loaded);
  CHECK(hit(engine, ObservableKind::kUrl, "http://cdn.bad.example/x") == "bad.example");
  CHECK(hit(engine, ObservableKind::kUrl, "http://203.0.113.9:8080/x") == "203.0.113.0/24");
}

TEST_CASE("IPv4 and IPv6 exact and CIDR matching") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("ips", PlainFeedType::kAddress),
                          "192.0.2.7\n198.51.100.0/24\n10.0.0.0/8\n2001:db8:bad::/48\n2001:db8::1\n"
                          "0.0.0.0/0\n")
              .loaded == true);
  CHECK(hit(engine, ObservableKind::kIp, "192.0.2.7") == "192.0.2.7");
  CHECK(hit(engine, ObservableKind::kIp, "198.51.100.200") == "198.51.100.0/24");
  CHECK(hit(engine, ObservableKind::kIp, "10.200.3.4") == "10.0.0.0/8");
  CHECK(hit(engine, ObservableKind::kIp, "::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(hit(engine, ObservableKind::kIp, "8.8.8.8") == "0.0.0.0/0");
  CHECK(hit(engine, ObservableKind::kIp, "2001:db8:bad:1::5") == "2001:db8:bad::/48");
  CHECK(hit(engine, ObservableKind::kIp, "2001:DB8::1") == "2001:db8::1");
  CHECK(hit(engine, ObservableKind::kIp, "2001:db8::2") == "");
  CHECK(hit(engine, ObservableKind::kIp, "321.1.1.1") == "");
}

TEST_CASE("most specific IP prefix wins at equal level") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("ips", PlainFeedType::kAddress), "10.0.0.0/8\n10.1.0.0/16\n").loaded);
  CHECK(hit(engine, ObservableKind::kIp, "10.1.2.3") == "10.1.0.0/16");
  CHECK(hit(engine, ObservableKind::kIp, "10.2.2.3") == "10.0.0.0/8");
}

TEST_CASE("hashes match case-insensitively for MD5, SHA-1 and SHA-256") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("h", PlainFeedType::kMalware),
                          "D41D8CD98F00B204E9800998ECF8427E\n"
                          "da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
                          "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f EICAR\n")
              .loaded);
  CHECK(hit(engine, ObservableKind::kMd5, "d41d8cd98f00b204e9800998ecf8427e") ==
        "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hit(engine, ObservableKind::kSha1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709") ==
        "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hit(engine, ObservableKind::kSha256,
            "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F") ==
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
  CHECK(hit(engine, ObservableKind::kSha256, std::string(64, '0')) == "");
  CHECK(hit(engine, ObservableKind::kMd5, "not-hex") == "");
}

TEST_CASE("several feeds at once; each match names its feed; one match per feed and indicator") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("feed-b", PlainFeedType::kDomain, IocLevel::kMedium), "bad.example\n").loaded);
  REQUIRE(engine.loadFeed(plain("feed-a", PlainFeedType::kDomain), "bad.example\n").loaded);
  LogObservables log;
  log.endpointIp = "10.0.0.9";
  log.observables = {Observable{ObservableKind::kDomain, "bad.example", "hostname"},
                     Observable{ObservableKind::kUrl, "http://bad.example/x", "url"}};
  auto matches = engine.match(log);
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].feed == "feed-a");
  CHECK(matches[0].level == IocLevel::kHigh);
  CHECK(matches[0].threat == "feed-a");  // default threat = feed name
  CHECK(matches[0].field == "hostname");
  CHECK(matches[1].feed == "feed-b");
  CHECK(matches[1].level == IocLevel::kMedium);
  CHECK(engine.match(log, "feed-b").size() == 1);
  CHECK(engine.feeds().size() == 2);
}

TEST_CASE("duplicates fold into one entry keeping the higher level") {
  FeedLoadReport report;
  auto index = buildFeed(csvSource("dup"),
                         "indicator,type,level,threat\n"
                         "bad.example,domain,medium,Low one\n"
                         "BAD.example,domain,high,High one\n"
                         "bad.example,domain,medium,Again\n",
                         &report);
  REQUIRE(index);
  CHECK(report.indicators == 1);
  CHECK(report.duplicates == 2);
  auto match = index->matchDomain("bad.example");
  REQUIRE(match);
  CHECK(match->level == IocLevel::kHigh);
  CHECK(match->threat == "High one");
  CHECK(report.memoryBytes > 0);
}

TEST_CASE("a feed is replaced by loading a new version under the same name") {
  fabric::ManualClock clock;
  IocEngine engine(clock);
  REQUIRE(engine.loadFeed(plain("f", PlainFeedType::kDomain), "old.example\n").loaded);
  CHECK(hit(engine, ObservableKind::kDomain, "old.example") == "old.example");
  auto report = engine.loadFeed(plain("f", PlainFeedType::kDomain), "new.example\n");
  REQUIRE(report.loaded);
  CHECK(engine.feeds().size() == 1);
  CHECK(hit(engine, ObservableKind::kDomain, "old.example") == "");
  CHECK(hit(engine, ObservableKind::kDomain, "new.example") == "new.example");

  // A version that cannot be used at all changes nothing.
  FeedSource csv = csvSource("f");
  auto bad = engine.loadFeed(csv, "no header here\n");
  CHECK_FALSE(bad.loaded);
  CHECK(bad.fatal.rfind("line 1: CSV header must name", 0) == 0);
  CHECK(hit(engine, ObservableKind::kDomain, "new.example") == "new.example");

  // A matcher keeps the version it holds while a new one is swapped in.
  auto held = engine.feed("f");
  REQUIRE(engine.loadFeed(plain("f", PlainFeedType::kDomain), "newer.example\n").loaded);
  CHECK(held->matchDomain("new.example"));
  CHECK(engine.removeFeed("f"));
  CHECK_FALSE(engine.removeFeed("f"));
  CHECK(hit(engine, ObservableKind::kDomain, "newer.example") == "");
}

// IngestPipeline: messages in, rows out; counters, acks per link, malformed kept, devices listed,
// IoC events after commit, backpressure.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <sstream>
#include <vector>

#include "common/base/clock.h"
#include "common/logfmt/log_record.h"
#include "common/logfmt/syslog_frame_decoder.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"
#include "fortianalyzer/search/log_search.h"
#include "ingest_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::eventually;
using fabric::faz::test::fgtLine;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

IngestOptions options(const TempDir& dir) {
  IngestOptions o;
  o.store.path = dir.file("logs.db");
  o.store.max_batch_delay = 1ms;
  return o;
}

int64_t count(const std::string& path, std::vector<std::string> filters = {}) {
  LogSearch search(path);
  LogQuery q;
  q.filters = std::move(filters);
  q.count_only = true;
  auto r = search.run(q);
  REQUIRE(r.error.empty());
  return r.count;
}

}  // namespace

TEST_CASE("submitted lines are parsed, stored, counted and acked per link in seq order") {
  TempDir dir;
  fabric::RealClock clock;
  IngestPipeline p(options(dir), clock);
  std::mutex mu;
  std::vector<std::pair<LinkId, uint64_t>> acks;
  p.setCommitListener([&](LinkId link, uint64_t seq) {
    std::lock_guard lk(mu);
    acks.emplace_back(link, seq);
  });
  LinkId a = p.openLink({.address = "127.0.5.1", .transport = Transport::kFortiGateLink,
                         .registered_device = true});
  LinkId b = p.openLink({.address = "127.0.5.2", .transport = Transport::kTls});
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    MessageBatch batch;
    for (int k = 0; k < 10; ++k) batch.add(fgtLine(static_cast<int>(seq * 100 + k)) + "\r\n");
    REQUIRE(p.submit(a, batch, seq, 10s) == SubmitResult::kAccepted);
    CHECK(batch.empty());  // taken
    MessageBatch other;
    other.add("<189>" + fgtLine(static_cast<int>(seq * 100 + 50), "www.example.com",
                                "FGT60F0000000002", "10.9.9.9"));
    REQUIRE(p.trySubmit(b, other, seq) == SubmitResult::kAccepted);
  }
  REQUIRE(p.flush(30s));

  auto c = p.counters();
  CHECK(c.received == 220);
  CHECK(c.stored == 220);
  CHECK(c.malformed == 0);
  CHECK(c.open_links == 2);
  REQUIRE(c.senders.size() == 2);
  CHECK(c.senders[0].address == "127.0.5.1");
  CHECK(c.senders[0].stored == 200);
  CHECK(c.senders[0].transport == Transport::kFortiGateLink);
  CHECK(c.senders[1].stored == 20);
  CHECK(p.sender("127.0.5.2")->received == 20);
  CHECK_FALSE(p.sender("127.9.9.9"));

  {
    std::lock_guard lk(mu);
    REQUIRE(acks.size() == 40);
    uint64_t lastA = 0, lastB = 0;
    for (auto [link, seq] : acks) {
      uint64_t& last = link == a ? lastA : lastB;
      CHECK(seq == last + 1);
      last = seq;
    }
    CHECK(lastA == 20);
    CHECK(lastB == 20);
  }

  CHECK(count(p.storePath()) == 220);
  CHECK(count(p.storePath(), {"sessionid==1203"}) == 1);
  CHECK(count(p.storePath(), {"srcip==10.9.9.9"}) == 20);
  LogSearch search(p.storePath());
  LogQuery q;
  q.filters = {"sessionid==1250"};
  auto r = search.run(q);
  REQUIRE(r.rows.size() == 1);
  const auto& row = r.rows[0];
  CHECK(row["source_addr"] == "127.0.5.2");
  CHECK(row["devid"] == "FGT60F0000000002");
  CHECK(row["type"] == "utm");
  CHECK(row["subtype"] == "webfilter");
  CHECK(row["time_ns"] == 1764331200000001250LL);
  CHECK(row["fields"]["hostname"] == "www.example.com");
  CHECK(row["raw"].get<std::string>().rfind("<189>date=", 0) == 0);  // raw kept as received
}

TEST_CASE("malformed lines are counted and kept raw; empty and oversized are counted and dropped") {
  TempDir dir;
  fabric::RealClock clock;
  IngestOptions o = options(dir);
  o.max_message = 2000;
  IngestPipeline p(o, clock);
  LinkId l = p.openLink({.address = "127.0.5.3", .transport = Transport::kUdp});
  MessageBatch batch;
  batch.add("this line has no key value pair at all");
  batch.add("<13>Nov 28 12:00:00 host app: plain text");
  batch.add("CEF:0|Fortinet|Fortigate");  // CEF header with 3 of 7 fields
  batch.add("");
  batch.add("  \r\n");
  batch.add("devname=x " + std::string(3000, 'a'));
  batch.add(fgtLine(7));
  REQUIRE(p.submit(l, batch, 1, 10s) == SubmitResult::kAccepted);
  p.noteOversized(l, 2);
  p.noteFramingError(l, "non-digit '<' (0x3c) in octet count");
  REQUIRE(p.flush(30s));
  auto c = p.counters();
  CHECK(c.received == 7);
  CHECK(c.malformed == 3);
  CHECK(c.empty == 2);
  CHECK(c.oversized == 3);  // one too long + two reported by the receiver
  CHECK(c.framing_errors == 1);
  CHECK(c.stored == 4);
  auto s = p.sender("127.0.5.3");
  REQUIRE(s);
  CHECK(s->malformed == 3);
  CHECK(s->oversized == 3);
  CHECK(s->framing_errors == 1);
  CHECK(s->transport == Transport::kUdp);

  LogSearch search(p.storePath());
  LogQueryResult r;
  for (LogId id = 1; id <= 4; ++id) r.rows.push_back(search.get(id).value());
  CHECK_FALSE(search.get(5));
  CHECK(r.rows[0]["raw"] == "this line has no key value pair at all");
  CHECK(r.rows[1]["raw"] == "<13>Nov 28 12:00:00 host app: plain text");
  CHECK(r.rows[2]["raw"] == "CEF:0|Fortinet|Fortigate");
  CHECK(r.rows[0]["source_addr"] == "127.0.5.3");
  CHECK(r.rows[0]["type"] == "");
  CHECK(r.rows[3]["logid"] == "0316013056");
}

TEST_CASE("CSV, CEF and RFC 5424 lines keep the parser's fields") {
  TempDir dir;
  fabric::RealClock clock;
  IngestPipeline p(options(dir), clock);
  LinkId l = p.openLink({.address = "127.0.5.4", .transport = Transport::kTcp});
  MessageBatch batch;
  batch.add("date=2016-02-12,time=14:10:42,devname=FGT-CSV,devid=FGT60D0000000001,logid=0000000013,"
            "type=traffic,subtype=forward,level=notice,srcip=10.1.1.1,dstip=8.8.8.8,"
            "ipaddr=\"1.1.1.1, 2.2.2.2\",action=accept");
  batch.add("CEF:0|Fortinet|Fortigate|v7.2.8|00013|traffic:forward close|3|deviceExternalId=FGT60E0000000003 "
            "src=10.2.2.2 dst=9.9.9.9 act=close FTNTFGTsessionid=4242");
  batch.add("<165>1 2022-11-14T06:54:03Z fgt1 - - - [meta x=\"1\"] date=2022-11-14 time=06:54:03 "
            "devid=\"FGT80F0000000004\" logid=\"0100032001\" type=\"event\" subtype=\"system\" "
            "srcip=10.3.3.3 msg=\"admin login\"");
  REQUIRE(p.submit(l, batch, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  CHECK(p.counters().malformed == 0);

  LogSearch search(p.storePath());
  LogQueryResult r;
  for (LogId id = 1; id <= 3; ++id) r.rows.push_back(search.get(id).value());
  CHECK(r.rows[0]["devid"] == "FGT60D0000000001");
  CHECK(r.rows[0]["fields"]["action"] == "accept");
  CHECK(r.rows[0]["fields"]["ipaddr"] == "1.1.1.1, 2.2.2.2");
  CHECK(r.rows[1]["devid"] == "FGT60E0000000003");
  CHECK(r.rows[1]["srcip"] == "10.2.2.2");
  CHECK(r.rows[1]["type"] == "traffic");
  CHECK(r.rows[1]["fields"]["sessionid"] == "4242");
  CHECK(r.rows[2]["devid"] == "FGT80F0000000004");
  CHECK(r.rows[2]["fields"]["msg"] == "admin login");
  CHECK_FALSE(r.rows[2]["fields"].contains("x"));  // structured data is not a log field
  CHECK(count(p.storePath(), {"action==close"}) == 1);
}

TEST_CASE("every published sample line is accepted and stored") {
  // FABRIC_SHARED_DIR (env, then the build's ../shared); a git worktree under /work/wt/<name>
  // finds the shared folder two levels up.
  const char* env = std::getenv("FABRIC_SHARED_DIR");
  std::filesystem::path dirPath =
      std::filesystem::path(env && *env ? env : FABRIC_SHARED_DIR) / "testdata" / "real-logs";
  if (!env && !std::filesystem::is_directory(dirPath)) {
    dirPath = std::filesystem::path(FABRIC_SOURCE_DIR) / ".." / ".." / "shared" / "testdata" / "real-logs";
  }
  INFO("sample directory: " << dirPath);
  REQUIRE(std::filesystem::is_directory(dirPath));
  TempDir dir;
  fabric::RealClock clock;
  IngestPipeline p(options(dir), clock);
  LinkId l = p.openLink({.address = "127.0.5.5", .transport = Transport::kTcp});
  uint64_t lines = 0;
  std::vector<std::string> submitted;
  for (const auto& entry : std::filesystem::directory_iterator(dirPath)) {
    if (entry.path().extension() != ".log") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    fabric::logfmt::SyslogFrameDecoder decoder;
    MessageBatch batch;
    auto onMsg = [&](std::string_view m) { batch.add(m); };
    auto onErr = [&](const fabric::logfmt::FrameError& e) { FAIL(e.reason); };
    REQUIRE(decoder.feed(ss.str(), onMsg, onErr));
    REQUIRE(decoder.finish(onMsg, onErr));
    lines += batch.size();
    for (std::size_t i = 0; i < batch.size(); ++i) submitted.emplace_back(batch[i]);
    REQUIRE(p.submit(l, batch, 0, 10s) == SubmitResult::kAccepted);
  }
  REQUIRE(p.flush(30s));
  auto c = p.counters();
  CHECK(lines >= 290);
  CHECK(c.received == lines);
  CHECK(c.malformed == 0);
  CHECK(c.stored == lines);
  CHECK(count(p.storePath()) == static_cast<int64_t>(lines));

  // Each stored row, read back as search shows it, holds the line and what the parser read in it:
  // every field (first value of a duplicate key), and the indexed columns.
  LogSearch search(p.storePath());
  fabric::logfmt::LogRecord r;
  for (std::size_t i = 0; i < submitted.size(); ++i) {
    INFO("line " << i << ": " << submitted[i].substr(0, 300));
    auto row = search.get(static_cast<LogId>(i + 1));
    REQUIRE(row);
    REQUIRE(fabric::logfmt::parseLogLine(submitted[i], 0, r));
    CHECK((*row)["raw"] == std::string(r.raw));
    std::map<std::string, std::string> expected;
    for (const auto& f : r.fields.all()) expected.emplace(std::string(f.key), std::string(f.value));
    std::map<std::string, std::string> stored;
    for (const auto& [k, v] : (*row)["fields"].items()) stored[k] = v.get<std::string>();
    std::string diff;
    for (const auto& [k, v] : stored)
      if (!expected.count(k) || expected[k] != v) diff += " stored " + k + "='" + v + "'";
    for (const auto& [k, v] : expected)
      if (!stored.count(k)) diff += " missing " + k + "='" + v + "'";
    CHECK(diff == "");
    CHECK((*row)["devid"] == std::string(r.devid()));
    CHECK((*row).value("devname", "") == std::string(r.devname()));
    CHECK((*row)["type"] == std::string(r.type()));
    CHECK((*row)["subtype"] == std::string(r.subtype()));
    if (r.time_source != fabric::logfmt::TimeSource::kReceived) CHECK((*row)["time_ns"] == r.time_ns);
    if (!r.logid().empty()) CHECK((*row)["logid"] == std::string(r.logid()));
  }
}

TEST_CASE("devices nobody registered are listed unregistered; a FortiGate link registers its device") {
  TempDir dir;
  fabric::RealClock clock;
  IngestPipeline p(options(dir), clock);
  LinkId syslog = p.openLink({.address = "127.0.5.6", .transport = Transport::kUdp});
  LinkId fgt = p.openLink({.address = "127.0.5.7", .transport = Transport::kFortiGateLink,
                           .registered_device = true});
  MessageBatch a, b;
  a.add(fgtLine(1, "www.example.com", "FGT60F0000000009"));
  b.add(fgtLine(2, "www.example.com", "FGVM01TM00000001"));
  REQUIRE(p.submit(syslog, a, 0, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.submit(fgt, b, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  auto devices = p.listDevices();
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].devid == "FGT60F0000000009");
  CHECK_FALSE(devices[0].registered);
  CHECK(devices[0].ip == "127.0.5.6");
  CHECK(devices[0].log_count == 1);
  CHECK(devices[1].devid == "FGVM01TM00000001");
  CHECK(devices[1].registered);
  CHECK(p.registerDevice({.devid = "FGT60F0000000009"}) == "");
  CHECK(p.listDevices()[0].registered);
  CHECK(p.registerDevice({.devid = ""}) != "");
}

TEST_CASE("IoC matches are reported after their log is committed, with one notification") {
  TempDir dir;
  fabric::ManualClock clock;
  IngestPipeline p(options(dir), clock);
  std::mutex mu;
  std::vector<IocEvent> events;
  LogId committedAtEvent = -1;
  p.setIocListener([&](const IocEvent& e) {
    std::lock_guard lk(mu);
    events.push_back(e);
  });
  ioc::FeedSource src{.name = "lab", .plainType = ioc::PlainFeedType::kDomain};
  auto report = p.loadFeed(src, "bad.example\n# comment\nbad..example\n");
  CHECK(report.loaded);
  CHECK(report.indicators == 1);
  CHECK(report.errors.size() == 1);

  LinkId l = p.openLink({.address = "127.0.5.8", .transport = Transport::kFortiGateLink,
                         .registered_device = true});
  MessageBatch batch;
  batch.add(fgtLine(1));
  batch.add(fgtLine(2, "evil-1.bad.example"));
  batch.add(fgtLine(3, "evil-2.bad.example"));
  REQUIRE(p.submit(l, batch, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  committedAtEvent = p.counters().store.committed_id;
  std::lock_guard lk(mu);
  REQUIRE(events.size() == 2);
  CHECK(events[0].link == l);
  CHECK(events[0].sender == "127.0.5.8");
  CHECK(events[0].log_id <= committedAtEvent);
  CHECK(events[0].matches.at(0).indicator == "bad.example");
  REQUIRE(events[0].notification);
  CHECK(events[0].notification->ip == "10.0.0.5");
  CHECK(events[0].notification->verdict == "Infected");
  CHECK_FALSE(events[1].notification);  // throttled: same endpoint, same level
  auto c = p.counters();
  CHECK(c.ioc_matched_logs == 2);
  CHECK(c.ioc_notifications == 1);
  nlohmann::json hosts;
  p.withIoc([&](ioc::IocEngine& e) { hosts = e.compromisedHosts(); });
  CHECK(hosts.dump().find("10.0.0.5") != std::string::npos);
}

TEST_CASE("rescan finds stored logs that a newly loaded feed matches") {
  TempDir dir;
  fabric::ManualClock clock;
  IngestPipeline p(options(dir), clock);
  LinkId l = p.openLink({.address = "127.0.5.9", .transport = Transport::kTls});
  MessageBatch batch;
  batch.add(fgtLine(1, "later.bad.example", "FGVM01TM00000001", "10.0.0.77"));
  batch.add(fgtLine(2));
  REQUIRE(p.submit(l, batch, 0, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  int notified = 0;
  p.setIocListener([&](const IocEvent& e) { notified += e.notification && e.notification->rescan; });
  ioc::FeedSource src{.name = "late", .plainType = ioc::PlainFeedType::kDomain};
  REQUIRE(p.loadFeed(src, "later.bad.example\n").loaded);
  auto r = p.rescan("late");
  CHECK(r.logsMatched == 1);
  CHECK(r.endpoints == std::vector<std::string>{"10.0.0.77"});
  CHECK(notified == 1);
  CHECK(p.removeFeed("late"));
  CHECK_FALSE(p.removeFeed("late"));
}

TEST_CASE("a full queue refuses instead of blocking, then asks to resume") {
  TempDir dir;
  fabric::RealClock clock;
  IngestOptions o = options(dir);
  o.max_queued_messages = 1;
  IngestPipeline p(o, clock);
  std::atomic<int> resumed{0};
  p.setResumeListener([&] { resumed++; });
  LinkId l = p.openLink({.address = "127.0.5.10", .transport = Transport::kTcp});
  // Holding the IoC lock stalls the parse thread right after it takes a chunk.
  p.withIoc([&](ioc::IocEngine&) {
    MessageBatch a, b, c;
    a.add(fgtLine(1));
    REQUIRE(p.trySubmit(l, a) == SubmitResult::kAccepted);
    REQUIRE(eventually([&] { return p.counters().queued_messages == 0; }));
    b.add(fgtLine(2));
    REQUIRE(p.trySubmit(l, b) == SubmitResult::kAccepted);
    c.add(fgtLine(3));
    CHECK(p.trySubmit(l, c) == SubmitResult::kQueueFull);
    CHECK(c.size() == 1);  // left intact for the retry
    CHECK(p.counters().refused_full == 1);
    CHECK(p.trySubmit(999, c) == SubmitResult::kUnknownLink);
  });
  REQUIRE(eventually([&] { return resumed.load() == 1; }));
  REQUIRE(p.flush(30s));
  CHECK(p.counters().stored == 2);
  p.closeLink(l);
  MessageBatch d;
  d.add(fgtLine(4));
  CHECK(p.trySubmit(l, d) == SubmitResult::kUnknownLink);
  p.close();
  CHECK(p.trySubmit(l, d) != SubmitResult::kAccepted);
}

TEST_CASE("listeners may not wait for the pipeline") {
  TempDir dir;
  fabric::RealClock clock;
  IngestPipeline p(options(dir), clock);
  std::atomic<int> refused{0};
  p.setCommitListener([&](LinkId, uint64_t) {
    try {
      p.flush(1s);
    } catch (const std::logic_error&) {
      refused++;
    }
  });
  LinkId l = p.openLink({.address = "127.0.5.11", .transport = Transport::kFortiGateLink});
  MessageBatch a;
  a.add(fgtLine(1));
  REQUIRE(p.submit(l, a, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  CHECK(refused.load() == 1);
}

TEST_CASE("a value cached as clean matches again once a feed that lists it is loaded") {
  TempDir dir;
  fabric::ManualClock clock;
  IngestPipeline p(options(dir), clock);
  ioc::FeedSource first{.name = "first", .plainType = ioc::PlainFeedType::kDomain};
  REQUIRE(p.loadFeed(first, "unrelated.example\n").loaded);
  LinkId l = p.openLink({.address = "127.0.5.12", .transport = Transport::kTls});
  MessageBatch a;
  a.add(fgtLine(1, "soon.bad.example"));
  a.add(fgtLine(2, "soon.bad.example"));
  REQUIRE(p.submit(l, a, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  auto c = p.counters();
  CHECK(c.ioc_matched_logs == 0);
  CHECK(c.ioc_cache_hits > 0);  // the second line's values were known clean

  ioc::FeedSource second{.name = "second", .plainType = ioc::PlainFeedType::kDomain};
  REQUIRE(p.loadFeed(second, "soon.bad.example\n").loaded);
  MessageBatch b;
  b.add(fgtLine(3, "soon.bad.example"));
  REQUIRE(p.submit(l, b, 2, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  CHECK(p.counters().ioc_matched_logs == 1);
}

TEST_CASE("the clean cache is disabled with 0 entries") {
  TempDir dir;
  fabric::ManualClock clock;
  IngestOptions o = options(dir);
  o.ioc_clean_cache_entries = 0;
  IngestPipeline p(o, clock);
  ioc::FeedSource f{.name = "f", .plainType = ioc::PlainFeedType::kDomain};
  REQUIRE(p.loadFeed(f, "bad.example\n").loaded);
  LinkId l = p.openLink({.address = "127.0.5.13", .transport = Transport::kTls});
  MessageBatch a;
  for (int i = 0; i < 5; ++i) a.add(fgtLine(i, i == 4 ? "x.bad.example" : "www.example.com"));
  REQUIRE(p.submit(l, a, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(p.flush(30s));
  auto c = p.counters();
  CHECK(c.ioc_cache_hits == 0);
  CHECK(c.ioc_matched_logs == 1);
}

TEST_CASE("several threads submit at once; every link's acks arrive complete and in order") {
  TempDir dir;
  fabric::RealClock clock;
  IngestOptions o = options(dir);
  o.max_queued_messages = 300;  // small, so submitters also meet a full queue
  IngestPipeline p(o, clock);
  ioc::FeedSource f{.name = "f", .plainType = ioc::PlainFeedType::kDomain};
  REQUIRE(p.loadFeed(f, "bad.example\n").loaded);
  constexpr int kThreads = 4, kBatches = 60, kLines = 25;
  std::mutex mu;
  std::map<LinkId, std::vector<uint64_t>> acks;
  p.setCommitListener([&](LinkId link, uint64_t seq) {
    std::lock_guard lk(mu);
    acks[link].push_back(seq);
  });
  std::vector<std::thread> threads;
  std::vector<LinkId> links;
  for (int t = 0; t < kThreads; ++t) {
    links.push_back(p.openLink({.address = "127.0.8." + std::to_string(t + 1),
                                .transport = Transport::kFortiGateLink}));
  }
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 1; b <= kBatches; ++b) {
        MessageBatch batch;
        for (int k = 0; k < kLines; ++k) {
          int session = (t * 1000 + b) * 100 + k;
          batch.add(fgtLine(session, k == 0 ? "x.bad.example" : "www.example.com"));
        }
        for (;;) {
          SubmitResult r = p.trySubmit(links[t], batch, static_cast<uint64_t>(b));
          if (r == SubmitResult::kAccepted) break;
          if (r != SubmitResult::kQueueFull) return;
          refused++;
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(p.flush(60s));
  auto c = p.counters();
  CHECK(c.stored == static_cast<uint64_t>(kThreads * kBatches * kLines));
  CHECK(c.ioc_matched_logs == static_cast<uint64_t>(kThreads * kBatches));
  CHECK(c.refused_full == static_cast<uint64_t>(refused.load()));
  std::lock_guard lk(mu);
  for (LinkId l : links) {
    REQUIRE(acks[l].size() == static_cast<size_t>(kBatches));
    for (int b = 1; b <= kBatches; ++b) CHECK(acks[l][b - 1] == static_cast<uint64_t>(b));
  }
  CHECK(count(p.storePath()) == kThreads * kBatches * kLines);
}

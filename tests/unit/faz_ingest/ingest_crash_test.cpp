// kill -9 of a process running the pipeline: every line whose seq was acked is in the store.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <charconv>
#include <set>

#include "common/base/clock.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "fortianalyzer/store/stored_logs.h"
#include "ingest_test_support.h"
#include "tests/support/crash_child.h"

using namespace fabric::faz;
using fabric::faz::test::fgtLine;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

constexpr int kLinesPerSeq = 50;

// Child: submits batches without pause on one FortiGate link; every ack is written to the pipe
// from the commit listener, as the daemon would send logs-ack. Never returns.
[[noreturn]] void childIngest(const std::string& path, int fd) {
  fabric::RealClock clock;
  IngestOptions o;
  o.store.path = path;
  o.store.max_batch = 512;
  o.store.max_batch_delay = 2ms;
  o.max_queued_messages = 5000;
  IngestPipeline p(o, clock);
  p.setCommitListener([fd](LinkId, uint64_t seq) {
    if (write(fd, &seq, sizeof seq) != sizeof seq) _exit(4);
  });
  LinkId link = p.openLink({.address = "127.0.6.1", .transport = Transport::kFortiGateLink,
                            .registered_device = true});
  for (uint64_t seq = 1;; ++seq) {
    MessageBatch batch;
    for (int k = 0; k < kLinesPerSeq; ++k) {
      batch.add(fgtLine(static_cast<int>(seq * 1000 + k)));
    }
    if (p.submit(link, batch, seq, 60s) != SubmitResult::kAccepted) _exit(3);
  }
}

}  // namespace

TEST_CASE("kill -9 while ingesting loses no acked line") {
  TempDir dir;
  std::string path = dir.file("logs.db");
  fabric::test::CrashChild child([&](int fd) { childIngest(path, fd); });
  uint64_t acked = 0;
  for (int reports = 0; reports < 40; ++reports) {
    uint64_t seq = 0;
    REQUIRE(child.read(seq));
    CHECK(seq == acked + 1);  // in order, none skipped
    acked = seq;
  }
  REQUIRE(child.kill9());
  // Acks written after our last read but before the kill count too.
  uint64_t seq = 0;
  while (child.read(seq)) acked = seq;
  REQUIRE(acked >= 40);

  std::set<int64_t> sessions;
  {
    SqliteDb db(path, true, false);
    auto check = db.prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.columnText(0) == "ok");
    bool allHaveSession = true;
    forEachStoredLog(db, [&](const StoredLogView& log) {
      std::string_view raw = log.text(LogBatch::kRaw);
      auto at = raw.find(" sessionid=");
      if (at == std::string_view::npos) {
        allHaveSession = false;
        return true;
      }
      int64_t v = 0;
      std::from_chars(raw.data() + at + 11, raw.data() + raw.size(), v);
      sessions.insert(v);
      return true;
    });
    CHECK(allHaveSession);
  }
  int64_t missing = 0;
  for (uint64_t s = 1; s <= acked; ++s) {
    for (int k = 0; k < kLinesPerSeq; ++k) missing += sessions.count(static_cast<int64_t>(s * 1000 + k)) ? 0 : 1;
  }
  CHECK(missing == 0);

  // The store opens again after the crash and keeps taking logs.
  fabric::RealClock clock;
  IngestOptions o;
  o.store.path = path;
  IngestPipeline again(o, clock);
  CHECK(again.counters().store.recovered_from_crash);
  LinkId l = again.openLink({.address = "127.0.6.1", .transport = Transport::kFortiGateLink});
  MessageBatch b;
  b.add(fgtLine(7));
  REQUIRE(again.submit(l, b, 1, 10s) == SubmitResult::kAccepted);
  REQUIRE(again.flush(30s));
  CHECK(again.counters().stored == 1);
}

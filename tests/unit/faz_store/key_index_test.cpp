// The lazily merged key index (batch_writer.h): blocks past the `keys_indexed_through` watermark
// are found through their `keys` blob, blocks before it through key_packs, and a search sees the
// same logs either way, across a reopen too.
#include <catch2/catch.hpp>

#include "common/base/clock.h"
#include "fortianalyzer/search/log_search.h"
#include "fortianalyzer/store/batch_writer.h"
#include "fortianalyzer/store/log_store.h"
#include "fortianalyzer/store/retention.h"
#include "fortianalyzer/store/store_schema.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "store_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::LogSpec;
using fabric::faz::test::makeLog;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kT0 = 1764331200000000000;

// n logs from ids `from`: source 10.1.<i/250 % 250>.<i % 250>, endpoint uid on every 1000th.
void appendLogs(LogStore& store, int from, int n) {
  LogBatch batch;
  for (int i = from; i < from + n; ++i) {
    LogSpec s;
    s.time_ns = kT0 + i;
    s.srcip = "10.1." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250);
    s.uid = i % 1000 == 0 ? "UID-" + std::to_string(i) : "";
    s.sessionid = i;
    batch.add(makeLog(s));
    if (batch.size() == 4096) {
      REQUIRE(store.appendBatch(batch, true));
      batch = LogBatch();
    }
  }
  if (batch.size() > 0) REQUIRE(store.appendBatch(batch, true));
  REQUIRE(store.flush(60s));
}

int64_t count(const std::string& path, const std::string& filter) {
  LogQuery q;
  q.filters = {filter};
  q.count_only = true;
  auto r = LogSearch(path).run(q);
  INFO(r.error);
  REQUIRE(r.error.empty());
  return r.count;
}

struct IndexState {
  int64_t watermark = -1;
  int64_t keyRows = 0;
};

IndexState indexState(const std::string& path) {
  SqliteDb db(path, true, false);
  IndexState s;
  auto w = db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key='keys_indexed_through'");
  if (w.step()) s.watermark = w.columnInt(0);
  auto k = db.prepare("SELECT coalesce(sum(length(pairs)), 0) / 16 FROM key_packs");
  if (k.step()) s.keyRows = k.columnInt(0);
  return s;
}

}  // namespace

TEST_CASE("the merge lag is a quarter of the indexed logs, within bounds") {
  CHECK(BatchWriter::keyIndexLag(0) == 131072);
  CHECK(BatchWriter::keyIndexLag(1000000) == 250000);
  CHECK(BatchWriter::keyIndexLag(100000000) == 1048576);
}

TEST_CASE("blocks before and after the key index watermark are both found") {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("logs.db");
  {
    LogStore store({.path = path}, clock);
    appendLogs(store, 0, 1000);
  }
  // Nothing merged yet: every block is found through its keys blob.
  IndexState small = indexState(path);
  CHECK(small.watermark == 0);
  CHECK(small.keyRows == 0);
  CHECK(count(path, "srcip==10.1.1.7") == 1);
  CHECK(count(path, "endpoint_uid==UID-0") == 1);
  CHECK(count(path, "srcip==10.1.1.7,srcip==10.1.3.9") == 2);
  CHECK(count(path, "srcip==10.9.9.9") == 0);

  {
    LogStore store({.path = path}, clock);  // reopen: the watermark stays where it was
    appendLogs(store, 1000, 140000);        // crosses the 131,072-log lag: one merge
    appendLogs(store, 141000, 1000);        // a later commit, below the next lag: not merged
  }
  IndexState merged = indexState(path);
  CHECK(merged.watermark >= 131072);
  CHECK(merged.watermark <= 141000);  // where the merging commit ended (depends on batching)
  CHECK(merged.keyRows > 131072);     // at least one srcip row per log up to the watermark
  // 10.1.1.7 = i in {257, 62757, 125257}; 10.1.200.9 = i in {50009, 112509};
  // 10.1.64.7 = i in {16007, 78507} (indexed) and 141007 (after the watermark).
  CHECK(count(path, "srcip==10.1.1.7") == 3);
  CHECK(count(path, "srcip==10.1.200.9") == 2);
  CHECK(count(path, "srcip==10.1.64.7") == 3);
  CHECK(count(path, "endpoint_uid==UID-141000") == 1);
  CHECK(count(path, "endpoint_uid==UID-1000") == 1);
  CHECK(count(path, "endpoint_uid==UID-141000,endpoint_uid==UID-1000") == 2);
  CHECK(count(path, "srcip==10.1.64.7,endpoint_uid==UID-1000") == 4);
  CHECK(count(path, "devid==FGVM01TM00000001") == 142000);

  // Retention: a dropped block's pairs stay in their pack (ignored: no such block), until no
  // block of the run is left - then the run's packs go.
  {
    SqliteDb db(path, false, false);
    prepareWriterDatabase(db);
    RetentionPolicy keepMost{.max_rows = 142000 - 20000};
    applyRetention(db, keepMost, kT0);
    CHECK(db.queryInt("SELECT count(*) FROM key_runs") == 1);
  }
  CHECK(count(path, "srcip==10.1.1.7") == 2);  // i = 257 gone
  CHECK(count(path, "srcip==10.1.64.7") == 2);  // i = 16007 gone
  {
    SqliteDb db(path, false, false);
    prepareWriterDatabase(db);
    RetentionPolicy keepNewest{.max_rows = 500};
    applyRetention(db, keepNewest, kT0);
    CHECK(db.queryInt("SELECT count(*) FROM key_runs") == 0);
    CHECK(db.queryInt("SELECT count(*) FROM key_packs") == 0);
  }
  CHECK(count(path, "srcip==10.1.66.7") == 1);  // i = 141507, after the watermark
  CHECK(count(path, "srcip==10.1.1.7") == 0);
  CHECK(count(path, "devid==FGVM01TM00000001") == 500);
}

// kill -9 in the middle of writing: every log whose commit was reported survives, the database is
// consistent, and ids handed out before the crash are never handed out again.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/base/clock.h"
#include "fortianalyzer/store/log_store.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "fortianalyzer/store/stored_logs.h"
#include "store_test_support.h"
#include "tests/support/crash_child.h"

using namespace fabric::faz;
using fabric::faz::test::LogSpec;
using fabric::faz::test::makeLog;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

// Child: appends without pause; after every 700 appends waits for the commit and reports the
// committed id through the pipe. Never returns.
[[noreturn]] void childWriter(const std::string& path, int fd) {
  fabric::RealClock clock;
  LogStoreOptions opt{.path = path};
  opt.max_batch = 256;
  opt.max_queued_logs = 2000;
  LogStore store(opt, clock);
  for (int i = 0;; ++i) {
    LogId id = store.append(makeLog({.srcip = "10.1." + std::to_string(i % 200) + ".1",
                                     .sessionid = i}));
    if (i % 700 == 699) {
      if (!store.waitCommitted(id, 60s)) _exit(3);
      LogId committed = store.committedId();
      if (write(fd, &committed, sizeof committed) != sizeof committed) _exit(4);
    }
  }
}

}  // namespace

TEST_CASE("kill -9 mid-stream loses nothing that was reported committed") {
  TempDir dir;
  std::string path = dir.file("logs.db");
  fabric::test::CrashChild child([&](int fd) { childWriter(path, fd); });
  LogId reported = 0;
  for (int reports = 0; reports < 8; ++reports) {
    LogId id = 0;
    REQUIRE(child.read(id));
    reported = id;
  }
  // The child is appending the next logs right now.
  REQUIRE(child.kill9());

  {
    SqliteDb db(path, false, false);
    auto check = db.prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.columnText(0) == "ok");
    // Ids 1..reported were committed in order: all of them are there, none missing.
    int64_t count = 0, minId = 0, maxId = 0, all = 0;
    bool damaged = false;
    LogId previous = 0;
    forEachStoredLog(db, [&](const StoredLogView& log) {
      damaged = damaged || log.id <= previous;  // ids strictly increasing across blocks
      previous = log.id;
      ++all;
      if (log.id <= reported) {
        ++count;
        minId = minId == 0 ? log.id : std::min(minId, log.id);
        maxId = std::max(maxId, log.id);
      }
      return true;
    });
    CHECK_FALSE(damaged);
    CHECK(count == reported);
    CHECK(minId == 1);
    CHECK(maxId == reported);
    // Every block decodes whole: the rows counted match the blocks' counts.
    CHECK(all == db.queryInt("SELECT coalesce(sum(count), 0) FROM blocks"));
    // The devices table was updated in the same transactions.
    CHECK(db.queryInt("SELECT log_count FROM devices") == all);
  }
  fabric::RealClock clock;
  LogStoreOptions opt{.path = path};
  opt.max_batch = 256;
  opt.max_queued_logs = 2000;
  LogStore store(opt, clock);
  CHECK(store.stats().recovered_from_crash);
  LogId maxStored = 0;
  {
    SqliteDb db(path, false, false);
    forEachStoredLog(db, [&](const StoredLogView& log) {
      maxStored = std::max(maxStored, log.id);
      return true;
    });
  }
  // Every id the child may have handed out (stored max + queue + one batch) is skipped.
  CHECK(store.append(makeLog({})) == maxStored + 1 + 2000 + 256);
  REQUIRE(store.flush(10s));
}

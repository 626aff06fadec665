#include "fortianalyzer/store/log_store.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "common/base/clock.h"
#include "fortianalyzer/search/log_search.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "store_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::LogSpec;
using fabric::faz::test::makeLog;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

TEST_CASE("append assigns increasing ids at once; flush commits them") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStore store({.path = dir.file("logs.db")}, clock);
  LogId a = store.append(makeLog({}));
  LogId b = store.append(makeLog({}));
  CHECK(a == 1);
  CHECK(b == 2);
  CHECK(store.lastAssignedId() == 2);
  REQUIRE(store.flush(10s));
  CHECK(store.committedId() == 2);
  LogSearch search(store.path());
  auto row = search.get(b);
  REQUIRE(row);
  CHECK((*row)["id"] == 2);
  CHECK((*row)["devid"] == "FGVM01TM00000001");
  CHECK((*row)["fields"]["sessionid"] == "1000");
}

TEST_CASE("waitCommitted and the commit listener report the committed id") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  opt.max_batch_delay = 1ms;
  LogStore store(opt, clock);
  std::atomic<LogId> heard{0};
  store.setCommitListener([&](LogId id) { heard = id; });
  LogId last = 0;
  for (int i = 0; i < 100; ++i) last = store.append(makeLog({.sessionid = i}));
  REQUIRE(store.waitCommitted(last, 10s));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (heard.load() < last && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  CHECK(heard.load() == last);
  CHECK(store.stats().logs_committed == 100);
}

TEST_CASE("reopening after close keeps every log, device and the id sequence") {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("logs.db");
  {
    LogStore store({.path = path}, clock);
    for (int i = 0; i < 50; ++i) store.append(makeLog({.sessionid = i}));
    store.registerDevice({.devid = "FGVM02", .devname = "branch"});
  }
  LogStore store({.path = path}, clock);
  CHECK_FALSE(store.stats().recovered_from_crash);
  CHECK(store.append(makeLog({})) == 51);  // clean close: no gap
  REQUIRE(store.flush(10s));
  LogSearch search(path);
  LogQuery q;
  q.count_only = true;
  CHECK(search.run(q).count == 51);
  auto devices = store.listDevices();
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].devid == "FGVM01TM00000001");
  CHECK(devices[0].log_count == 51);
  CHECK(devices[1].devid == "FGVM02");
  CHECK(devices[1].registered);
}

TEST_CASE("devices that log before being registered are listed as unregistered") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStore store({.path = dir.file("logs.db")}, clock);
  auto known = makeLog({.devid = "FGVM01"});
  known.registered_device = true;
  store.append(known);
  store.append(makeLog({.devid = "FGVMUNKNOWN", .devname = "rogue"}));
  store.append(makeLog({.devid = "FGVMUNKNOWN", .devname = "rogue"}));
  REQUIRE(store.flush(10s));
  auto devices = store.listDevices();
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].devid == "FGVM01");
  CHECK(devices[0].registered);
  CHECK(devices[1].devid == "FGVMUNKNOWN");
  CHECK_FALSE(devices[1].registered);
  CHECK(devices[1].devname == "rogue");
  CHECK(devices[1].ip == "127.0.1.1");
  CHECK(devices[1].log_count == 2);
  CHECK(devices[1].first_seen_ns.has_value());

  CHECK(store.registerDevice({.devid = "FGVMUNKNOWN"}) == "");
  CHECK(store.listDevices()[1].registered);
  CHECK(store.listDevices()[1].devname == "rogue");  // registering keeps what was learned
  CHECK(store.unregisterDevice("FGVMUNKNOWN"));
  CHECK_FALSE(store.listDevices()[1].registered);
  CHECK_FALSE(store.unregisterDevice("NOSUCHDEVICE"));
  CHECK(store.registerDevice({.devid = ""}) == "device id (devid) is empty");
  // A later log from a device that was unregistered does not re-register it.
  auto again = makeLog({.devid = "FGVMUNKNOWN"});
  again.registered_device = true;
  store.append(again);
  REQUIRE(store.flush(10s));
  CHECK_FALSE(store.listDevices()[1].registered);
}

TEST_CASE("a full queue pushes back; a failed batch is retried, never dropped") {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("logs.db");
  LogStoreOptions opt{.path = path};
  opt.max_batch = 4;
  opt.max_queued_logs = 8;
  opt.max_batch_delay = 1ms;
  LogStore store(opt, clock);
  REQUIRE(store.append(makeLog({})) == 1);
  REQUIRE(store.flush(10s));

  // Another connection holds the write lock: the writer's batch fails with "database is locked"
  // (after SQLite's busy timeout) and is retried; meanwhile the queue fills.
  SqliteDb blocker(path, false, false);
  blocker.exec("BEGIN IMMEDIATE");
  int accepted = 0;
  bool refused = false;
  for (int i = 0; i < 20 && !refused; ++i) {
    if (store.tryAppend(makeLog({.sessionid = i}))) {
      ++accepted;
    } else {
      refused = true;
    }
  }
  CHECK(refused);
  CHECK(accepted <= 12);  // at most a queue plus the batch the writer is holding
  CHECK(store.committedId() == 1);
  // The writer's batch fails after SQLite's 5 s busy timeout and is kept for a retry.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (store.stats().write_failures == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling a condition, with a deadline
  }
  REQUIRE(store.stats().write_failures >= 1);
  CHECK_THAT(store.stats().last_error, Catch::Contains("locked"));
  CHECK(store.committedId() == 1);
  blocker.exec("COMMIT");
  REQUIRE(store.flush(30s));
  CHECK(store.committedId() == 1 + accepted);
  LogSearch search(path);
  LogQuery q;
  q.count_only = true;
  CHECK(search.run(q).count == 1 + accepted);
}

TEST_CASE("a file that is not a log database is refused with a clear error") {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("other.db");
  {
    SqliteDb other(path, false, true);
    other.exec("CREATE TABLE t(x)");
  }
  REQUIRE_THROWS_WITH(LogStore({.path = path}, clock),
                      Catch::Contains("not a Fabric Lab log database"));
  REQUIRE_THROWS_WITH(LogStore({.path = dir.file("no/such/dir/logs.db")}, clock),
                      Catch::Contains("cannot open log database"));
}

TEST_CASE("append after close is refused") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStore store({.path = dir.file("logs.db")}, clock);
  store.close();
  CHECK_FALSE(store.tryAppend(makeLog({})));
  CHECK_THROWS_AS(store.append(makeLog({})), std::logic_error);
}

TEST_CASE("waiting calls from the commit listener throw instead of deadlocking") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStore store({.path = dir.file("logs.db")}, clock);
  std::atomic<int> refused{0};
  store.setCommitListener([&](LogId id) {
    try {
      store.waitCommitted(id, 1s);
    } catch (const std::logic_error&) {
      ++refused;
    }
    try {
      store.listDevices();
    } catch (const std::logic_error&) {
      ++refused;
    }
  });
  store.append(makeLog({}));
  REQUIRE(store.flush(10s));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (refused.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  CHECK(refused.load() == 2);
}

#include "fortianalyzer/store/retention.h"

#include <catch2/catch.hpp>

#include <random>
#include <thread>

#include "common/base/clock.h"
#include "fortianalyzer/search/log_search.h"
#include "fortianalyzer/store/log_store.h"
#include "store_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::LogSpec;
using fabric::faz::test::makeLog;
using fabric::faz::test::TempDir;
using namespace std::chrono_literals;

namespace {

int64_t nowNs(const fabric::Clock& clock) {
  return clock.now().time_since_epoch() / std::chrono::nanoseconds(1);
}

int64_t countLogs(const std::string& path) {
  LogSearch search(path);
  LogQuery q;
  q.count_only = true;
  return search.run(q).count;
}

}  // namespace

TEST_CASE("retention by age deletes logs older than the limit, and only those") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  opt.retention.max_age = std::chrono::hours(1);
  LogStore store(opt, clock);
  int64_t now = nowNs(clock);
  for (int i = 0; i < 30; ++i) store.append(makeLog({.time_ns = now - 2LL * 3600 * 1000000000}));
  for (int i = 0; i < 20; ++i) store.append(makeLog({.time_ns = now - 600LL * 1000000000}));
  REQUIRE(store.flush(10s));
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_age == 30);
  CHECK(r.rows_after == 20);
  CHECK(countLogs(store.path()) == 20);
}

TEST_CASE("retention by row count deletes the oldest logs first") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  opt.retention.max_rows = 100;
  LogStore store(opt, clock);
  int64_t base = nowNs(clock);
  // Appended newest-first, so id order and time order disagree: time decides.
  for (int i = 250; i > 0; --i) store.append(makeLog({.time_ns = base + i, .sessionid = i}));
  REQUIRE(store.flush(10s));
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_rows == 150);
  LogSearch search(store.path());
  LogQuery q;
  q.oldest_first = true;
  q.limit = 1;
  auto oldest = search.run(q);
  REQUIRE(oldest.rows.size() == 1);
  CHECK(oldest.rows[0]["time_ns"] == base + 151);
  q.count_only = true;
  CHECK(search.run(q).count == 100);
}

TEST_CASE("retention by size keeps the database under its byte limit, oldest deleted first") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  opt.retention.max_db_bytes = 1 << 20;
  LogStore store(opt, clock);
  int64_t base = nowNs(clock);
  // Random text: segments are compressed, a repeated padding would shrink to nothing.
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    std::string padding(900, 'x');
    for (char& c : padding) c = static_cast<char>('a' + rng() % 26);
    auto log = makeLog({.time_ns = base + i, .sessionid = i});
    log.raw += " msg=\"" + padding + "\"";
    log.fields.emplace_back("msg", padding);
    store.append(std::move(log));
  }
  REQUIRE(store.flush(30s));
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_size > 0);
  CHECK(r.db_bytes_after <= (1 << 20));
  CHECK(r.rows_after == 4000 - r.deleted_by_size);
  LogSearch search(store.path());
  LogQuery q;
  q.oldest_first = true;
  q.limit = 1;
  auto oldest = search.run(q);
  REQUIRE(oldest.rows.size() == 1);
  // Exactly the oldest went: the oldest left is the next one in time.
  CHECK(oldest.rows[0]["time_ns"] == base + r.deleted_by_size);
}

TEST_CASE("retention runs by itself every interval on the writer thread") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  opt.retention.max_rows = 10;
  opt.retention.interval = std::chrono::seconds(60);
  opt.max_batch_delay = 1ms;
  LogStore store(opt, clock);
  for (int i = 0; i < 40; ++i) store.append(makeLog({.sessionid = i}));
  REQUIRE(store.flush(10s));
  CHECK(countLogs(store.path()) == 40);  // the interval has not passed
  clock.advance(std::chrono::seconds(61));
  // The idle writer looks at the clock at least once a second.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (countLogs(store.path()) != 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  CHECK(countLogs(store.path()) == 10);
}

TEST_CASE("retention with no limits deletes nothing") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStore store({.path = dir.file("logs.db")}, clock);
  for (int i = 0; i < 5; ++i) store.append(makeLog({.time_ns = 1}));
  REQUIRE(store.flush(10s));
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_age + r.deleted_by_rows + r.deleted_by_size == 0);
  CHECK(r.rows_after == 5);
}

// Segment files (log_segments.h): block bytes live in DB.segments/NNNNNNNN.seg, SQLite keeps the
// block rows. Open cuts what uncommitted transactions wrote, deletes unreferenced segments and
// never reuses a segment number; schema-2 databases (inline blocks) are upgraded in place and
// stay readable; a damaged segment yields fewer logs, never a crash.

#include "fortianalyzer/store/log_segments.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/base/clock.h"
#include "fortianalyzer/search/log_search.h"
#include "fortianalyzer/store/log_store.h"
#include "fortianalyzer/store/stored_logs.h"
#include "store_test_support.h"

using namespace fabric::faz;
using namespace fabric::faz::test;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> segmentFiles(const std::string& dbPath) {
  std::vector<fs::path> files;
  if (!fs::is_directory(segmentDir(dbPath))) return files;
  for (const auto& e : fs::directory_iterator(segmentDir(dbPath))) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

int64_t countAll(const std::string& path) {
  LogSearch search(path);
  LogQuery q;
  q.count_only = true;
  q.filters = {"srcip!=nothing"};  // forces every block to be read
  return search.run(q).count;
}

int64_t countStored(const std::string& path) {
  SqliteDb db(path, false, false);
  int64_t n = 0;
  forEachStoredLog(db, [&](const StoredLogView&) {
    ++n;
    return true;
  });
  return n;
}

void appendLogs(LogStore& store, int n, int first = 0) {
  for (int i = 0; i < n; ++i) {
    store.append(makeLog({.srcip = "10.0.0." + std::to_string((first + i) % 200), .sessionid = first + i}));
  }
  REQUIRE(store.flush(30s));
}

// The version-2 layout (every block inline in blocks.data), as the store wrote it before segments.
// With `indexed`, the block's key rows are merged (watermark at the last id), else not yet.
void writeVersion2Database(const std::string& path, int logs, bool indexed) {
  SqliteDb db(path, false, true);
  db.exec("PRAGMA page_size=65536; PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;");
  db.exec(R"sql(
CREATE TABLE blocks(first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, count INTEGER NOT NULL,
  min_time_ns INTEGER NOT NULL, max_time_ns INTEGER NOT NULL, keys BLOB NOT NULL, data BLOB NOT NULL);
CREATE INDEX blocks_min_time ON blocks(min_time_ns);
CREATE INDEX blocks_max_time ON blocks(max_time_ns);
CREATE TABLE block_keys(key_hash INTEGER NOT NULL, first_id INTEGER NOT NULL,
  PRIMARY KEY(key_hash, first_id)) WITHOUT ROWID;
CREATE TABLE devices(devid TEXT PRIMARY KEY, devname TEXT, serial TEXT, ip TEXT,
  registered INTEGER NOT NULL DEFAULT 0, first_seen_ns INTEGER, last_seen_ns INTEGER,
  log_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
PRAGMA user_version=2;
)sql");
  LogBatch batch;
  for (int i = 0; i < logs; ++i) {
    batch.add(makeLog({.time_ns = 1764331200000000000 + i, .srcip = "10.9.9.9", .sessionid = i}));
  }
  BlockBuilder block;
  LogId id = 1;
  for (const auto& row : batch.rows()) block.add(id++, batch, row);
  auto st = db.prepare("INSERT INTO blocks VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  std::string keys = encodeBlockKeys(block.keys());
  st.bindInt(1, block.firstId());
  st.bindInt(2, block.lastId());
  st.bindInt(3, static_cast<int64_t>(block.rows()));
  st.bindInt(4, block.minTime());
  st.bindInt(5, block.maxTime());
  st.bindBlob(6, keys);
  st.bindBlob(7, block.bytes());
  st.step();
  if (indexed) {
    auto key = db.prepare("INSERT INTO block_keys VALUES(?1, ?2)");
    for (const auto& k : block.keys()) {
      key.bindInt(1, blockKeyHash(k.kind, k.value));
      key.bindInt(2, block.firstId());
      key.step();
      key.reset();
    }
  }
  db.exec("INSERT INTO meta VALUES('next_id', '" + std::to_string(id) +
          "'), ('clean_close', '1'), ('keys_indexed_through', '" +
          std::to_string(indexed ? id - 1 : 0) + "')");
}

}  // namespace

TEST_CASE("block bytes are written to segment files, rows keep only their place") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  {
    LogStore store(opt, clock);
    appendLogs(store, 3000);
  }
  auto files = segmentFiles(opt.path);
  REQUIRE(files.size() == 1);
  SqliteDb db(opt.path, false, false);
  CHECK(db.queryInt("SELECT count(*) FROM blocks WHERE seg IS NULL OR length(data) > 0") == 0);
  CHECK(db.queryInt("SELECT sum(seg_len) FROM blocks") ==
        static_cast<int64_t>(fs::file_size(files[0])));
  CHECK(countAll(opt.path) == 3000);
  CHECK(countStored(opt.path) == 3000);
}

TEST_CASE("open cuts bytes no committed row refers to and starts a new segment") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  {
    LogStore store(opt, clock);
    appendLogs(store, 500);
  }
  auto files = segmentFiles(opt.path);
  REQUIRE(files.size() == 1);
  auto size = fs::file_size(files[0]);
  // A transaction that wrote its block and died before COMMIT, and a segment nothing refers to.
  { std::ofstream(files[0], std::ios::app | std::ios::binary) << std::string(5000, 'z'); }
  { std::ofstream(segmentDir(opt.path) + "/00000077.seg", std::ios::binary) << "orphan"; }
  {
    LogStore store(opt, clock);
    CHECK(fs::file_size(files[0]) == size);
    CHECK_FALSE(fs::exists(segmentDir(opt.path) + "/00000077.seg"));
    appendLogs(store, 500, 500);
  }
  files = segmentFiles(opt.path);
  REQUIRE(files.size() == 2);
  // Never a number used before, not even the orphan's.
  CHECK(files[1].filename().string() > "00000077.seg");
  CHECK(countAll(opt.path) == 1000);
}

TEST_CASE("a version 2 database is upgraded in place, its inline blocks and key rows stay usable") {
  TempDir dir;
  fabric::ManualClock clock;
  std::string path = dir.file("logs.db");
  bool indexed = GENERATE(false, true);  // found through its keys blob / its migrated key rows
  writeVersion2Database(path, 300, indexed);
  LogStoreOptions opt{.path = path};
  {
    LogStore store(opt, clock);
    CHECK_FALSE(store.stats().recovered_from_crash);
    CHECK(store.lastAssignedId() == 300);
    appendLogs(store, 200, 300);
  }
  SqliteDb db(path, false, false);
  CHECK(db.queryInt("PRAGMA user_version") == 5);
  CHECK(db.queryInt("SELECT count(*) FROM key_runs WHERE run = 300") == (indexed ? 1 : 0));
  // Its key rows became one pack of run 300 (key_packs.h); block_keys is gone.
  CHECK(db.queryInt("SELECT count(*) FROM key_packs WHERE run = 300") == (indexed ? 1 : 0));
  CHECK(db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'block_keys'") == 0);
  CHECK(db.queryInt("SELECT count(*) FROM blocks WHERE seg IS NULL") == 1);
  CHECK(countAll(path) == 500);
  LogSearch search(path);
  LogQuery q;
  q.filters = {"srcip==10.9.9.9"};
  q.count_only = true;
  CHECK(search.run(q).count == 300);
  auto one = search.get(7);
  REQUIRE(one);
  CHECK((*one)["fields"]["sessionid"] == "6");
  // Retention works across both kinds of blocks: the 350 oldest go (all inline ones and some after).
  opt.retention.max_rows = 150;
  LogStore store(opt, clock);
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_rows == 350);
  CHECK(countAll(path) == 150);
}

TEST_CASE("retention deletes segment files left without blocks, never the one being written") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  for (int run = 0; run < 3; ++run) {  // each open starts a segment: three files
    LogStore store(opt, clock);
    appendLogs(store, 400, run * 400);
  }
  REQUIRE(segmentFiles(opt.path).size() == 3);
  opt.retention.max_rows = 1;
  LogStore store(opt, clock);
  RetentionReport r = store.runRetentionNow();
  CHECK(r.deleted_by_rows == 1199);
  CHECK_FALSE(fs::exists(segmentDir(opt.path) + "/00000001.seg"));
  CHECK_FALSE(fs::exists(segmentDir(opt.path) + "/00000002.seg"));
  CHECK(countAll(opt.path) == 1);
  // Every block of the segment being written goes (its last log is rewritten inline): the file
  // stays, and the writer keeps appending to it.
  appendLogs(store, 50, 2000);
  auto active = segmentFiles(opt.path).back();
  CHECK(store.runRetentionNow().deleted_by_rows == 50);
  CHECK(fs::exists(active));
  appendLogs(store, 10, 3000);
  CHECK(countAll(opt.path) == 11);
  CHECK(countStored(opt.path) == 11);
}

TEST_CASE("a damaged segment yields fewer logs, never a crash, and an unclean open drops its blocks") {
  TempDir dir;
  fabric::ManualClock clock;
  LogStoreOptions opt{.path = dir.file("logs.db")};
  {
    LogStore store(opt, clock);
    appendLogs(store, 4000);
  }
  auto files = segmentFiles(opt.path);
  REQUIRE(files.size() == 1);
  std::string original;
  {
    std::ifstream in(files[0], std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::mt19937 rng(42);
  auto put = [&](const std::string& bytes) {
    std::ofstream(files[0], std::ios::binary | std::ios::trunc) << bytes;
  };
  // Truncations, flipped bytes, zeroed ranges: every reader copes.
  for (int round = 0; round < 40; ++round) {
    std::string damaged = original;
    switch (round % 3) {
      case 0:
        damaged.resize(rng() % damaged.size());
        break;
      case 1:
        for (int k = 0; k < 20; ++k) damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
        break;
      default: {
        size_t at = rng() % damaged.size();
        size_t len = std::min<size_t>(damaged.size() - at, 1 + rng() % 70000);
        std::fill_n(damaged.begin() + static_cast<std::ptrdiff_t>(at), len, '\0');
      }
    }
    put(damaged);
    CHECK(countStored(opt.path) <= 4000);
    CHECK(countAll(opt.path) <= 4000);
  }
  // Cut in the middle: the blocks after the cut are gone. An unclean open (a power loss) drops the
  // blocks whose bytes did not survive; the rest stay and the store goes on.
  put(original.substr(0, original.size() / 2));
  {
    SqliteDb db(opt.path, false, false);
    db.exec("UPDATE meta SET value='0' WHERE key='clean_close'");
    db.exec("DELETE FROM meta WHERE key='segments_synced_below'");
  }
  int64_t survived = countStored(opt.path);
  CHECK(survived > 0);
  CHECK(survived < 4000);
  LogStore store(opt, clock);
  CHECK(store.stats().recovered_from_crash);
  CHECK(store.stats().blocks_dropped_at_open > 0);
  appendLogs(store, 100, 5000);
  SqliteDb db(opt.path, false, false);
  CHECK(db.queryInt("SELECT sum(count) FROM blocks") == survived + 100);
  CHECK(countAll(opt.path) == survived + 100);
}

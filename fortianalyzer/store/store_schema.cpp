#include "fortianalyzer/store/store_schema.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fortianalyzer/store/key_packs.h"

namespace fabric::faz {
namespace {

constexpr std::string_view kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS blocks(
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  min_time_ns INTEGER NOT NULL,
  max_time_ns INTEGER NOT NULL,
  keys BLOB NOT NULL,
  data BLOB NOT NULL,
  seg INTEGER, seg_off INTEGER, seg_len INTEGER);
CREATE INDEX IF NOT EXISTS blocks_min_time ON blocks(min_time_ns);
CREATE INDEX IF NOT EXISTS blocks_max_time ON blocks(max_time_ns);
CREATE INDEX IF NOT EXISTS blocks_seg ON blocks(seg) WHERE seg IS NOT NULL;
CREATE TABLE IF NOT EXISTS key_packs(
  run INTEGER NOT NULL,
  first_hash INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  pairs BLOB NOT NULL,
  PRIMARY KEY(run, first_hash, first_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_runs(run INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS devices(
  devid TEXT PRIMARY KEY,
  devname TEXT, serial TEXT, ip TEXT,
  registered INTEGER NOT NULL DEFAULT 0,
  first_seen_ns INTEGER, last_seen_ns INTEGER,
  log_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
)sql";

void checkVersion(SqliteDb& db) {
  int64_t version = db.queryInt("PRAGMA user_version");
  if (version != kSchemaVersion) {
    throw SqliteError("log database schema version " + std::to_string(version) +
                      " is not the supported version " + std::to_string(kSchemaVersion));
  }
}

// 4 -> 5: the rows of block_keys(run, key_hash, first_id) become packs (key_packs.h), run by run,
// in the order of the primary key; block_keys is dropped. One transaction.
void packBlockKeys(SqliteDb& db) {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(R"sql(CREATE TABLE key_packs(run INTEGER NOT NULL, first_hash INTEGER NOT NULL,
  first_id INTEGER NOT NULL, pairs BLOB NOT NULL, PRIMARY KEY(run, first_hash, first_id)) WITHOUT ROWID;)sql");
    auto insert = db.prepare("INSERT INTO key_packs(run, first_hash, first_id, pairs) VALUES(?1,?2,?3,?4)");
    std::vector<KeyPair> pairs;
    std::string pack;
    std::int64_t run = 0;
    auto flush = [&] {
      insertKeyPacks(insert, run, pairs, pack);
      pairs.clear();
    };
    {
      auto rows = db.prepare("SELECT run, key_hash, first_id FROM block_keys ORDER BY run, key_hash, first_id");
      while (rows.step()) {
        std::int64_t r = rows.columnInt(0);
        if (r != run) {
          flush();
          run = r;
        }
        pairs.emplace_back(rows.columnInt(1), rows.columnInt(2));
      }
      flush();
    }
    db.exec("DROP TABLE block_keys; PRAGMA user_version=5;");
    db.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace

void prepareWriterDatabase(SqliteDb& db) {
  int64_t version = db.queryInt("PRAGMA user_version");
  if (version == 0) {
    if (db.queryInt("SELECT count(*) FROM sqlite_master") != 0) {
      throw SqliteError("file exists and is not a Fabric Lab log database");
    }
    // auto_vacuum and page_size only take effect before the first table exists. 64 KiB pages:
    // a block (~0.5 MB) is a chain of 8 overflow pages, not 64, so the WAL append and the
    // checkpoint copy make 8x fewer writes (writer 3.1 -> 2.3, checkpoint 1.3 -> 0.5 CPU-us/log).
    db.exec("PRAGMA page_size=65536; PRAGMA auto_vacuum=INCREMENTAL;");
  } else if (version == 2 || version == 3) {
    // In place, one transaction:
    // 2 -> 3: version 2 kept every block's bytes inline (blocks.data); the segment columns are
    //         added (NULL: inline), the old blocks stay as they are and stay readable.
    // 3 -> 4: block_keys(key_hash, first_id) becomes one run (batch_writer.h): its rows are
    //         copied under run = the key index watermark (every block up to it is in the run);
    //         then 4 -> 5 below packs them.
    db.exec("BEGIN IMMEDIATE");
    try {
      if (version == 2) {
        db.exec("ALTER TABLE blocks ADD COLUMN seg INTEGER; ALTER TABLE blocks ADD COLUMN seg_off INTEGER;"
                "ALTER TABLE blocks ADD COLUMN seg_len INTEGER;");
      }
      db.exec(R"sql(
ALTER TABLE block_keys RENAME TO block_keys_old;
CREATE TABLE block_keys(run INTEGER NOT NULL, key_hash INTEGER NOT NULL, first_id INTEGER NOT NULL,
  PRIMARY KEY(run, key_hash, first_id)) WITHOUT ROWID;
CREATE TABLE key_runs(run INTEGER PRIMARY KEY);
CREATE TEMP TABLE upgrade_run AS SELECT coalesce(
  (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'keys_indexed_through'),
  (SELECT max(last_id) FROM blocks), 0) AS run;
INSERT INTO block_keys SELECT (SELECT run FROM upgrade_run), key_hash, first_id FROM block_keys_old
  ORDER BY key_hash, first_id;
INSERT INTO key_runs SELECT run FROM upgrade_run WHERE EXISTS (SELECT 1 FROM block_keys);
DROP TABLE block_keys_old;
DROP TABLE upgrade_run;
PRAGMA user_version=4;
)sql");
      db.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  } else if (version != 4) {
    checkVersion(db);
  }
  if (db.queryInt("PRAGMA user_version") == 4) packBlockKeys(db);
  std::string mode;
  {
    auto st = db.prepare("PRAGMA journal_mode=WAL");
    if (st.step()) mode = std::string(st.columnText(0));
  }
  if (mode != "wal") throw SqliteError("cannot switch the log database to WAL mode");
  db.exec(
      // secure_delete: Debian's SQLite defaults it on, zeroing freed cell space on every index
      // page rebalance; logs removed by retention are not secrets to shred.
      "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
      "PRAGMA secure_delete=OFF;"
      "PRAGMA wal_autocheckpoint=500; PRAGMA journal_size_limit=134217728;");
  db.exec("BEGIN IMMEDIATE");
  db.exec(kCreateSchema);
  db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  db.exec("COMMIT");
}

void prepareReaderDatabase(SqliteDb& db) {
  checkVersion(db);
  db.exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;");
}

}  // namespace fabric::faz

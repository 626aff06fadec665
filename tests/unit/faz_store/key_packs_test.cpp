// Key packs (key_packs.h): the packed (key hash, block) pairs of a key index run, their lookup
// inside a pack and across packs of several runs, and damaged packs never crashing a lookup.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fortianalyzer/store/key_packs.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "store_test_support.h"

using namespace fabric::faz;
using fabric::faz::test::TempDir;

namespace {

std::vector<std::int64_t> lookup(SqliteDb& db, std::int64_t hash) {
  auto st = db.prepare(keyPackLookupSql());
  for (int i = 1; i <= kKeyPackLookupBinds; ++i) st.bindInt(i, hash);
  std::vector<std::int64_t> ids;
  while (st.step()) ids.push_back(st.columnInt(0));
  std::sort(ids.begin(), ids.end());
  return ids;
}

void writeRun(SqliteDb& db, std::int64_t run, std::vector<KeyPair> pairs) {
  std::sort(pairs.begin(), pairs.end());
  auto ins = db.prepare("INSERT INTO key_packs(run, first_hash, first_id, pairs) VALUES(?1,?2,?3,?4)");
  std::string pack;
  insertKeyPacks(ins, run, pairs, pack);
  auto r = db.prepare("INSERT INTO key_runs(run) VALUES(?1)");
  r.bindInt(1, run);
  r.step();
}

void createPackTables(SqliteDb& db) {
  db.exec(
      "CREATE TABLE key_packs(run INTEGER NOT NULL, first_hash INTEGER NOT NULL, first_id INTEGER "
      "NOT NULL, pairs BLOB NOT NULL, PRIMARY KEY(run, first_hash, first_id)) WITHOUT ROWID;"
      "CREATE TABLE key_runs(run INTEGER PRIMARY KEY);");
}

}  // namespace

TEST_CASE("a pack is fixed-width little-endian pairs, found by binary search") {
  std::vector<KeyPair> pairs{{-5, 1}, {-5, 9}, {3, 2}, {0x0102030405060708, 7}, {INT64_MAX, 3}};
  std::string pack;
  encodeKeyPack(pairs.data(), pairs.data() + pairs.size(), pack);
  REQUIRE(pack.size() == pairs.size() * kKeyPackPairBytes);
  CHECK(pack.substr(48, 8) == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  CHECK(keyPackPair(pack, 3) == pairs[3]);
  std::vector<std::int64_t> ids;
  findInKeyPack(pack, -5, ids);
  CHECK(ids == std::vector<std::int64_t>{1, 9});
  ids.clear();
  findInKeyPack(pack, 4, ids);
  CHECK(ids.empty());
  findInKeyPack(pack, INT64_MAX, ids);
  CHECK(ids == std::vector<std::int64_t>{3});
}

TEST_CASE("lookups across runs and pack boundaries find every pair of the hash") {
  TempDir dir;
  SqliteDb db(dir.file("packs.db"), false, true);
  createPackTables(db);
  std::mt19937_64 rng(42);
  std::vector<KeyPair> all;
  // Run 1000: random hashes, plus one hash in 3,000 blocks (it spans several packs, so several
  // packs start with it) and one at the very start and end of the hash range.
  std::vector<KeyPair> run1;
  for (int i = 0; i < 5000; ++i) run1.emplace_back(static_cast<std::int64_t>(rng()), i + 1);
  for (int i = 0; i < 3000; ++i) run1.emplace_back(77, i + 1);
  run1.emplace_back(INT64_MIN, 5);
  run1.emplace_back(INT64_MAX, 6);
  // Run 2000: the same hot hash and a hash both runs share.
  std::vector<KeyPair> run2{{77, 1500}, {run1[10].first, 1999}};
  for (int i = 0; i < 1500; ++i) run2.emplace_back(static_cast<std::int64_t>(rng()), 1001 + i);
  writeRun(db, 1000, run1);
  writeRun(db, 2000, run2);
  all = run1;
  all.insert(all.end(), run2.begin(), run2.end());
  REQUIRE(db.queryInt("SELECT count(*) FROM key_packs WHERE run = 1000") > 5);
  auto expect = [&](std::int64_t h) {
    std::vector<std::int64_t> ids;
    for (const auto& p : all) if (p.first == h) ids.push_back(p.second);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  CHECK(lookup(db, 77).size() == 3001);
  CHECK(lookup(db, 77) == expect(77));
  CHECK(lookup(db, INT64_MIN) == expect(INT64_MIN));
  CHECK(lookup(db, INT64_MAX) == expect(INT64_MAX));
  CHECK(lookup(db, run1[10].first) == expect(run1[10].first));
  for (int i = 0; i < 500; ++i) {
    std::int64_t h = all[rng() % all.size()].first;
    REQUIRE(lookup(db, h) == expect(h));
  }
  CHECK(lookup(db, 78).empty());
}

TEST_CASE("a damaged pack yields fewer or wrong candidates, never a crash") {
  TempDir dir;
  SqliteDb db(dir.file("packs.db"), false, true);
  createPackTables(db);
  std::vector<KeyPair> pairs;
  for (int i = 0; i < 3000; ++i) pairs.emplace_back(i * 3, i + 1);
  writeRun(db, 10, pairs);
  std::mt19937_64 rng(7);
  // Truncated to odd lengths, bytes flipped, emptied, replaced by text or NULL-free garbage.
  for (int round = 0; round < 300; ++round) {
    auto st = db.prepare("SELECT first_hash, first_id, pairs FROM key_packs WHERE run = 10");
    std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> rows;
    while (st.step()) rows.emplace_back(st.columnInt(0), st.columnInt(1), std::string(st.columnText(2)));
    auto& [fh, fi, blob] = rows[rng() % rows.size()];
    switch (round % 4) {
      case 0: blob.resize(rng() % (blob.size() + 1)); break;
      case 1: for (int k = 0; k < 20 && !blob.empty(); ++k) blob[rng() % blob.size()] ^= static_cast<char>(rng()); break;
      case 2: blob = std::string(rng() % 40, static_cast<char>(rng())); break;
      default: std::shuffle(blob.begin(), blob.end(), rng); break;
    }
    auto up = db.prepare("UPDATE key_packs SET pairs = ?3 WHERE run = 10 AND first_hash = ?1 AND first_id = ?2");
    up.bindInt(1, fh);
    up.bindInt(2, fi);
    up.bindBlob(3, blob);
    up.step();
    for (int k = 0; k < 20; ++k) lookup(db, static_cast<std::int64_t>(rng() % 9000));
    lookup(db, static_cast<std::int64_t>(rng()));
  }
  db.exec("UPDATE key_packs SET pairs = 'text, not a blob'");
  CHECK(lookup(db, 0).empty());
}

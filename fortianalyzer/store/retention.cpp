#include "fortianalyzer/store/retention.h"

#include <algorithm>
#include <queue>
#include <string>
#include <vector>

#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/log_segments.h"

namespace fabric::faz {
namespace {

constexpr int64_t kChunk = 20000;

struct BlockMeta {
  int64_t first_id = 0;
  int64_t count = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

using TimeId = std::pair<int64_t, int64_t>;  // (time_ns, id): the order retention deletes in

// Deletes the `n` oldest logs by (time, id), only those older than `before_ns` when given, in one
// transaction. Whole blocks go at once; a block holding both kept and deleted logs is rewritten
// with the kept ones (its key rows stay: a superset, search filters the logs anyway).
int64_t deleteOldest(SqliteDb& db, int64_t n, const int64_t* before_ns, int64_t activeSegment) {
  if (n <= 0) return 0;
  std::vector<SegmentRef> released;  // segment bytes of deleted or rewritten blocks
  SegmentReader reader(segmentDir(db));
  auto readBlock = [&](int64_t firstId, std::string& out) {
    auto st = db.prepare("SELECT data, seg, seg_off, seg_len FROM blocks WHERE first_id=?1");
    st.bindInt(1, firstId);
    out.clear();
    if (!st.step()) return;
    if (!st.columnIsNull(1)) released.push_back({st.columnInt(1), st.columnInt(2), st.columnInt(3)});
    readBlockColumns(st, 0, reader, out);
  };
  db.exec("BEGIN IMMEDIATE");
  try {
    std::vector<BlockMeta> blocks;
    {
      auto st = db.prepare(before_ns ? "SELECT first_id, count, min_time_ns, max_time_ns FROM blocks "
                                       "WHERE min_time_ns < ?1 ORDER BY min_time_ns, first_id"
                                     : "SELECT first_id, count, min_time_ns, max_time_ns FROM blocks "
                                       "ORDER BY min_time_ns, first_id");
      if (before_ns) st.bindInt(1, *before_ns);
      // The n oldest logs (max-heap: top is the newest of them).
      std::priority_queue<TimeId> oldest;
      std::vector<StoredLogView> logs;
      std::string data;
      while (st.step()) {
        BlockMeta m{st.columnInt(0), st.columnInt(1), st.columnInt(2), st.columnInt(3)};
        if (static_cast<int64_t>(oldest.size()) >= n && m.min_time > oldest.top().first) break;
        blocks.push_back(m);
        readBlock(m.first_id, data);
        decodeBlock(data, m.first_id, logs);
        for (const auto& l : logs) {
          if (before_ns && l.time_ns >= *before_ns) continue;
          TimeId k{l.time_ns, l.id};
          if (static_cast<int64_t>(oldest.size()) < n) {
            oldest.push(k);
          } else if (k < oldest.top()) {
            oldest.pop();
            oldest.push(k);
          }
        }
      }
      if (oldest.empty()) {
        db.exec("COMMIT");
        return 0;
      }
      released.clear();  // only the blocks changed below count
      TimeId cutoff = oldest.top();
      int64_t deleted = 0;
      auto update = db.prepare(
          "UPDATE blocks SET count=?2, min_time_ns=?3, max_time_ns=?4, data=?5, seg=NULL, "
          "seg_off=NULL, seg_len=NULL WHERE first_id=?1");
      BlockBuilder kept;
      for (const BlockMeta& m : blocks) {
        size_t before = released.size();
        readBlock(m.first_id, data);
        decodeBlock(data, m.first_id, logs);
        kept.clear();
        for (const auto& l : logs) {
          if (TimeId{l.time_ns, l.id} <= cutoff) {
            ++deleted;
          } else {
            kept.add(l);
          }
        }
        if (kept.rows() == logs.size()) {
          released.resize(before);  // unchanged: its bytes stay
          continue;
        }
        if (kept.empty()) {
          dropBlock(db, m.first_id);
          continue;
        }
        // The kept logs of a boundary block are rewritten inline (one block per retention chunk).
        update.bindInt(1, m.first_id);
        update.bindInt(2, static_cast<int64_t>(kept.rows()));
        update.bindInt(3, kept.minTime());
        update.bindInt(4, kept.maxTime());
        update.bindBlob(5, kept.bytes());
        update.step();
        update.reset();
      }
      db.exec("COMMIT");
      releaseSegmentRanges(db, released, activeSegment);
      return deleted;
    }
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace

void dropBlock(SqliteDb& db, int64_t firstId) {
  auto st = db.prepare("DELETE FROM blocks WHERE first_id=?1");
  st.bindInt(1, firstId);
  st.step();
  // The block's key pairs stay in their pack (search finds no block by that id, or - should the
  // id come back - checks that block's logs anyway). A run holds the blocks with first_id in
  // (previous run, run]: once no block at or below it is left, its packs go.
  db.exec(
      "DELETE FROM key_packs WHERE run < coalesce((SELECT min(first_id) FROM blocks), 9223372036854775807);"
      "DELETE FROM key_runs WHERE run < coalesce((SELECT min(first_id) FROM blocks), 9223372036854775807);");
}

int64_t usedDatabaseBytes(SqliteDb& db) {
  int64_t pages = db.queryInt("PRAGMA page_count");
  int64_t free = db.queryInt("PRAGMA freelist_count");
  return (pages - free) * db.queryInt("PRAGMA page_size") +
         db.queryInt("SELECT coalesce(sum(seg_len), 0) FROM blocks");
}

int64_t storedLogCount(SqliteDb& db) {
  return db.queryInt("SELECT coalesce(sum(count), 0) FROM blocks");
}

RetentionReport applyRetention(SqliteDb& db, const RetentionPolicy& policy, int64_t now_ns,
                               int64_t max_delete, int64_t active_segment) {
  RetentionReport report;
  int64_t budget = max_delete;
  auto spend = [&](int64_t deleted) { budget -= deleted; };

  if (policy.max_age.count() > 0) {
    int64_t cutoff = now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(policy.max_age).count();
    while (budget > 0) {
      int64_t d = deleteOldest(db, std::min(kChunk, budget), &cutoff, active_segment);
      report.deleted_by_age += d;
      spend(d);
      if (d < std::min(kChunk, budget + d)) break;
    }
  }
  int64_t rows = storedLogCount(db);
  if (policy.max_rows > 0) {
    while (budget > 0 && rows > policy.max_rows) {
      int64_t d = deleteOldest(db, std::min({kChunk, budget, rows - policy.max_rows}), nullptr, active_segment);
      if (d == 0) break;
      report.deleted_by_rows += d;
      rows -= d;
      spend(d);
    }
  }
  if (policy.max_db_bytes > 0) {
    int64_t used = usedDatabaseBytes(db);
    while (budget > 0 && rows > 0 && used > policy.max_db_bytes) {
      // Estimate how many rows hold the excess, and overshoot a little (1% of the rows) so the loop
      // converges even though index pages free up later than block pages.
      int64_t perRow = std::max<int64_t>(1, used / rows);
      int64_t want = (used - policy.max_db_bytes) / perRow + rows / 100 + 1;
      int64_t d = deleteOldest(db, std::min({kChunk, budget, want}), nullptr, active_segment);
      if (d == 0) break;
      report.deleted_by_size += d;
      rows -= d;
      spend(d);
      used = usedDatabaseBytes(db);
    }
  }
  report.complete = budget > 0;
  if (report.deleted_by_age + report.deleted_by_rows + report.deleted_by_size > 0) {
    db.exec("PRAGMA incremental_vacuum");
  }
  report.rows_after = rows;
  report.db_bytes_after = usedDatabaseBytes(db);
  return report;
}

}  // namespace fabric::faz

#include "fortianalyzer/store/retention.h"

#include <algorithm>

namespace fabric::faz {
namespace {

constexpr int64_t kChunk = 20000;

// Deletes up to `n` oldest rows, optionally only those older than `before_ns`. Returns deleted.
int64_t deleteOldest(SqliteDb& db, int64_t n, const int64_t* before_ns) {
  if (n <= 0) return 0;
  db.exec("BEGIN IMMEDIATE");
  try {
    auto st = db.prepare(before_ns
                             ? "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE time_ns < ?2 "
                               "ORDER BY time_ns, id LIMIT ?1)"
                             : "DELETE FROM logs WHERE id IN (SELECT id FROM logs "
                               "ORDER BY time_ns, id LIMIT ?1)");
    st.bindInt(1, n);
    if (before_ns) st.bindInt(2, *before_ns);
    st.step();
    int64_t deleted = sqlite3_changes64(db.handle());
    db.exec("COMMIT");
    return deleted;
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace

int64_t usedDatabaseBytes(SqliteDb& db) {
  int64_t pages = db.queryInt("PRAGMA page_count");
  int64_t free = db.queryInt("PRAGMA freelist_count");
  return (pages - free) * db.queryInt("PRAGMA page_size");
}

RetentionReport applyRetention(SqliteDb& db, const RetentionPolicy& policy, int64_t now_ns,
                               int64_t max_delete) {
  RetentionReport report;
  int64_t budget = max_delete;
  auto spend = [&](int64_t deleted) { budget -= deleted; };

  if (policy.max_age.count() > 0) {
    int64_t cutoff = now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(policy.max_age).count();
    while (budget > 0) {
      int64_t d = deleteOldest(db, std::min(kChunk, budget), &cutoff);
      report.deleted_by_age += d;
      spend(d);
      if (d < std::min(kChunk, budget + d)) break;
    }
  }
  int64_t rows = db.queryInt("SELECT count(*) FROM logs");
  if (policy.max_rows > 0) {
    while (budget > 0 && rows > policy.max_rows) {
      int64_t d = deleteOldest(db, std::min({kChunk, budget, rows - policy.max_rows}), nullptr);
      if (d == 0) break;
      report.deleted_by_rows += d;
      rows -= d;
      spend(d);
    }
  }
  if (policy.max_db_bytes > 0) {
    int64_t used = usedDatabaseBytes(db);
    while (budget > 0 && rows > 0 && used > policy.max_db_bytes) {
      // Estimate how many rows hold the excess, and overshoot a little (1% of the rows) so the loop converges
      // even though index pages free up later than table pages.
      int64_t perRow = std::max<int64_t>(1, used / rows);
      int64_t want = (used - policy.max_db_bytes) / perRow + rows / 100 + 1;
      int64_t d = deleteOldest(db, std::min({kChunk, budget, want}), nullptr);
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

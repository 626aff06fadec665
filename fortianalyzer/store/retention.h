#pragma once
// Retention: delete the oldest logs (by log time, then id) until the store is within its age,
// row-count and size limits, then hand freed pages back to the file system (incremental vacuum).
// Logs live in blocks (log_block.h): blocks entirely past the limit are dropped whole (with their
// key rows); a block straddling the limit is rewritten with the logs it keeps, so the limits are
// exact per log, as before.
// A limit of 0 is "no limit". Work is done in bounded chunks so ingestion is never paused long.

#include <chrono>
#include <cstdint>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

struct RetentionPolicy {
  std::chrono::seconds max_age{0};    // logs whose time is older than now - max_age go
  int64_t max_rows = 0;               // keep at most this many logs
  int64_t max_db_bytes = 0;           // keep used database pages + segment bytes under this
  std::chrono::seconds interval{60};  // how often the writer applies it
};

struct RetentionReport {
  int64_t deleted_by_age = 0;
  int64_t deleted_by_rows = 0;
  int64_t deleted_by_size = 0;
  int64_t rows_after = 0;
  int64_t db_bytes_after = 0;  // used pages x page size
  bool complete = true;        // false when the chunk budget ran out; call again
};

// Deletes one block row (inside the caller's transaction), and the key packs of runs no block is
// left in (key_packs.h; a pair of a dropped block only adds a candidate). Its segment bytes, if any, stay until releaseSegmentRanges() (log_segments.h).
void dropBlock(SqliteDb& db, int64_t firstId);

// Logs stored (sum of the blocks' counts).
int64_t storedLogCount(SqliteDb& db);

// Used bytes of the store: the database's used pages ((page_count - freelist_count) * page_size)
// plus the segment bytes of the stored blocks (log_segments.h).
int64_t usedDatabaseBytes(SqliteDb& db);

// Deletes at most `max_delete` rows in this call (each chunk in its own transaction). Segment
// files left without blocks are deleted, except `active_segment` (the one the writer appends to).
RetentionReport applyRetention(SqliteDb& db, const RetentionPolicy& policy, int64_t now_ns,
                               int64_t max_delete = 200000, int64_t active_segment = 0);

}  // namespace fabric::faz

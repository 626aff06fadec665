#pragma once
// Writes one batch of logs in one transaction with prepared statements: the logs as blocks (one
// row per up to kBlockMaxRows logs, log_block.h) with their distinct key values, the devices they
// came from (first/last seen, count), and the id high-water mark. Runs on the store's writer
// thread only.

#include <string>
#include <vector>

#include "fortianalyzer/store/log_batch.h"
#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

// Logs waiting in the store's queue: consecutive ids first_id, first_id+1, … (fields blobs already
// encoded on the appending thread, so the writer thread only binds and steps).
struct PendingChunk {
  LogId first_id = 0;
  LogBatch logs;
  LogId lastId() const { return first_id + static_cast<LogId>(logs.size()) - 1; }
};

// The fields blob for a record: empty when scanning the raw line yields exactly the record's fields
// (see raw_fields.h); otherwise every pair except those whose value a column already holds.
std::string encodeFieldsForStore(const LogToStore& log);

class BatchWriter {
 public:
  explicit BatchWriter(SqliteDb& db);
  // All or nothing: on error the transaction is rolled back and SqliteError thrown.
  // `chunks` hold consecutive ids in increasing order.
  void writeBatch(const std::vector<PendingChunk>& chunks);

 private:
  void writeBlock();

  SqliteDb& db_;
  BlockBuilder block_;
  Statement insertBlock_;
  Statement insertKey_;
  Statement upsertDevice_;
  Statement setNextId_;
};

}  // namespace fabric::faz

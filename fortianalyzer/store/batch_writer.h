#pragma once
// Writes one batch of logs in one transaction with prepared statements: the log rows, the devices
// they came from (first/last seen, count), and the id high-water mark. Runs on the store's writer
// thread only.

#include <string>
#include <vector>

#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

// A log waiting in the store's queue: its assigned id and its encoded fields blob (encoded on the
// appending thread, so the writer thread only binds and steps).
struct PendingLog {
  LogId id = 0;
  LogToStore log;
  std::string fields_blob;
};

// The fields blob for a record: empty when scanning the raw line yields exactly the record's fields
// (see raw_fields.h); otherwise every pair except those whose value a column already holds.
std::string encodeFieldsForStore(const LogToStore& log);

class BatchWriter {
 public:
  explicit BatchWriter(SqliteDb& db);
  // All or nothing: on error the transaction is rolled back and SqliteError thrown.
  void writeBatch(const std::vector<PendingLog>& batch);

 private:
  SqliteDb& db_;
  Statement insertLog_;
  Statement upsertDevice_;
  Statement setNextId_;
};

}  // namespace fabric::faz

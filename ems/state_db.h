#pragma once
// The EMS's durable state: one SQLite file (DIR/state.db, WAL) holding the endpoint registry, the
// command queue and the audit log. Every write is its own committed transaction before the caller
// acts on it, so a kill -9 loses nothing that was answered: in WAL mode a commit is in the file
// (the OS cache) when it returns. Commands — what a FortiGate was told is accepted — are also
// fsynced (DurableWrite), so they survive a power loss too; registry and audit rows are synced with
// the next checkpoint (synchronous=NORMAL), which keeps thousands of registrations cheap.
// Errors throw sqlite::SqliteError (the shared SQLite wrapper, common/sqlite) carrying SQLite's message.

#include <memory>
#include <string>

#include "common/sqlite/sqlite_db.h"

namespace fabric::ems {

using sqlite::SqliteDb;
using sqlite::SqliteError;
using sqlite::Statement;

// Opens (creating when missing) the state database at `path` (":memory:" for tests) and creates
// the tables. Throws SqliteError.
std::unique_ptr<SqliteDb> openStateDb(const std::string& path);

// Scope in which commits are fsynced (synchronous=FULL) before they return.
class DurableWrite {
 public:
  explicit DurableWrite(SqliteDb& db) : db_(db) { db_.exec("PRAGMA synchronous=FULL"); }
  ~DurableWrite() {
    try {
      db_.exec("PRAGMA synchronous=NORMAL");
    } catch (const SqliteError&) {
    }
  }
  DurableWrite(const DurableWrite&) = delete;
  DurableWrite& operator=(const DurableWrite&) = delete;

 private:
  SqliteDb& db_;
};

}  // namespace fabric::ems

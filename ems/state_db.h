#pragma once
// The EMS's durable state: one SQLite file (DIR/state.db, WAL, synchronous=FULL) holding the
// endpoint registry, the command queue and the audit log. Every write is its own committed
// transaction before the caller acts on it, so a kill -9 loses nothing that was answered.
// Errors throw faz::SqliteError (the shared SQLite wrapper) carrying SQLite's message.

#include <memory>
#include <string>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::ems {

using faz::SqliteDb;
using faz::SqliteError;
using faz::Statement;

// Opens (creating when missing) the state database at `path` (":memory:" for tests) and creates
// the tables. Throws SqliteError.
std::unique_ptr<SqliteDb> openStateDb(const std::string& path);

}  // namespace fabric::ems

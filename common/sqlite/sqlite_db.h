#pragma once
// Thin RAII wrappers over the SQLite C API: the one way every node opens and queries its SQLite
// files (the analyzer's log store, the EMS state, the FortiGate's EMS call queue). Errors throw
// SqliteError carrying SQLite's message; callers at the API boundary turn them into result
// messages.

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fabric::sqlite {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQLite. Text/blob binds are SQLITE_STATIC: the caller keeps the
  // bytes alive until the next reset(). An empty string binds NULL when `emptyIsNull`.
  void bindText(int index, std::string_view text, bool emptyIsNull = false);
  void bindBlob(int index, std::string_view bytes);
  void bindInt(int index, int64_t value);
  void bindDouble(int index, double value);
  void bindNull(int index);

  // true when a row is available, false when done.
  bool step();
  void reset();

  int64_t columnInt(int col) const;
  std::string_view columnText(int col) const;  // empty for NULL
  bool columnIsNull(int col) const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (and with `create`, creates) the database. `what` names it in the error when it cannot be
  // opened ("cannot open log database '/x/logs.db': unable to open database file").
  SqliteDb(const std::string& path, bool readOnly, bool create, std::string_view what = "database");
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  int64_t queryInt(std::string_view sql);  // first column of the first row; 0 when no row
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace fabric::sqlite

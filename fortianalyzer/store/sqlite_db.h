#pragma once
// The analyzer's view of the shared SQLite wrapper (common/sqlite): every connection the store and
// the search open also carries the store's SQL functions.

#include <sqlite3.h>

#include <string>

#include "common/sqlite/sqlite_db.h"

namespace fabric::faz {

using sqlite::SqliteError;
using sqlite::Statement;

// SQL functions available on every connection opened by SqliteDb:
//   fabric_field(fields_blob, raw, key) -> the value of `key`: from the fields blob when there is
//                                          one, else scanned from the raw line; NULL when absent
//   fabric_ip_in(ip_text, net, prefix)  -> 1 when IPv4 text ip is inside net/prefix (net as
//   integer)
void registerStoreFunctions(sqlite3* db);

class SqliteDb : public sqlite::SqliteDb {
 public:
  // Opens (and with `create`, creates) the log database; registers the store's SQL functions.
  SqliteDb(const std::string& path, bool readOnly, bool create)
      : sqlite::SqliteDb(path, readOnly, create, "log database") {
    registerStoreFunctions(handle());
  }
};

}  // namespace fabric::faz

#pragma once
// Reading stored logs back in id order, block by block (IoC rescan, tests, tools).

#include <functional>

#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

// Calls fn for every stored log, lowest id first; stops early when fn returns false. The view is
// valid only during the call. Runs in one read transaction (one consistent snapshot).
void forEachStoredLog(SqliteDb& db, const std::function<bool(const StoredLogView&)>& fn);

}  // namespace fabric::faz

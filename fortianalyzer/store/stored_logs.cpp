#include "fortianalyzer/store/stored_logs.h"

#include <string>
#include <vector>

#include "fortianalyzer/store/log_segments.h"

namespace fabric::faz {

void forEachStoredLog(SqliteDb& db, const std::function<bool(const StoredLogView&)>& fn) {
  db.exec("BEGIN");
  try {
    auto st = db.prepare("SELECT first_id, data, seg, seg_off, seg_len FROM blocks ORDER BY first_id");
    SegmentReader reader(segmentDir(db));
    std::string bytes;
    std::vector<StoredLogView> logs;
    bool more = true;
    while (more && st.step()) {
      readBlockColumns(st, 1, reader, bytes);  // unreadable bytes: no logs from this block
      decodeBlock(bytes, st.columnInt(0), logs);
      for (const auto& log : logs) {
        if (!fn(log)) {
          more = false;
          break;
        }
      }
    }
  } catch (...) {
    sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr);
    throw;
  }
  sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace fabric::faz

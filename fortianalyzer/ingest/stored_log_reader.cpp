#include "fortianalyzer/ingest/stored_log_reader.h"

#include <utility>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/log_mapping.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "fortianalyzer/store/store_schema.h"

namespace fabric::faz {

ioc::StoredLogVisitor storedLogVisitor(std::string path) {
  return [path = std::move(path)](const std::function<void(const ioc::StoredObservables&)>& each) {
    SqliteDb db(path, true, false);
    prepareReaderDatabase(db);
    auto st = db.prepare("SELECT id, raw, received_ns FROM logs ORDER BY id");
    logfmt::LogRecord record;
    std::vector<logfmt::Observable> obs;
    ioc::LogObservables out;
    while (st.step()) {
      std::string_view raw = st.columnText(1);
      if (!logfmt::parseLogLine(raw, st.columnInt(2), record)) continue;
      logfmt::extractObservables(record, obs);
      if (obs.empty()) continue;
      fillObservables(record, obs, out);
      out.logId = st.columnInt(0);
      each(out);
    }
  };
}

}  // namespace fabric::faz

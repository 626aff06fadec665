#include "fortianalyzer/ingest/stored_log_reader.h"

#include <utility>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/log_mapping.h"
#include "fortianalyzer/store/sqlite_db.h"
#include "fortianalyzer/store/store_schema.h"
#include "fortianalyzer/store/stored_logs.h"

namespace fabric::faz {

ioc::StoredLogVisitor storedLogVisitor(std::string path) {
  return [path = std::move(path)](const std::function<void(const ioc::StoredObservables&)>& each) {
    SqliteDb db(path, true, false);
    prepareReaderDatabase(db);
    logfmt::LogRecord record;
    std::vector<logfmt::Observable> obs;
    ioc::LogObservables out;
    forEachStoredLog(db, [&](const StoredLogView& log) {
      if (!logfmt::parseLogLine(log.text(LogBatch::kRaw), log.received_ns, record)) return true;
      logfmt::extractObservables(record, obs);
      if (obs.empty()) return true;
      fillObservables(record, obs, out);
      out.logId = log.id;
      each(out);
      return true;
    });
  };
}

}  // namespace fabric::faz

#pragma once
// Pure mapping from one parsed log line (common/logfmt LogRecord) to what the analyzer stores
// (a LogBatch row) and what it matches (ioc::LogObservables). No I/O, no locks; the ingest
// pipeline's parse thread calls these for every message.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable.h"
#include "fortianalyzer/ioc/log_observables.h"
#include "fortianalyzer/store/log_batch.h"

namespace fabric::faz {

// Where the message came from, as stored with it.
struct RowOrigin {
  std::string_view source_addr;
  bool registered_device = false;
  std::int64_t received_ns = 0;
};

// The endpoint address of a log: `srcip`, or `deviceip` for FortiClient logs that have no srcip.
std::string_view endpointAddress(const logfmt::LogRecord& record);

// Appends one row for a parsed record: header columns, the raw line, and the fields blob, which is
// left empty (search reads the fields from the raw line) when scanning the raw line reproduces
// the parser's pairs exactly (store/raw_fields.h), as for ordinary FortiOS key=value lines.
// `scratch` is reused between calls.
void addParsedRow(const logfmt::LogRecord& record, const RowOrigin& origin, LogBatch& out,
                  std::string& scratch);

// Appends one row for a message the parser refused: raw text only, time = receive time.
void addMalformedRow(std::string_view raw, const RowOrigin& origin, LogBatch& out);

// The message without trailing CR/LF (what is stored as raw).
std::string_view trimLineEnd(std::string_view message);

// Fills `out` (logId left 0) with who the log is about and its observables (moved from `obs`).
void fillObservables(const logfmt::LogRecord& record, std::vector<logfmt::Observable>& obs,
                     ioc::LogObservables& out);

}  // namespace fabric::faz

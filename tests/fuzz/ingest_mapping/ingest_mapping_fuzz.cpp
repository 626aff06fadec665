// Fuzz target: one message through the ingest pipeline's pure path — parse, map to a stored row
// (raw line, columns, fields blob or "read fields from raw"), observables for the IoC engine.
// Oracles: the stored raw is the line; an empty fields blob means the raw-line scanner yields
// exactly the parser's pairs (so search shows the same fields); a blob decodes to pairs the
// parser produced; a refused line is kept raw.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/log_mapping.h"
#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/raw_fields.h"
#include "fortianalyzer/store/raw_scan.h"

using namespace fabric;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view line = faz::trimLineEnd(input);
  logfmt::LogRecord record;
  faz::LogBatch batch;
  std::string scratch;
  faz::RowOrigin origin{"127.0.0.9", false, 42};
  if (!logfmt::parseLogLine(line, 42, record)) {
    faz::addMalformedRow(line, origin, batch);
    if (batch.text(batch.rows().at(0), faz::LogBatch::kRaw) != line) std::abort();
    return 0;
  }
  faz::addParsedRow(record, origin, batch, scratch);
  const auto& row = batch.rows().at(0);
  if (batch.text(row, faz::LogBatch::kRaw) != record.raw) std::abort();
  if (batch.text(row, faz::LogBatch::kSourceAddr) != "127.0.0.9") std::abort();
  std::string_view blob = batch.text(row, faz::LogBatch::kFieldsBlob);
  const auto& fields = record.fields.all();
  if (record.format == logfmt::BodyFormat::kKeyValue && record.stats.simple_layout) {
    // The parser's claim (KvStats::simple_layout): the raw-line scanner reads the body's pairs
    // exactly, as the same views.
    size_t i = 0;
    faz::raw_scan::scan(record.header.body, [&](std::string_view k, std::string_view v) {
      if (i >= fields.size() || fields[i].key.data() != k.data() || fields[i].key != k ||
          fields[i].value.data() != v.data() || fields[i].value != v) {
        std::abort();
      }
      ++i;
      return true;
    });
    if (i != fields.size()) std::abort();
  }
  if (blob.empty()) {
    size_t i = 0;
    bool same = true;
    faz::forEachRawField(record.raw, [&](std::string_view k, std::string_view v) {
      if (i >= fields.size() || fields[i].key != k || fields[i].value != v) same = false;
      ++i;
      return same;
    });
    // An empty blob is also what a line whose every pair sits in a column gets (as append() does).
    if (record.format == logfmt::BodyFormat::kKeyValue && (!same || i != fields.size()) &&
        !fields.empty()) {
      // Only acceptable when every pair was left to a column.
      for (const auto& f : fields) {
        std::string_view k = f.key;
        bool column = k == "devid" || k == "devname" || k == "logid" || k == "type" ||
                      k == "subtype" || k == "level" || k == "srcip" || k == "dstip" ||
                      k == "hostname" || k == "flowid";
        if (!column) std::abort();
      }
    }
  } else {
    for (const auto& [k, v] : faz::decodeFields(blob)) {
      bool found = false;
      for (const auto& f : fields) found = found || (f.key == k && f.value == v);
      if (!found) std::abort();
    }
  }
  std::vector<logfmt::Observable> obs;
  logfmt::extractObservables(record, obs);
  faz::ioc::LogObservables out;
  faz::fillObservables(record, obs, out);
  if (out.observables.size() != obs.size()) std::abort();
  return 0;
}

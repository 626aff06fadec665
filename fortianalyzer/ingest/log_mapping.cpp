#include "fortianalyzer/ingest/log_mapping.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <utility>

#include "fortianalyzer/store/batch_writer.h"
#include "fortianalyzer/store/raw_scan.h"

namespace fabric::faz {

std::string_view endpointAddress(const logfmt::LogRecord& record) {
  std::string_view ip = record.srcip();
  if (ip.empty() && record.isFortiClient()) ip = record.get("deviceip");
  return ip;
}

std::string_view trimLineEnd(std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  return message;
}

namespace {

// The rare path (CSV, CEF, escapes the raw scanner reads differently, RFC 5424 structured data):
// encode the parser's pairs, leaving out those a column holds, as LogStore::append() does.
void encodeBlob(const logfmt::LogRecord& record, const LogBatch& out, const LogBatch::Row& row,
                std::string& blob) {
  LogToStore tmp;
  tmp.raw = std::string(record.raw);
  tmp.devid = std::string(out.text(row, LogBatch::kDevid));
  tmp.devname = std::string(out.text(row, LogBatch::kDevname));
  tmp.logid = std::string(out.text(row, LogBatch::kLogid));
  tmp.type = std::string(out.text(row, LogBatch::kType));
  tmp.subtype = std::string(out.text(row, LogBatch::kSubtype));
  tmp.level = std::string(out.text(row, LogBatch::kLevel));
  tmp.srcip = std::string(out.text(row, LogBatch::kSrcip));
  tmp.dstip = std::string(out.text(row, LogBatch::kDstip));
  tmp.hostname = std::string(out.text(row, LogBatch::kHostname));
  tmp.flow_id = std::string(out.text(row, LogBatch::kFlowId));
  tmp.fields.reserve(record.fields.size());
  for (const logfmt::Field& f : record.fields.all()) {
    tmp.fields.emplace_back(std::string(f.key), std::string(f.value));
  }
  blob = encodeFieldsForStore(tmp);
}

inline bool isLineSpace(char c) { return c == ' ' || c == '\r' || c == '\n'; }

// A proof without scanning that raw_scan::scan(raw) yields exactly the parser's pairs: the
// key=value parser found them in the simplest layout (KvStats::simple_layout: what the scanner
// reads the same way) and the text before the body is what the scanner skips (a <PRI>, then
// spaces, CR, LF). False means "not proven" (the caller then runs the scanner), never "different".
bool parserProvedRawLayout(const logfmt::LogRecord& record) {
  if (record.format != logfmt::BodyFormat::kKeyValue || !record.stats.simple_layout) return false;
  std::string_view raw = record.raw;
  const char* body = record.header.body.data();
  if (body == nullptr || body < raw.data() || body > raw.data() + raw.size()) return false;
  const char* p = raw.data();
  const std::size_t n = raw.size();
  std::size_t i = 0;
  if (n > 2 && p[0] == '<') {  // the scanner skips a leading <PRI>
    std::size_t j = 1;
    while (j < n && j <= 4 && p[j] >= '0' && p[j] <= '9') ++j;
    if (j > 1 && j < n && p[j] == '>') i = j + 1;
  }
  const auto bodyAt = static_cast<std::size_t>(body - p);
  if (bodyAt < i || bodyAt + record.header.body.size() != n) return false;
  for (; i < bodyAt; ++i) {
    if (!isLineSpace(p[i])) return false;
  }
  return true;
}

}  // namespace

void addParsedRow(const logfmt::LogRecord& record, const RowOrigin& origin, LogBatch& out,
                  std::string& scratch) {
  out.addRow(record.time_ns, origin.received_ns, origin.registered_device);
  std::string_view logid = record.logid();
  if (logid.empty()) logid = record.fctId();
  out.set(LogBatch::kDevid, record.devid());
  // A FortiClient line names its endpoint by `hostname` (no devname): FortiAnalyzer lists the
  // FortiClient under that name, with its FCT serial (devid) as the device id.
  std::string_view devname = record.devname();
  if (devname.empty() && record.isFortiClient()) devname = record.slot(logfmt::Slot::kHostname);
  out.set(LogBatch::kDevname, devname);
  out.set(LogBatch::kLogid, logid);
  out.set(LogBatch::kType, record.type());
  out.set(LogBatch::kSubtype, record.subtype());
  out.set(LogBatch::kLevel, record.level());
  out.set(LogBatch::kSrcip, endpointAddress(record));
  out.set(LogBatch::kDstip, record.dstip());
  out.set(LogBatch::kEndpointUid, record.endpointUid());
  out.set(LogBatch::kHostname, record.slot(logfmt::Slot::kHostname));
  out.set(LogBatch::kFlowId, record.slot(logfmt::Slot::kFlowId));
  out.set(LogBatch::kSourceAddr, origin.source_addr);
  out.set(LogBatch::kRaw, record.raw);

  const auto& fields = record.fields.all();
  bool fromRaw = record.format == logfmt::BodyFormat::kKeyValue &&
                 (parserProvedRawLayout(record) ||
                  raw_scan::yieldsPairs(record.raw, fields.size(),
                                       [&](size_t i, std::string_view k, std::string_view v) {
                                         // Views into the same line are equal without a compare.
                                         const logfmt::Field& f = fields[i];
                                         return (f.key.data() == k.data() ? f.key.size() == k.size()
                                                                          : f.key == k) &&
                                                (f.value.data() == v.data()
                                                     ? f.value.size() == v.size()
                                                     : f.value == v);
                                       }));
  if (fromRaw) {
    out.set(LogBatch::kFieldsBlob, {});
    return;
  }
  encodeBlob(record, out, out.rows().back(), scratch);
  out.set(LogBatch::kFieldsBlob, scratch);
}

void addMalformedRow(std::string_view raw, const RowOrigin& origin, LogBatch& out) {
  out.addRow(origin.received_ns, origin.received_ns, false);
  for (int c = 0; c < LogBatch::kColCount; ++c) out.set(static_cast<LogBatch::Col>(c), {});
  out.set(LogBatch::kSourceAddr, origin.source_addr);
  out.set(LogBatch::kRaw, raw);
}

void fillObservables(const logfmt::LogRecord& record, std::vector<logfmt::Observable>& obs,
                     ioc::LogObservables& out) {
  out.logId = 0;
  out.endpointUid = std::string(record.endpointUid());
  out.endpointIp = std::string(endpointAddress(record));
  out.hostname = std::string(record.isFortiClient() ? record.slot(logfmt::Slot::kHostname)
                                                    : record.get("srcname"));
  out.time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(record.time_ns)));
  out.observables = obs;
}

}  // namespace fabric::faz

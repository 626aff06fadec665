#include "fortianalyzer/store/log_batch.h"

#include <stdexcept>

#include "fortianalyzer/store/batch_writer.h"

namespace fabric::faz {

LogBatch::Row& LogBatch::addRow(std::int64_t time_ns, std::int64_t received_ns, bool registered) {
  Row& row = rows_.emplace_back();
  row.time_ns = time_ns;
  row.received_ns = received_ns;
  row.registered = registered;
  return row;
}

void LogBatch::set(Col col, std::string_view text) {
  if (rows_.empty()) throw std::logic_error("LogBatch::set before addRow");
  if (arena_.size() + text.size() > UINT32_MAX) throw std::length_error("LogBatch arena over 4 GiB");
  Row& row = rows_.back();
  row.off[col] = static_cast<std::uint32_t>(arena_.size());
  row.len[col] = static_cast<std::uint32_t>(text.size());
  arena_.append(text);
}

void LogBatch::add(const LogToStore& l) {
  addRow(l.time_ns, l.received_ns, l.registered_device);
  set(kDevid, l.devid);
  set(kDevname, l.devname);
  set(kLogid, l.logid);
  set(kType, l.type);
  set(kSubtype, l.subtype);
  set(kLevel, l.level);
  set(kSrcip, l.srcip);
  set(kDstip, l.dstip);
  set(kEndpointUid, l.endpoint_uid);
  set(kHostname, l.hostname);
  set(kFlowId, l.flow_id);
  set(kSourceAddr, l.source_addr);
  set(kRaw, l.raw);
  set(kFieldsBlob, encodeFieldsForStore(l));
}

}  // namespace fabric::faz

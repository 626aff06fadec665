#include "fortianalyzer/store/batch_writer.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/raw_fields.h"

namespace fabric::faz {
namespace {

// Column values by log field name, to leave duplicates out of the fields blob.
const std::string* columnValue(const LogToStore& log, std::string_view key) {
  if (key.empty()) return nullptr;
  switch (key[0]) {
    case 'd':
      if (key == "devid") return &log.devid;
      if (key == "devname") return &log.devname;
      if (key == "dstip") return &log.dstip;
      return nullptr;
    case 'f':
      return key == "flowid" ? &log.flow_id : nullptr;
    case 'h':
      return key == "hostname" ? &log.hostname : nullptr;
    case 'l':
      if (key == "logid") return &log.logid;
      if (key == "level") return &log.level;
      return nullptr;
    case 's':
      if (key == "srcip") return &log.srcip;
      if (key == "subtype") return &log.subtype;
      return nullptr;
    case 't':
      return key == "type" ? &log.type : nullptr;
    default:
      return nullptr;
  }
}

struct DeviceSeen {
  const LogBatch* batch = nullptr;
  const LogBatch::Row* last = nullptr;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  int64_t count = 0;
  bool registered = false;
};

}  // namespace

std::string encodeFieldsForStore(const LogToStore& log) {
  // The common case: the raw line itself yields the fields, so storing them again would double
  // the bytes written per log. Search then reads fields from `raw`.
  if (rawYieldsFields(log.raw, log.fields)) return {};
  std::string blob;
  blob.reserve(log.raw.size());
  for (const auto& [key, value] : log.fields) {
    const std::string* col = columnValue(log, key);
    if (col && *col == value) continue;
    encodeField(blob, key, value);
  }
  return blob;
}

BatchWriter::BatchWriter(SqliteDb& db)
    : db_(db),
      insertLog_(db.prepare(
          "INSERT INTO logs(id, time_ns, received_ns, devid, devname, logid, type, subtype, level, "
          "srcip, dstip, endpoint_uid, hostname, flow_id, source_addr, registered, fields, raw) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)")),
      upsertDevice_(db.prepare(
          "INSERT INTO devices(devid, devname, serial, ip, registered, first_seen_ns, "
          "last_seen_ns, log_count) VALUES(?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT(devid) DO UPDATE SET devname=coalesce(excluded.devname, devname), "
          "ip=coalesce(excluded.ip, ip), "
          "first_seen_ns=min(coalesce(first_seen_ns, excluded.first_seen_ns), excluded.first_seen_ns), "
          "last_seen_ns=max(coalesce(last_seen_ns, excluded.last_seen_ns), excluded.last_seen_ns), "
          "log_count=log_count+excluded.log_count")),
      setNextId_(db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('next_id', ?1)")) {}

void BatchWriter::writeBatch(const std::vector<PendingChunk>& chunks) {
  if (chunks.empty()) return;
  std::unordered_map<std::string_view, DeviceSeen> devices;
  db_.exec("BEGIN IMMEDIATE");
  try {
    Statement& st = insertLog_;
    LogId lastId = 0;
    for (const PendingChunk& chunk : chunks) {
      const LogBatch& b = chunk.logs;
      LogId id = chunk.first_id;
      for (const LogBatch::Row& r : b.rows()) {
        st.bindInt(1, id++);
        st.bindInt(2, r.time_ns);
        st.bindInt(3, r.received_ns);
        st.bindText(4, b.text(r, LogBatch::kDevid), true);
        st.bindText(5, b.text(r, LogBatch::kDevname), true);
        st.bindText(6, b.text(r, LogBatch::kLogid), true);
        st.bindText(7, b.text(r, LogBatch::kType), true);
        st.bindText(8, b.text(r, LogBatch::kSubtype), true);
        st.bindText(9, b.text(r, LogBatch::kLevel), true);
        st.bindText(10, b.text(r, LogBatch::kSrcip), true);
        st.bindText(11, b.text(r, LogBatch::kDstip), true);
        st.bindText(12, b.text(r, LogBatch::kEndpointUid), true);
        st.bindText(13, b.text(r, LogBatch::kHostname), true);
        st.bindText(14, b.text(r, LogBatch::kFlowId), true);
        st.bindText(15, b.text(r, LogBatch::kSourceAddr), true);
        st.bindInt(16, r.registered ? 1 : 0);
        std::string_view blob = b.text(r, LogBatch::kFieldsBlob);
        if (blob.empty()) {
          st.bindNull(17);
        } else {
          st.bindBlob(17, blob);
        }
        st.bindText(18, b.text(r, LogBatch::kRaw));
        st.step();
        st.reset();
        std::string_view devid = b.text(r, LogBatch::kDevid);
        if (!devid.empty()) {
          DeviceSeen& d = devices[devid];
          if (d.count == 0) d.first_ns = r.received_ns;
          d.first_ns = std::min(d.first_ns, r.received_ns);
          d.last_ns = std::max(d.last_ns, r.received_ns);
          d.batch = &b;
          d.last = &r;
          d.registered = d.registered || r.registered;
          ++d.count;
        }
      }
      lastId = id - 1;
    }
    for (const auto& [devid, d] : devices) {
      upsertDevice_.bindText(1, devid);
      upsertDevice_.bindText(2, d.batch->text(*d.last, LogBatch::kDevname), true);
      upsertDevice_.bindText(3, d.batch->text(*d.last, LogBatch::kSourceAddr), true);
      upsertDevice_.bindInt(4, d.registered ? 1 : 0);
      upsertDevice_.bindInt(5, d.first_ns);
      upsertDevice_.bindInt(6, d.last_ns);
      upsertDevice_.bindInt(7, d.count);
      upsertDevice_.step();
      upsertDevice_.reset();
    }
    setNextId_.bindInt(1, lastId + 1);
    setNextId_.step();
    setNextId_.reset();
    db_.exec("COMMIT");
  } catch (...) {
    insertLog_.reset();
    upsertDevice_.reset();
    setNextId_.reset();
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace fabric::faz

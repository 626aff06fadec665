#include "fortianalyzer/store/batch_writer.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/key_packs.h"
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

BatchWriter::BatchWriter(SqliteDb& db, std::int64_t firstSegment)
    : db_(db),
      segments_(segmentDir(db), firstSegment),
      segmentInMeta_(firstSegment),
      syncedBelowInMeta_(firstSegment),
      insertBlock_(db.prepare(
          "INSERT INTO blocks(first_id, last_id, count, min_time_ns, max_time_ns, keys, data, seg, "
          "seg_off, seg_len) VALUES(?1,?2,?3,?4,?5,?6,x'',?7,?8,?9)")),
      insertPack_(db.prepare("INSERT INTO key_packs(run, first_hash, first_id, pairs) VALUES(?1,?2,?3,?4)")),
      upsertDevice_(db.prepare(
          "INSERT INTO devices(devid, devname, serial, ip, registered, first_seen_ns, "
          "last_seen_ns, log_count) VALUES(?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT(devid) DO UPDATE SET devname=coalesce(excluded.devname, devname), "
          "ip=coalesce(excluded.ip, ip), "
          "first_seen_ns=min(coalesce(first_seen_ns, excluded.first_seen_ns), excluded.first_seen_ns), "
          "last_seen_ns=max(coalesce(last_seen_ns, excluded.last_seen_ns), excluded.last_seen_ns), "
          "log_count=log_count+excluded.log_count")),
      setNextId_(db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('next_id', ?1)")),
      setMeta_(db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)")) {
  auto st = db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key='keys_indexed_through'");
  if (st.step()) {
    indexedThrough_ = st.columnInt(0);
  } else {
    // A database written before lazy indexing has key rows for every block.
    auto mx = db.prepare("SELECT coalesce(max(last_id), 0) FROM blocks");
    indexedThrough_ = mx.step() ? mx.columnInt(0) : 0;
    auto set = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('keys_indexed_through', ?1)");
    std::string text = std::to_string(indexedThrough_);  // bound SQLITE_STATIC: must outlive step()
    set.bindText(1, text);
    set.step();
  }
}

LogId BatchWriter::keyIndexLag(LogId indexedThrough) {
  return std::clamp<LogId>(indexedThrough / 4, LogId{131072}, LogId{1048576});
}

void BatchWriter::mergeKeys(LogId through) {
  std::vector<KeyPair> rows;  // (key hash, block first id)
  {
    auto st = db_.prepare("SELECT first_id, keys FROM blocks WHERE first_id > ?1 ORDER BY first_id");
    st.bindInt(1, indexedThrough_);
    while (st.step()) {
      std::int64_t first = st.columnInt(0);
      for (const auto& k : decodeBlockKeys(st.columnText(1))) {
        rows.emplace_back(blockKeyHash(k.kind, k.value), first);
      }
    }
  }
  // A new run, numbered by the new watermark (larger than every run before), appended after all
  // existing packs. One SQLite row per pair instead cost ~0.7 us per pair (schema 4); inserted
  // into one hash order (schema 3), every merge rewrote every leaf page of the index.
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());  // two values, one hash
  insertKeyPacks(insertPack_, through, rows, pack_);
  if (!rows.empty()) {
    auto run = db_.prepare("INSERT OR IGNORE INTO key_runs(run) VALUES(?1)");
    run.bindInt(1, through);
    run.step();
  }
  auto set = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('keys_indexed_through', ?1)");
  std::string text = std::to_string(through);  // bound SQLITE_STATIC: must outlive step()
  set.bindText(1, text);
  set.step();
}

void BatchWriter::writeBatch(const std::vector<PendingChunk>& chunks) {
  if (chunks.empty()) return;
  std::unordered_map<std::string_view, DeviceSeen> devices;
  SegmentRef segmentStart = segments_.position();
  db_.exec("BEGIN IMMEDIATE");
  try {
    LogId lastId = 0;
    std::string_view lastDevid;
    DeviceSeen* lastSeen = nullptr;
    block_.clear();
    for (const PendingChunk& chunk : chunks) {
      const LogBatch& b = chunk.logs;
      LogId id = chunk.first_id;
      for (const LogBatch::Row& r : b.rows()) {
        block_.add(id++, b, r);
        if (block_.full()) writeBlock();
        std::string_view devid = b.text(r, LogBatch::kDevid);
        if (!devid.empty()) {
          // Most logs of a batch come from the device of the log before (map nodes are stable).
          DeviceSeen& d = lastSeen && devid == lastDevid ? *lastSeen : devices[devid];
          lastDevid = devid;
          lastSeen = &d;
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
    if (!block_.empty()) writeBlock();
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
    auto setMeta = [&](std::string_view key, std::int64_t value) {
      std::string text = std::to_string(value);
      setMeta_.bindText(1, key);
      setMeta_.bindText(2, text);
      setMeta_.step();
      setMeta_.reset();
    };
    // A new segment number is recorded with the first rows referring to it (numbers never reused).
    std::int64_t segment = segments_.current();
    if (segment != segmentInMeta_) setMeta("next_segment", segment + 1);
    std::int64_t syncedBelow = segments_.syncedBelow();
    if (syncedBelow != syncedBelowInMeta_) setMeta("segments_synced_below", syncedBelow);
    LogId indexed = indexedThrough_;
    if (lastId - indexedThrough_ >= keyIndexLag(indexedThrough_)) {
      mergeKeys(lastId);
      indexed = lastId;
    }
    db_.exec("COMMIT");
    indexedThrough_ = indexed;
    segmentInMeta_ = segment;
    syncedBelowInMeta_ = syncedBelow;
  } catch (...) {
    segments_.rollBack(segmentStart);
    block_.clear();
    insertBlock_.reset();
    insertPack_.reset();
    upsertDevice_.reset();
    setNextId_.reset();
    setMeta_.reset();
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void BatchWriter::writeBlock() {
  const auto& keys = block_.keys();
  std::string keyBytes = encodeBlockKeys(keys);
  insertBlock_.bindInt(1, block_.firstId());
  insertBlock_.bindInt(2, block_.lastId());
  insertBlock_.bindInt(3, static_cast<int64_t>(block_.rows()));
  insertBlock_.bindInt(4, block_.minTime());
  insertBlock_.bindInt(5, block_.maxTime());
  insertBlock_.bindBlob(6, keyBytes);
  // The bytes go to the segment file before the row that refers to them can commit.
  encodeSegmentFrame(block_.bytes(), frame_);
  SegmentRef ref = segments_.append(frame_);
  insertBlock_.bindInt(7, ref.seg);
  insertBlock_.bindInt(8, ref.off);
  insertBlock_.bindInt(9, ref.len);
  insertBlock_.step();
  insertBlock_.reset();
  block_.clear();  // its key rows are written by the next mergeKeys()
}

}  // namespace fabric::faz

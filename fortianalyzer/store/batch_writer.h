#pragma once
// Writes one batch of logs in one transaction with prepared statements: the logs as blocks (one
// row per up to kBlockMaxRows logs, log_block.h; the block bytes appended to a segment file first,
// log_segments.h) with their distinct key values, the devices they came from (first/last seen,
// count), and the id high-water mark. Runs on the store's writer thread only.

#include <string>
#include <vector>

#include "fortianalyzer/store/log_batch.h"
#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/log_segments.h"
#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

// Logs waiting in the store's queue: consecutive ids first_id, first_id+1, … (fields blobs already
// encoded on the appending thread, so the writer thread only binds and steps).
struct PendingChunk {
  LogId first_id = 0;
  LogBatch logs;
  LogId lastId() const { return first_id + static_cast<LogId>(logs.size()) - 1; }
};

// The fields blob for a record: empty when scanning the raw line yields exactly the record's fields
// (see raw_fields.h); otherwise every pair except those whose value a column already holds.
std::string encodeFieldsForStore(const LogToStore& log);

// The per-block key index (key_packs, key_packs.h) is filled LAZILY: a commit writes its blocks
// with their `keys` blob only, and once the blocks after the meta value `keys_indexed_through`
// hold keyIndexLag() logs, one transaction writes all their (key hash, block) pairs, sorted, as a
// new run of packs and moves the watermark. Why lazily: the index is ordered by a hash, so the
// pairs of every commit would land all over it (with 64 KiB pages each commit rewrote the whole
// index into the WAL, ~1 KB per log at 1M logs); why packed: one SQLite row per pair cost ~0.7 us.
// Search finds blocks past the watermark by their `keys` blob (fabric_block_has_key), so nothing
// is ever missing from a result, and a crash loses nothing: the watermark moves in the same
// transaction as the packs.
class BatchWriter {
 public:
  // Appends block bytes to segments from `firstSegment` on (recoverSegments()).
  BatchWriter(SqliteDb& db, std::int64_t firstSegment);
  // Logs after the watermark that trigger the next index merge: a quarter of the indexed logs,
  // at least 131,072 and at most 1,048,576 (bounds what a search reads from `keys` blobs).
  static LogId keyIndexLag(LogId indexedThrough);
  // All or nothing: on error the transaction is rolled back and SqliteError thrown.
  // `chunks` hold consecutive ids in increasing order.
  void writeBatch(const std::vector<PendingChunk>& chunks);
  SegmentWriter& segments() { return segments_; }

 private:
  void writeBlock();
  void mergeKeys(LogId through);

  LogId indexedThrough_ = 0;  // meta keys_indexed_through (committed value)

  SqliteDb& db_;
  SegmentWriter segments_;
  std::int64_t segmentInMeta_ = 0;      // meta next_segment - 1 as last written
  std::int64_t syncedBelowInMeta_ = 0;  // meta segments_synced_below as last written
  BlockBuilder block_;
  std::string frame_;  // the block as written to its segment (encodeSegmentFrame)
  Statement insertBlock_;
  Statement insertPack_;  // key_packs (key_packs.h)
  std::string pack_;
  Statement upsertDevice_;
  Statement setNextId_;
  Statement setMeta_;
};

}  // namespace fabric::faz

#pragma once
// A log block: many logs stored as ONE SQLite row (table `blocks`, see store_schema.h), as the real
// FortiAnalyzer stores logs in files plus indexes rather than one database row per log. Per-row
// B-tree and index maintenance is what limited the store; a block costs one row insert plus one
// key entry per DISTINCT indexed value it holds (devid, type, subtype, srcip, endpoint uid, flow
// id), so the indexes are small and written once per block.
//
// Block bytes: the row count (4 bytes, little-endian), then per row: varint(id - block's first id),
// fixed 8-byte little-endian time_ns and received_ns, one flag byte (bit 0: registered), then the
// LogBatch text columns in LogBatch::Col order, each varint(length) + bytes. Decoding never reads
// past the bytes: a damaged block decodes to fewer rows, never to a crash.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/store/log_batch.h"
#include "fortianalyzer/store/log_record.h"

namespace fabric::faz {

// One stored log decoded from a block: views into the block's bytes.
struct StoredLogView {
  LogId id = 0;
  std::int64_t time_ns = 0;
  std::int64_t received_ns = 0;
  bool registered = false;
  std::array<std::string_view, LogBatch::kColCount> col{};
  std::string_view text(LogBatch::Col c) const { return col[c]; }
};

// Kinds of the per-block key index (hashed into key_packs, key_packs.h). Values are stored, keep them stable.
enum class BlockKey : std::uint8_t {
  kDevid = 1,
  kType = 2,
  kSubtype = 3,
  kSrcip = 4,
  kEndpointUid = 5,
  kFlowId = 6,
};
inline constexpr std::array<std::pair<BlockKey, LogBatch::Col>, 6> kBlockKeyColumns{{
    {BlockKey::kDevid, LogBatch::kDevid},
    {BlockKey::kType, LogBatch::kType},
    {BlockKey::kSubtype, LogBatch::kSubtype},
    {BlockKey::kSrcip, LogBatch::kSrcip},
    {BlockKey::kEndpointUid, LogBatch::kEndpointUid},
    {BlockKey::kFlowId, LogBatch::kFlowId},
}};

// The key index value of a key: 64-bit FNV-1a of the kind byte and the value, stored as a signed
// integer. Integer keys keep the index small and its inserts cheap (no text record compares); a
// collision only adds a candidate block, whose logs search checks anyway. Stored on disk: never
// change it without a schema version.
std::int64_t blockKeyHash(BlockKey kind, std::string_view value);

// Block size limits: a block closes at whichever comes first (a commit also closes it).
inline constexpr std::size_t kBlockMaxRows = 1024;
inline constexpr std::size_t kBlockMaxBytes = std::size_t{512} << 10;

// Collects rows into block bytes and their distinct key values.
class BlockBuilder {
 public:
  struct Key {
    BlockKey kind;
    std::string_view value;  // points into the block bytes (valid until clear())
  };

  void add(LogId id, std::int64_t time_ns, std::int64_t received_ns, bool registered,
           const std::array<std::string_view, LogBatch::kColCount>& cols);
  void add(LogId id, const LogBatch& batch, const LogBatch::Row& row);
  void add(const StoredLogView& log);

  bool empty() const { return rows_ == 0; }
  bool full() const { return rows_ >= kBlockMaxRows || body_.size() >= kBlockMaxBytes; }
  std::size_t rows() const { return rows_; }
  LogId firstId() const { return firstId_; }
  LogId lastId() const { return lastId_; }
  std::int64_t minTime() const { return minTime_; }
  std::int64_t maxTime() const { return maxTime_; }
  // The block bytes (valid until the next add() or clear()).
  std::string_view bytes();
  // Distinct non-empty key values, sorted by (kind, value).
  const std::vector<Key>& keys();
  void clear();

 private:
  std::string body_;  // 4-byte row count (set by bytes()) + rows
  std::vector<Key> keys_;
  std::vector<std::pair<std::uint8_t, std::uint64_t>> keyRefs_;  // (kind, offset|len<<32) of values
  std::array<std::uint64_t, 6> lastKey_{};  // last value added per key kind (offset|len<<32)
  bool sorted_ = false;
  std::size_t rows_ = 0;
  LogId firstId_ = 0;
  LogId lastId_ = 0;
  std::int64_t minTime_ = 0;
  std::int64_t maxTime_ = 0;
};

// Decodes a block whose first id is `firstId` into `out` (cleared first). false when the bytes are
// damaged (the rows decoded before the damage are kept).
bool decodeBlock(std::string_view bytes, LogId firstId, std::vector<StoredLogView>& out);

// The keys of a block as stored in blocks.keys (so deleting a block finds its key rows):
// per key: one kind byte, varint(length), value.
std::string encodeBlockKeys(const std::vector<BlockBuilder::Key>& keys);
std::vector<BlockBuilder::Key> decodeBlockKeys(std::string_view bytes);

}  // namespace fabric::faz

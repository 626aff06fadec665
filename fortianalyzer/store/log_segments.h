#pragma once
// Segment files: where block bytes live since schema version 3. The real FortiAnalyzer keeps logs
// in flat log files plus indexes; so does this store: each block's bytes (log_block.h) are
// appended with write() to a segment file DB.segments/NNNNNNNN.seg, and SQLite commits only the
// block's row (segment, offset, length, time range, keys). Before, the bytes went into the SQLite
// row, i.e. into the WAL and then, by the checkpoint, into the database file: written twice.
//
// Durability: a block's write() has returned before the transaction holding its row commits, so a
// kill -9 after the commit loses nothing (the bytes are in the page cache, the kernel writes them
// back). Bytes written by a transaction that did not commit are cut off at the next open (tail
// truncation), and every open starts a new segment number, so a row never points at bytes written
// after it. Power loss: the checkpoint thread fdatasyncs the segment files before each checkpoint;
// after an unclean stop the blocks in segments not known to be synced are decoded once and a block
// whose bytes did not survive is dropped (its logs were among the last commits, which
// synchronous=NORMAL may lose anyway). See docs/fortianalyzer-store.md.
//
// Segment numbers are never reused (meta next_segment), so a reader's cached descriptor never
// refers to a different file than the one a row names.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

// A segment is closed (the next block starts a new one) once it holds this many bytes.
inline constexpr std::int64_t kSegmentMaxBytes = std::int64_t{64} << 20;
// A block row claiming more than this is damaged (a block is at most ~kBlockMaxBytes plus one log).
inline constexpr std::int64_t kSegmentBlockMaxBytes = std::int64_t{64} << 20;

// DB path + ".segments"; the path of one segment file in it.
std::string segmentDir(const std::string& dbPath);
std::string segmentDir(SqliteDb& db);  // from the connection's main database file
std::string segmentPath(const std::string& dir, std::int64_t seg);

struct SegmentRef {
  std::int64_t seg = 0;
  std::int64_t off = 0;
  std::int64_t len = 0;
};

// Appends block bytes to the current segment (writer thread only). Files are created on the first
// append. Throws SqliteError (the store's failure type: the batch is retried) when a write fails.
class SegmentWriter {
 public:
  SegmentWriter(std::string dir, std::int64_t firstSeg);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  SegmentRef append(std::string_view bytes);
  // Where the next append would go (for rollBack()).
  SegmentRef position() const { return {seg_, size_, 0}; }
  // Drops what was appended since `pos` (a transaction that failed): best effort.
  void rollBack(SegmentRef pos);
  // The segment being written (never deleted by retention).
  std::int64_t current() const { return seg_; }
  // fdatasync of every segment from the last sync through the current one (any thread). Afterwards
  // syncedBelow() is the first segment that may hold unsynced bytes.
  void sync();
  std::int64_t syncedBelow() const { return syncedBelow_.load(); }
  const std::string& dir() const { return dir_; }

 private:
  void openCurrent();

  std::string dir_;
  std::atomic<std::int64_t> seg_;
  std::int64_t size_ = 0;
  int fd_ = -1;
  std::atomic<std::int64_t> syncedBelow_;
  std::mutex syncMutex_;          // sync() runs on the checkpoint and the writer thread
  std::int64_t dirSynced_ = 0;  // under syncMutex_
};

// Reads block bytes from segment files, keeping a few descriptors open (any thread, one reader per
// thread).
class SegmentReader {
 public:
  explicit SegmentReader(std::string dir) : dir_(std::move(dir)) {}
  ~SegmentReader();
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  // false when the file is missing or shorter than the range, or the range is absurd (damage).
  bool read(const SegmentRef& ref, std::string& out);
  // read() plus decodeSegmentFrame(): the block bytes.
  bool readBlock(const SegmentRef& ref, std::string& out);

 private:
  std::string dir_;
  std::string frame_;
  std::map<std::int64_t, int> fds_;
};

// How block bytes are framed in a segment: one codec byte (kCodecRaw, kCodecLz4), the block's
// length (4 bytes, little-endian), then the block bytes, raw or as one LZ4 block. LZ4 because at
// ~1.5 GB/s it costs less CPU than the kernel spends copying the uncompressed bytes into the page
// cache (BENCHMARKS.md). A block that does not shrink is stored raw.
inline constexpr std::uint8_t kCodecRaw = 0;
inline constexpr std::uint8_t kCodecLz4 = 1;
void encodeSegmentFrame(std::string_view block, std::string& out);
// false when the frame is damaged (unknown codec, lengths that disagree, LZ4 data that does not
// decode to exactly the stated length); never reads or writes out of bounds.
bool decodeSegmentFrame(std::string_view frame, std::string& out);

// The bytes of the block in the current row of `st`, whose columns from `col` on are
// data, seg, seg_off, seg_len: inline bytes when seg is NULL (schema 2 blocks, blocks rewritten by
// retention), else read from the segment. false when the segment bytes cannot be read.
bool readBlockColumns(Statement& st, int col, SegmentReader& reader, std::string& out);
// The columns readBlockColumns() expects, for SELECTs.
inline constexpr std::string_view kBlockDataColumns = "data, seg, seg_off, seg_len";

// At open, on the writer connection (inside no transaction): deletes segment files no block
// refers to (retention dropped their blocks, or nothing that wrote them committed), cuts each
// segment after the end of its last referenced block (bytes of transactions that never committed),
// and when `validate` (an unclean stop) decodes the blocks of segments >= meta segments_synced_below
// and drops those whose bytes did not survive (returned count). Returns the segment number the
// writer starts with (never used before; recorded in meta next_segment).
struct SegmentRecovery {
  std::int64_t first_segment = 1;
  std::int64_t blocks_dropped = 0;
};
SegmentRecovery recoverSegments(SqliteDb& db, bool validate);

// After retention removed blocks (committed): gives their bytes back to the file system (punched
// holes) and deletes segment files no block refers to any more, except `active`.
void releaseSegmentRanges(SqliteDb& db, const std::vector<SegmentRef>& ranges, std::int64_t active);

}  // namespace fabric::faz

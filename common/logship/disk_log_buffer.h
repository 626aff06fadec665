#pragma once
// The on-disk log buffer between a node (a FortiClient endpoint, the EMS) and its FortiAnalyzer
// (DESIGN.md step 1: "buffering them on disk while it is unreachable").
//
// Layout of DIR: `segment-<n>.log`, an append-only file of records [4-byte big-endian length]
// [4-byte big-endian CRC-32 of the payload][payload = one log line], and `committed`, replaced
// atomically, naming the segment and the offset up to which lines were handed to the analyzer.
//
// Guarantees:
//  - append() returns only after the batch is fsync'ed: an accepted line survives kill -9.
//  - The two-phase append (stage() on the owner's thread, writeStaged() on a writer thread — see
//    LogBufferWriter — then finishStaged() on the owner's thread) keeps that promise without the
//    owner waiting for the disk: a staged line counts against the limit at once, but it is not
//    accepted (not in pendingLines(), not handed out by peek()) until finishStaged() reports its
//    batch written and fsync'ed.
//  - A kill -9 in the middle of an append leaves at most a torn tail, which reopening detects
//    (length or CRC mismatch) and cuts off; records before it are intact.
//  - Lines are handed out in append order, each exactly once per successful commit.
//  - Bounded: when the uncommitted bytes would exceed the limit, append() refuses the whole batch
//    with a clear reason (the newest lines are refused; nothing already accepted is ever dropped).
//  - When everything is committed and the segment is large, a new segment starts and the old one
//    is deleted, so disk use follows the backlog.
// Not thread-safe: one owner (the sending node's event loop).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/logship/log_sink.h"

namespace fabric::logship {

// Lines encoded by DiskLogBuffer::stage(), waiting to be written and fsync'ed.
struct StagedAppend {
  std::string records;          // the encoded records (moved out by the writer; `bytes` keeps the size)
  std::uint64_t bytes = 0;
  std::size_t lines = 0;
  std::uint64_t segment = 0;    // the segment the records go to
  std::uint64_t offset = 0;     // where they go when nothing staged before them fails
};

// fsync(2) by default; a test seam (which thread syncs, how many syncs a burst costs).
using SyncFn = int (*)(int fd);

struct LogBatch {
  std::vector<std::string> lines;
  std::uint64_t end_offset = 0;  // pass to commit() once the lines are delivered
};

class DiskLogBuffer final : public LogSink {
 public:
  static constexpr std::uint64_t kDefaultMaxPendingBytes = 64ull << 20;
  static constexpr std::uint64_t kMaxLineBytes = 64 * 1024;

  // Opens (creating DIR if needed) and recovers the buffer. Throws std::runtime_error when DIR or
  // its files cannot be used.
  DiskLogBuffer(std::filesystem::path dir, std::uint64_t max_pending_bytes = kDefaultMaxPendingBytes,
                std::uint64_t rotate_bytes = 1ull << 20);

  // Synchronous append (stage, write, fsync, finish). Refused while staged lines are unfinished.
  std::string append(const std::vector<std::string>& lines) override;

  // Phase 1 (owner's thread): checks and encodes the lines and reserves their bytes against the
  // limit. "" and `out` filled, or why the whole batch is refused (counted in refusedLines()).
  std::string stage(const std::vector<std::string>& lines, StagedAppend& out);
  // Phase 2 (any one thread at a time, in stage order): writes records at `offset` of `segment` in
  // DIR and fsyncs; on failure cuts the file back to `offset`. "" or the reason.
  static std::string writeStaged(const std::filesystem::path& dir, std::uint64_t segment, std::uint64_t offset,
                                 const std::string& records, SyncFn sync = nullptr);
  // Phase 3 (owner's thread, in stage order): the batch was written at the current end (error
  // empty: its lines are accepted) or not (error: refused, the reservation released).
  void finishStaged(const StagedAppend& staged, const std::string& write_error);
  // Bytes staged and not finished yet.
  std::uint64_t stagedBytes() const { return staged_bytes_; }

  // Up to max_lines / about max_bytes of the oldest uncommitted lines (empty when none).
  LogBatch peek(std::size_t max_lines, std::size_t max_bytes) const;
  // Marks everything before end_offset as delivered. "" on success, else the reason.
  std::string commit(std::uint64_t end_offset);

  std::uint64_t pendingLines() const { return pending_lines_; }
  std::uint64_t pendingBytes() const { return end_ - committed_; }
  std::uint64_t refusedLines() const { return refused_lines_; }
  // Bytes cut off as a torn tail when the buffer was opened (0 after a clean shutdown).
  std::uint64_t recoveredTornBytes() const { return torn_bytes_; }
  std::uint64_t segment() const { return segment_; }

 private:
  static std::filesystem::path segmentPath(const std::filesystem::path& dir, std::uint64_t n);
  std::filesystem::path segmentPath(std::uint64_t n) const { return segmentPath(dir_, n); }
  void recover();
  std::string writeCommitted(std::uint64_t segment, std::uint64_t offset);

  std::filesystem::path dir_;
  std::uint64_t max_pending_;
  std::uint64_t rotate_bytes_;
  std::uint64_t segment_ = 0;
  std::uint64_t committed_ = 0;
  std::uint64_t end_ = 0;
  std::uint64_t pending_lines_ = 0;
  std::uint64_t refused_lines_ = 0;
  std::uint64_t torn_bytes_ = 0;
  std::uint64_t staged_bytes_ = 0;
};

std::uint32_t crc32(const void* data, std::size_t size);

}  // namespace fabric::logship

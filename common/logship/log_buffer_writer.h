#pragma once
// A DiskLogBuffer's writes and fsyncs off the owner's event loop, grouped: batches staged on the
// loop (DiskLogBuffer::stage) are handed to submit(); one writer thread takes every batch queued
// so far, writes them as one run and fsyncs once (group commit), then reports each batch to
// `done`, in submit order. While one fsync runs, the batches of the next loop turns queue up and
// share the next one, so a steady trickle of lone lines costs one fsync per disk round trip, not
// one per line, and the loop never waits for the disk.
//
// The durability promise is the buffer's: the owner calls DiskLogBuffer::finishStaged() with what
// `done` reports, and only then are the lines accepted (counted, handed out, sent). A kill -9
// before that loses only lines that were never accepted.
//
// Threading: submit() from the owner's thread; `done` runs on the writer thread (post it to the
// loop). stop() (also from the destructor) writes what was submitted, reports it, and joins.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/logship/disk_log_buffer.h"

namespace fabric::logship {

class LogBufferWriter {
 public:
  struct Result {
    StagedAppend staged;  // records emptied; bytes, lines, segment kept
    std::string error;    // "" = written and fsync'ed
  };
  // Called on the writer thread with one group's results, in submit order.
  using Done = std::function<void(std::vector<Result> results)>;

  // `dir` is the buffer's directory. `sync` replaces fsync(2) (tests).
  LogBufferWriter(std::filesystem::path dir, Done done, SyncFn sync = nullptr);
  ~LogBufferWriter();
  LogBufferWriter(const LogBufferWriter&) = delete;
  LogBufferWriter& operator=(const LogBufferWriter&) = delete;

  void submit(StagedAppend staged);
  void stop();

  std::uint64_t syncs() const;  // runs written, each with one fsync

 private:
  void run();
  std::string writeGroup(std::vector<Result>& group);

  const std::filesystem::path dir_;
  const Done done_;
  const SyncFn sync_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<StagedAppend> queue_;
  bool stopping_ = false;
  std::uint64_t syncs_ = 0;
  // Writer thread only: where the next record goes (the buffer's end as the writer knows it).
  bool positioned_ = false;
  std::uint64_t segment_ = 0;
  std::uint64_t file_end_ = 0;
  std::thread thread_;
};

}  // namespace fabric::logship

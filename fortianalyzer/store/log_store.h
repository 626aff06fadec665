#pragma once
// LogStore: the FortiAnalyzer's durable log store (SQLite, WAL, synchronous=NORMAL).
//
// Threading: append()/tryAppend() may be called from any thread. They assign the log's id at once
// (ids are strictly increasing in append order and never reused, even across a crash) and queue
// it. One writer thread drains the queue in batches (up to max_batch logs, or whatever arrived
// within max_batch_delay) and commits each batch in one transaction. Device and retention work
// also runs on the writer thread, between batches, so there is exactly one writing connection.
//
// Durability contract: a log is *accepted* once the batch holding it is committed, i.e. once
// committedId() >= its id. Senders must keep a log until then: use waitCommitted(), or the commit
// listener, to send acknowledgements (logs-ack). A kill -9 loses only logs appended but not yet
// committed — exactly the ones no one was told were accepted. A power loss can additionally lose
// the last commits since the previous WAL checkpoint (synchronous=NORMAL); see
// docs/fortianalyzer-store.md.
//
// Backpressure: the queue is bounded by max_queued_logs and max_queued_bytes. tryAppend() returns
// nullopt when full (the caller stops reading its socket); append() blocks until there is room.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "fortianalyzer/store/batch_writer.h"
#include "fortianalyzer/store/device_registry.h"
#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/retention.h"

namespace fabric::faz {

struct LogStoreOptions {
  std::string path;                                 // the database file
  size_t max_batch = 65536;                         // logs per transaction, at most
  std::chrono::milliseconds max_batch_delay{20};    // a log waits at most this long for a batch
  // Backpressure thresholds: one max_batch being written plus this much queued behind it (two
  // batches in flight is all a steady writer needs; 200,000 / 256 MiB only added peak RSS).
  size_t max_queued_logs = 100000;
  size_t max_queued_bytes = size_t{96} << 20;
  RetentionPolicy retention;                        // applied every retention.interval
  // WAL checkpoints (copying committed pages from the WAL into the database file, with its
  // fsyncs) run on their own thread and connection, so the writer thread only appends to the WAL.
  // A checkpoint starts once the WAL holds checkpoint_frames pages; if the WAL still reaches
  // wal_cap_frames (the writer outran the checkpointer), the writer checkpoints itself, blocking,
  // which restarts the WAL. false: SQLite's own autocheckpoint on the writer thread.
  bool checkpoint_thread = true;
  int checkpoint_frames = 500;   // 64 KiB pages: ~32 MB
  int wal_cap_frames = 1536;     // ~96 MB
};

struct LogStoreStats {
  LogId last_assigned_id = 0;
  LogId committed_id = 0;
  size_t queued_logs = 0;
  size_t queued_bytes = 0;
  int64_t batches_committed = 0;
  int64_t logs_committed = 0;       // by this process since open
  int64_t write_failures = 0;       // batches that failed and were retried
  int64_t writer_cpu_ns = 0;        // CPU time of the writer thread so far (benchmarks)
  int64_t checkpoint_cpu_ns = 0;    // CPU time of the checkpoint thread so far
  int64_t checkpoints = 0;          // checkpoints run by the checkpoint thread
  int64_t writer_checkpoints = 0;   // checkpoints the writer had to run (WAL at its cap)
  std::string last_error;           // last write failure, "" when none
  bool recovered_from_crash = false;  // the previous run did not close the store cleanly
  int64_t blocks_dropped_at_open = 0;  // blocks whose segment bytes did not survive (power loss)
};

class LogStore {
 public:
  using CommitListener = std::function<void(LogId committed_through)>;

  // Opens or creates the store; throws SqliteError with a specific message when the file cannot be
  // used (not a log database, unsupported schema version, cannot create).
  LogStore(LogStoreOptions options, const Clock& clock);
  // close()s.
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // Queues a log and returns its id; blocks while the queue is full. Throws std::logic_error after
  // close().
  LogId append(LogToStore log);
  // Same, but returns nullopt instead of blocking when the queue is full (or the store is closed).
  std::optional<LogId> tryAppend(LogToStore log);
  // Appends every log of `logs` (ids first, first+1, … in row order) and returns the first id;
  // blocks while the queue is full when `block`, else returns nullopt (nothing taken, `logs` left
  // intact). nullopt also when closed or `logs` is empty. Rows must carry their fields blob already
  // (LogBatch::add() encodes it; an empty blob means "scan the raw line", see raw_fields.h).
  std::optional<LogId> appendBatch(LogBatch& logs, bool block);
  // An empty LogBatch that keeps the capacity of a committed one (fresh multi-megabyte buffers
  // cost page faults on every chunk), or a new one when none is spare.
  LogBatch takeSpareBatch();

  LogId lastAssignedId() const;
  // Every log with id <= committedId() is committed.
  LogId committedId() const;
  // Waits until `id` is committed; false on timeout.
  bool waitCommitted(LogId id, std::chrono::milliseconds timeout);
  // Asks the writer to commit everything appended so far now, and waits; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  // Called on the writer thread after every commit, with committedId(). Keep it short (post to
  // the event loop). Set it before the first append. From the listener, only tryAppend(),
  // committedId(), lastAssignedId() and stats() may be called; the waiting calls throw
  // std::logic_error there instead of deadlocking.
  void setCommitListener(CommitListener listener);

  // Applies the retention policy until complete (on the writer thread) and reports.
  RetentionReport runRetentionNow();
  // Replaces the retention policy (a configuration change); the writer applies it at its next
  // pass, without waiting for the interval. Does not wait. Thread-safe.
  void setRetention(const RetentionPolicy& policy);

  // Devices (run on the writer thread; see device_registry.h).
  std::string registerDevice(const DeviceRecord& device);
  bool unregisterDevice(const std::string& devid);
  std::vector<DeviceRecord> listDevices();

  LogStoreStats stats() const;
  // true on the writer thread (inside the commit listener).
  bool onWriterThread() const { return std::this_thread::get_id() == writerId_; }
  const std::string& path() const { return options_.path; }

  // Commits everything queued, stops the writer, marks the database cleanly closed. Idempotent.
  void close();

 private:
  std::optional<LogId> enqueue(LogToStore&& log, bool block);
  bool queueFull(size_t addBytes) const;
  void writerLoop();
  void refuseOnWriterThread(const char* what) const;
  bool takeBatch(std::vector<PendingChunk>& batch, std::vector<std::function<void()>>& tasks);
  void commitBatch(std::vector<PendingChunk>& batch);
  void maybeRunRetention();
  void checkpointLoop();
  static int walHook(void* self, sqlite3* db, const char* name, int frames);
  template <typename Fn>
  auto runOnWriter(Fn fn) -> decltype(fn());

  LogStoreOptions options_;
  const Clock& clock_;
  std::unique_ptr<SqliteDb> db_;  // writer connection, used only on the writer thread
  std::unique_ptr<BatchWriter> batchWriter_;

  mutable std::mutex mutex_;
  std::condition_variable workReady_;   // writer waits: logs, tasks, flush, stop
  std::condition_variable spaceFree_;   // appenders wait: queue has room
  std::condition_variable committed_;   // waitCommitted waits
  std::deque<PendingChunk> queue_;  // the back chunk also collects single append()s
  size_t queuedLogs_ = 0;
  size_t queuedBytes_ = 0;
  std::deque<std::function<void()>> tasks_;
  std::vector<LogBatch> spare_;  // committed chunks' buffers, for takeSpareBatch()
  LogId nextId_ = 1;
  LogId committedId_ = 0;
  LogId flushThrough_ = 0;
  bool stopping_ = false;
  bool closed_ = false;
  LogStoreStats counters_;
  CommitListener listener_;
  std::chrono::steady_clock::time_point lastRetention_;  // writer thread only
  bool retentionPending_ = false;                         // writer thread only
  bool writeFailedAtStop_ = false;                        // writer thread only
  std::thread writer_;
  std::thread::id writerId_;
  std::unique_ptr<SqliteDb> checkpointDb_;  // the checkpoint thread's connection
  std::thread checkpointer_;
  std::condition_variable checkpointWanted_;
  int walFrames_ = 0;         // pages in the WAL after the last commit (guarded by mutex_)
  bool checkpointDue_ = false;  // set once in the constructor; writer_ itself changes on join
};

}  // namespace fabric::faz

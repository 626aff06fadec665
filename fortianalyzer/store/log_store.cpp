#include "fortianalyzer/store/log_store.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <stdexcept>
#include <utility>

#include "fortianalyzer/store/log_segments.h"
#include "fortianalyzer/store/store_schema.h"

namespace fabric::faz {
namespace {

constexpr size_t kCoalesceRows = 1024;  // single append()s share a chunk up to this many rows

std::string readMeta(SqliteDb& db, std::string_view key) {
  auto st = db.prepare("SELECT value FROM meta WHERE key=?1");
  st.bindText(1, key);
  return st.step() ? std::string(st.columnText(0)) : std::string();
}

void writeMeta(SqliteDb& db, std::string_view key, std::string_view value) {
  auto st = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  st.bindText(1, key);
  st.bindText(2, value);
  st.step();
}

int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool hasLimits(const RetentionPolicy& p) {
  return p.max_age.count() > 0 || p.max_rows > 0 || p.max_db_bytes > 0;
}

}  // namespace

LogStore::LogStore(LogStoreOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  db_ = std::make_unique<SqliteDb>(options_.path, false, true);
  prepareWriterDatabase(*db_);

  // Ids are never reused: start after both the largest stored id and the high-water mark of the
  // last committed batch. After an unclean stop, ids handed out but never committed (at most a
  // full queue plus one batch) may have been cited (e.g. in an IoC notification), so skip them.
  LogId maxId = db_->queryInt("SELECT coalesce(max(last_id), 0) FROM blocks");
  std::string nextText = readMeta(*db_, "next_id");
  LogId metaNext = 1;
  if (!nextText.empty()) {
    auto [end, ec] = std::from_chars(nextText.data(), nextText.data() + nextText.size(), metaNext);
    if (ec != std::errc() || end != nextText.data() + nextText.size() || metaNext < 1) {
      throw SqliteError("log database meta next_id is corrupt: '" + nextText + "'");
    }
  }
  LogId next = std::max<LogId>(maxId + 1, metaNext);
  bool used = !nextText.empty() || maxId > 0;
  if (used && readMeta(*db_, "clean_close") != "1") {
    next += static_cast<LogId>(options_.max_queued_logs + options_.max_batch);
    counters_.recovered_from_crash = true;
  }
  writeMeta(*db_, "clean_close", "0");
  writeMeta(*db_, "next_id", std::to_string(next));
  nextId_ = next;
  committedId_ = next - 1;
  // Segment files: cut what uncommitted transactions wrote, and after an unclean stop drop blocks
  // whose bytes did not survive (only possible after a power loss, see log_segments.h).
  SegmentRecovery segments = recoverSegments(*db_, counters_.recovered_from_crash);
  counters_.blocks_dropped_at_open = segments.blocks_dropped;
  batchWriter_ = std::make_unique<BatchWriter>(*db_, segments.first_segment);
  if (options_.checkpoint_thread) {
    checkpointDb_ = std::make_unique<SqliteDb>(options_.path, false, false);
    // Reading the schema makes this connection see the WAL; before that a checkpoint is a no-op.
    checkpointDb_->queryInt("SELECT count(*) FROM sqlite_master");
    sqlite3_wal_hook(db_->handle(), &LogStore::walHook, this);  // replaces the autocheckpoint
    checkpointer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "faz-checkpoint");  // per-thread CPU in top/perf/benchmarks
      checkpointLoop();
    });
  }
  lastRetention_ = clock_.monotonic();
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "faz-store");
    writerLoop();
  });
  writerId_ = writer_.get_id();
}

LogStore::~LogStore() { close(); }

LogId LogStore::append(LogToStore log) {
  auto id = enqueue(std::move(log), true);
  if (!id) throw std::logic_error("log store is closed");
  return *id;
}

std::optional<LogId> LogStore::tryAppend(LogToStore log) { return enqueue(std::move(log), false); }

bool LogStore::queueFull(size_t addBytes) const {
  return queuedLogs_ > 0 && (queuedLogs_ >= options_.max_queued_logs ||
                             queuedBytes_ + addBytes > options_.max_queued_bytes);
}

std::optional<LogId> LogStore::enqueue(LogToStore&& log, bool block) {
  // Encode outside the lock (the fields blob is the expensive part).
  LogBatch one;
  one.add(log);
  size_t bytes = one.bytes();

  std::unique_lock lk(mutex_);
  if (block) refuseOnWriterThread("append");
  if (!stopping_ && queueFull(bytes)) {
    if (!block) return std::nullopt;
    spaceFree_.wait(lk, [&] { return stopping_ || !queueFull(bytes); });
  }
  if (stopping_) return std::nullopt;
  LogId id = nextId_++;
  if (!queue_.empty() && queue_.back().logs.size() < std::min(kCoalesceRows, options_.max_batch)) {
    // The back chunk is still in the queue (the writer takes chunks under this lock), so its ids
    // are consecutive with the new one. Never beyond max_batch: the writer takes whole chunks, so
    // a larger coalesced chunk would make a batch (and the logs held besides the queue) exceed it.
    LogBatch& tail = queue_.back().logs;
    size_t before = tail.bytes();
    const LogBatch::Row& r = one.rows().front();
    tail.addRow(r.time_ns, r.received_ns, r.registered);
    for (int c = 0; c < LogBatch::kColCount; ++c) {
      auto col = static_cast<LogBatch::Col>(c);
      tail.set(col, one.text(r, col));
    }
    queuedBytes_ += tail.bytes() - before;
  } else {
    queue_.push_back(PendingChunk{id, std::move(one)});
    queuedBytes_ += bytes;
  }
  ++queuedLogs_;
  if (queuedLogs_ == 1 || queuedLogs_ == options_.max_batch) workReady_.notify_one();
  return id;
}

std::optional<LogId> LogStore::appendBatch(LogBatch& logs, bool block) {
  if (logs.empty()) return std::nullopt;
  size_t bytes = logs.bytes();
  std::unique_lock lk(mutex_);
  if (block) refuseOnWriterThread("appendBatch");
  if (!stopping_ && queueFull(bytes)) {
    if (!block) return std::nullopt;
    spaceFree_.wait(lk, [&] { return stopping_ || !queueFull(bytes); });
  }
  if (stopping_) return std::nullopt;
  LogId first = nextId_;
  nextId_ += static_cast<LogId>(logs.size());
  size_t wasQueued = queuedLogs_;
  queuedLogs_ += logs.size();
  queuedBytes_ += bytes;
  queue_.push_back(PendingChunk{first, std::move(logs)});
  logs.clear();
  if (wasQueued == 0 || (wasQueued < options_.max_batch && queuedLogs_ >= options_.max_batch)) {
    workReady_.notify_one();
  }
  return first;
}

LogBatch LogStore::takeSpareBatch() {
  std::lock_guard lk(mutex_);
  if (spare_.empty()) return LogBatch();
  LogBatch b = std::move(spare_.back());
  spare_.pop_back();
  return b;
}

LogId LogStore::lastAssignedId() const {
  std::lock_guard lk(mutex_);
  return nextId_ - 1;
}

LogId LogStore::committedId() const {
  std::lock_guard lk(mutex_);
  return committedId_;
}

void LogStore::refuseOnWriterThread(const char* what) const {
  // The writer cannot wait for itself: from the commit listener these calls would deadlock.
  if (std::this_thread::get_id() == writerId_) {
    throw std::logic_error(std::string("LogStore::") + what +
                           " called on the writer thread (from the commit listener)");
  }
}

bool LogStore::waitCommitted(LogId id, std::chrono::milliseconds timeout) {
  refuseOnWriterThread("waitCommitted");
  std::unique_lock lk(mutex_);
  return committed_.wait_for(lk, timeout, [&] { return committedId_ >= id; });
}

bool LogStore::flush(std::chrono::milliseconds timeout) {
  LogId target;
  {
    std::lock_guard lk(mutex_);
    target = nextId_ - 1;
    flushThrough_ = std::max(flushThrough_, target);
  }
  workReady_.notify_one();
  return waitCommitted(target, timeout);
}

void LogStore::setCommitListener(CommitListener listener) {
  std::lock_guard lk(mutex_);
  listener_ = std::move(listener);
}

template <typename Fn>
auto LogStore::runOnWriter(Fn fn) -> decltype(fn()) {
  using Result = decltype(fn());
  refuseOnWriterThread("device/retention call");
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(fn));
  auto future = task->get_future();
  {
    std::lock_guard lk(mutex_);
    if (stopping_) throw std::logic_error("log store is closed");
    tasks_.emplace_back([task] { (*task)(); });
  }
  workReady_.notify_one();
  return future.get();
}

RetentionReport LogStore::runRetentionNow() {
  return runOnWriter([this] {
    RetentionReport total;
    int64_t now = clock_.now().time_since_epoch() / std::chrono::nanoseconds(1);
    for (;;) {
      RetentionReport r = applyRetention(*db_, options_.retention, now, 200000,
                                         batchWriter_->segments().current());
      total.deleted_by_age += r.deleted_by_age;
      total.deleted_by_rows += r.deleted_by_rows;
      total.deleted_by_size += r.deleted_by_size;
      total.rows_after = r.rows_after;
      total.db_bytes_after = r.db_bytes_after;
      if (r.complete) break;
    }
    lastRetention_ = clock_.monotonic();
    return total;
  });
}

void LogStore::setRetention(const RetentionPolicy& policy) {
  {
    std::lock_guard lk(mutex_);
    if (stopping_) return;
    tasks_.emplace_back([this, policy] {
      options_.retention = policy;  // read only on the writer thread
      retentionPending_ = hasLimits(policy);  // apply at once, not after the interval
    });
  }
  workReady_.notify_one();
}

std::string LogStore::registerDevice(const DeviceRecord& device) {
  return runOnWriter([&] { return faz::registerDevice(*db_, device); });
}

bool LogStore::unregisterDevice(const std::string& devid) {
  return runOnWriter([&] { return faz::unregisterDevice(*db_, devid); });
}

std::vector<DeviceRecord> LogStore::listDevices() {
  return runOnWriter([&] { return faz::listDevices(*db_); });
}

LogStoreStats LogStore::stats() const {
  std::lock_guard lk(mutex_);
  LogStoreStats s = counters_;
  s.last_assigned_id = nextId_ - 1;
  s.committed_id = committedId_;
  s.queued_logs = queuedLogs_;
  s.queued_bytes = queuedBytes_;
  return s;
}

void LogStore::close() {
  {
    std::lock_guard lk(mutex_);
    if (closed_) return;
    closed_ = true;
    stopping_ = true;
  }
  workReady_.notify_all();
  spaceFree_.notify_all();
  if (writer_.joinable()) writer_.join();
  checkpointWanted_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  checkpointDb_.reset();
  bool lost;
  {
    std::lock_guard lk(mutex_);
    lost = committedId_ < nextId_ - 1;
  }
  try {
    batchWriter_->segments().sync();  // a clean close leaves nothing unsynced
    // Only a store that committed every id it handed out may restart ids without a gap.
    if (!lost) writeMeta(*db_, "clean_close", "1");
  } catch (const std::exception&) {
    // Leaving clean_close=0 is the safe default: the next open skips ids.
  }
  batchWriter_.reset();
  db_.reset();
}

bool LogStore::takeBatch(std::vector<PendingChunk>& batch,
                         std::vector<std::function<void()>>& tasks) {
  std::unique_lock lk(mutex_);
  auto idle = std::chrono::milliseconds(retentionPending_ ? 0 : 1000);
  workReady_.wait_for(lk, idle, [&] { return !queue_.empty() || !tasks_.empty() || stopping_; });
  if (!queue_.empty() && queuedLogs_ < options_.max_batch && !stopping_ && tasks_.empty() &&
      flushThrough_ < queue_.front().first_id) {
    auto deadline = std::chrono::steady_clock::now() + options_.max_batch_delay;
    workReady_.wait_until(lk, deadline, [&] {
      return queuedLogs_ >= options_.max_batch || stopping_ || !tasks_.empty() ||
             flushThrough_ >= queue_.front().first_id;
    });
  }
  // Whole chunks, up to max_batch logs (at least one chunk).
  size_t taken = 0;
  while (!queue_.empty() && (taken == 0 || taken + queue_.front().logs.size() <= options_.max_batch)) {
    PendingChunk& c = queue_.front();
    taken += c.logs.size();
    queuedLogs_ -= c.logs.size();
    queuedBytes_ -= c.logs.bytes();
    batch.push_back(std::move(c));
    queue_.pop_front();
  }
  while (!tasks_.empty()) {
    tasks.push_back(std::move(tasks_.front()));
    tasks_.pop_front();
  }
  if (taken > 0) spaceFree_.notify_all();
  return !(stopping_ && queue_.empty() && tasks_.empty());
}

void LogStore::commitBatch(std::vector<PendingChunk>& batch) {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    try {
      if (writeFailedAtStop_) break;
      batchWriter_->writeBatch(batch);
      LogId last = batch.back().lastId();
      size_t logs = 0;
      for (const auto& c : batch) logs += c.logs.size();
      CommitListener listener;
      {
        std::lock_guard lk(mutex_);
        committedId_ = last;
        counters_.batches_committed += 1;
        counters_.logs_committed += static_cast<int64_t>(logs);
        counters_.writer_cpu_ns = threadCpuNs();
        listener = listener_;
      }
      int frames = 0;
      {
        std::lock_guard lk(mutex_);
        frames = walFrames_;
      }
      if (options_.checkpoint_thread && frames >= options_.wal_cap_frames) {
        // The checkpointer fell behind: copy and restart the WAL here, so it stops growing.
        int log = 0, done = 0;
        batchWriter_->segments().sync();
        sqlite3_wal_checkpoint_v2(db_->handle(), "main", SQLITE_CHECKPOINT_RESTART, &log, &done);
        std::lock_guard lk(mutex_);
        counters_.writer_checkpoints += 1;
        counters_.writer_cpu_ns = threadCpuNs();
      }
      committed_.notify_all();
      if (listener) listener(last);
      break;
    } catch (const std::exception& e) {
      std::unique_lock lk(mutex_);
      counters_.write_failures += 1;
      counters_.last_error = e.what();
      if (stopping_) {
        // Give up: these logs were never acknowledged, their senders still hold them. Nothing
        // after them may be committed either, or committedId() would cover the gap.
        writeFailedAtStop_ = true;
        break;
      }
      // Keep the batch (and, through backpressure, the senders' buffers) and retry: a full disk
      // or a busy database is usually temporary.
      workReady_.wait_for(lk, backoff, [&] { return stopping_; });
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
  // Keep a few buffers for the next appendBatch() callers.
  {
    std::lock_guard lk(mutex_);
    for (auto& c : batch) {
      if (spare_.size() >= 4 || c.logs.bytes() < (size_t{64} << 10)) break;
      c.logs.clear();
      spare_.push_back(std::move(c.logs));
    }
  }
  batch.clear();
}

void LogStore::maybeRunRetention() {
  if (!hasLimits(options_.retention)) return;
  auto now = clock_.monotonic();
  if (!retentionPending_ && now - lastRetention_ < options_.retention.interval) return;
  try {
    int64_t wall = clock_.now().time_since_epoch() / std::chrono::nanoseconds(1);
    RetentionReport r = applyRetention(*db_, options_.retention, wall, 200000,
                                       batchWriter_->segments().current());
    retentionPending_ = !r.complete;
  } catch (const std::exception& e) {
    std::lock_guard lk(mutex_);
    counters_.last_error = std::string("retention: ") + e.what();
    retentionPending_ = false;
  }
  if (!retentionPending_) lastRetention_ = now;
}

int LogStore::walHook(void* self, sqlite3*, const char*, int frames) {
  auto* store = static_cast<LogStore*>(self);
  {
    std::lock_guard lk(store->mutex_);
    store->walFrames_ = frames;
    if (frames >= store->options_.checkpoint_frames) store->checkpointDue_ = true;
  }
  if (frames >= store->options_.checkpoint_frames) store->checkpointWanted_.notify_one();
  return SQLITE_OK;
}

void LogStore::checkpointLoop() {
  for (;;) {
    {
      std::unique_lock lk(mutex_);
      checkpointWanted_.wait(lk, [&] { return checkpointDue_ || closed_; });
      if (closed_ && !checkpointDue_) return;
      checkpointDue_ = false;
    }
    // PASSIVE: copies what no reader still needs, never blocks the writer or readers. The WAL
    // restarts from its beginning at the writer's next transaction once everything is copied.
    // Segment bytes first: the checkpoint makes block rows durable, their bytes must be too.
    batchWriter_->segments().sync();
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(checkpointDb_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                       &log, &done);
    std::lock_guard lk(mutex_);
    counters_.checkpoints += 1;
    counters_.checkpoint_cpu_ns = threadCpuNs();
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      counters_.last_error = std::string("checkpoint: ") + sqlite3_errstr(rc);
    }
    if (closed_) return;
  }
}

void LogStore::writerLoop() {
  std::vector<PendingChunk> batch;
  std::vector<std::function<void()>> tasks;
  bool more = true;
  while (more) {
    more = takeBatch(batch, tasks);
    for (auto& task : tasks) task();
    tasks.clear();
    if (!batch.empty()) commitBatch(batch);
    maybeRunRetention();
  }
}

}  // namespace fabric::faz

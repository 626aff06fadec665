#include "common/logship/log_buffer_writer.h"

namespace fabric::logship {

LogBufferWriter::LogBufferWriter(std::filesystem::path dir, Done done, SyncFn sync)
    : dir_(std::move(dir)), done_(std::move(done)), sync_(sync), thread_([this] { run(); }) {}

LogBufferWriter::~LogBufferWriter() { stop(); }

void LogBufferWriter::submit(StagedAppend staged) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(staged));
  }
  cv_.notify_one();
}

void LogBufferWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t LogBufferWriter::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

void LogBufferWriter::run() {
  for (;;) {
    std::vector<Result> group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted was written
      for (auto& s : queue_) group.push_back({std::move(s), {}});
      queue_.clear();
    }
    // One run per segment (a rotation between two batches starts a new one), one fsync per run.
    std::size_t begin = 0;
    while (begin < group.size()) {
      std::size_t end = begin + 1;
      while (end < group.size() && group[end].staged.segment == group[begin].staged.segment) ++end;
      std::vector<Result> run(std::make_move_iterator(group.begin() + begin), std::make_move_iterator(group.begin() + end));
      writeGroup(run);
      std::move(run.begin(), run.end(), group.begin() + begin);
      begin = end;
    }
    if (done_) done_(std::move(group));
  }
}

std::string LogBufferWriter::writeGroup(std::vector<Result>& group) {
  const auto segment = group.front().staged.segment;
  // The owner's offsets assume every earlier batch succeeded; after a failure the file was cut
  // back, so within a segment the writer's own end is the truth. A new segment starts where the
  // owner says (it rotates only with nothing staged).
  if (!positioned_ || segment != segment_) {
    segment_ = segment;
    file_end_ = group.front().staged.offset;
    positioned_ = true;
  }
  std::string records;
  for (auto& r : group) {
    records += r.staged.records;
    r.staged.records.clear();
    r.staged.records.shrink_to_fit();
  }
  auto err = DiskLogBuffer::writeStaged(dir_, segment_, file_end_, records, sync_);
  if (err.empty()) file_end_ += records.size();
  {
    std::lock_guard lock(mu_);
    ++syncs_;
  }
  for (auto& r : group) r.error = err;
  return err;
}

}  // namespace fabric::logship

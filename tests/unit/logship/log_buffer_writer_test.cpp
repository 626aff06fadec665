#include "common/logship/log_buffer_writer.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/support/temp_dir.h"

using namespace fabric::logship;
using fabric::test::TempDir;

namespace {
std::string line(int i) { return "date=2026-11-29 logid=\"0100046600\" seq=" + std::to_string(i); }

// The sync seam: records the syncing thread, can hold a sync until released, can fail.
std::mutex g_mu;
std::condition_variable g_cv;
bool g_hold = false;
bool g_in_sync = false;
bool g_fail = false;
std::thread::id g_sync_thread;
int g_file_syncs = 0;

int testSync(int fd) {
  std::unique_lock lock(g_mu);
  g_sync_thread = std::this_thread::get_id();
  struct stat st {};
  const bool is_dir = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
  if (!is_dir) ++g_file_syncs;
  g_in_sync = true;
  g_cv.notify_all();
  g_cv.wait(lock, [] { return !g_hold; });
  g_in_sync = false;
  if (g_fail && !is_dir) {
    errno = EIO;
    return -1;
  }
  return ::fsync(fd);
}

void resetSeam() {
  std::lock_guard lock(g_mu);
  g_hold = g_in_sync = g_fail = false;
  g_file_syncs = 0;
  g_sync_thread = {};
}

// Collects the writer's results and applies them to the buffer on "the loop" (this thread).
struct Results {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<LogBufferWriter::Result> got;
  void add(std::vector<LogBufferWriter::Result> r) {
    std::lock_guard lock(mu);
    for (auto& x : r) got.push_back(std::move(x));
    cv.notify_all();
  }
  std::vector<LogBufferWriter::Result> waitFor(std::size_t n) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return got.size() >= n; });
    return got;
  }
};
}  // namespace

TEST_CASE("a staged line counts against the limit at once but is accepted only when its write finished") {
  TempDir dir("logbuf_stage");
  DiskLogBuffer buf(dir.path() / "buf", 200);
  StagedAppend a;
  REQUIRE(buf.stage({line(1), line(2)}, a).empty());
  CHECK(a.lines == 2);
  CHECK(buf.pendingLines() == 0);
  CHECK(buf.peek(10, 1 << 20).lines.empty());
  CHECK(buf.stagedBytes() == a.bytes);
  // The limit sees the staged bytes: this batch would overflow it.
  StagedAppend b;
  CHECK(buf.stage({line(3), line(4), line(5)}, b).find("log buffer full") != std::string::npos);
  CHECK(buf.refusedLines() == 3);
  // A synchronous append cannot overtake a staged batch.
  CHECK_FALSE(buf.append({line(6)}).empty());
  REQUIRE(DiskLogBuffer::writeStaged(dir.path() / "buf", a.segment, a.offset, a.records).empty());
  buf.finishStaged(a, "");
  CHECK(buf.stagedBytes() == 0);
  CHECK(buf.peek(10, 1 << 20).lines == std::vector<std::string>{line(1), line(2)});
  DiskLogBuffer reopened(dir.path() / "buf", 200);
  CHECK(reopened.pendingLines() == 2);
}

TEST_CASE("the writer fsyncs off the caller's thread and groups the batches queued during a sync") {
  resetSeam();
  TempDir dir("logbuf_writer");
  DiskLogBuffer buf(dir.path() / "buf");
  Results results;
  LogBufferWriter writer(dir.path() / "buf", [&](std::vector<LogBufferWriter::Result> r) { results.add(std::move(r)); },
                         testSync);
  {
    std::lock_guard lock(g_mu);
    g_hold = true;
  }
  StagedAppend first;
  REQUIRE(buf.stage({line(1)}, first).empty());
  writer.submit(std::move(first));
  {
    // submit() returned while the sync is still held: the caller never waits for the disk.
    std::unique_lock lock(g_mu);
    g_cv.wait(lock, [] { return g_in_sync; });
    CHECK(g_sync_thread != std::this_thread::get_id());
  }
  CHECK(buf.pendingLines() == 0);
  for (int i = 2; i <= 4; ++i) {
    StagedAppend s;
    REQUIRE(buf.stage({line(i)}, s).empty());
    writer.submit(std::move(s));
  }
  {
    std::lock_guard lock(g_mu);
    g_hold = false;
  }
  g_cv.notify_all();
  auto got = results.waitFor(4);
  REQUIRE(got.size() == 4);
  for (auto& r : got) {
    CHECK(r.error.empty());
    buf.finishStaged(r.staged, r.error);
  }
  // One sync for the first line, one for the three queued behind it.
  CHECK(writer.syncs() == 2);
  {
    std::lock_guard lock(g_mu);
    CHECK(g_file_syncs == 2);
  }
  CHECK(buf.peek(10, 1 << 20).lines == std::vector<std::string>{line(1), line(2), line(3), line(4)});
  writer.stop();
  DiskLogBuffer reopened(dir.path() / "buf");
  CHECK(reopened.pendingLines() == 4);
  CHECK(reopened.recoveredTornBytes() == 0);
}

TEST_CASE("a failed sync refuses its batches, leaves no bytes behind, and the next batch lands right after") {
  resetSeam();
  TempDir dir("logbuf_writer_fail");
  DiskLogBuffer buf(dir.path() / "buf");
  REQUIRE(buf.append({line(0)}).empty());
  Results results;
  LogBufferWriter writer(dir.path() / "buf", [&](std::vector<LogBufferWriter::Result> r) { results.add(std::move(r)); },
                         testSync);
  {
    std::lock_guard lock(g_mu);
    g_fail = true;
  }
  StagedAppend bad, good;
  REQUIRE(buf.stage({line(1), line(2)}, bad).empty());
  writer.submit(std::move(bad));
  auto got = results.waitFor(1);
  CHECK(got[0].error.find("cannot sync") != std::string::npos);
  {
    std::lock_guard lock(g_mu);
    g_fail = false;
  }
  // Staged before the failure was known: its offset assumed the failed batch.
  REQUIRE(buf.stage({line(3)}, good).empty());
  writer.submit(std::move(good));
  got = results.waitFor(2);
  buf.finishStaged(got[0].staged, got[0].error);
  buf.finishStaged(got[1].staged, got[1].error);
  CHECK(got[1].error.empty());
  CHECK(buf.refusedLines() == 2);
  CHECK(buf.stagedBytes() == 0);
  CHECK(buf.peek(10, 1 << 20).lines == std::vector<std::string>{line(0), line(3)});
  writer.stop();
  DiskLogBuffer reopened(dir.path() / "buf");
  CHECK(reopened.pendingLines() == 2);
  CHECK(reopened.recoveredTornBytes() == 0);
}

#include "common/logship/disk_log_buffer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace fabric::logship;

namespace {
fs::path freshDir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("fct-buf-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}
std::string line(int i) { return "date=\"2026-11-28\" id=96900 seq=" + std::to_string(i); }
}  // namespace

TEST_CASE("lines come out in order, once, and commit moves past them") {
  auto dir = freshDir("order");
  DiskLogBuffer buf(dir);
  REQUIRE(buf.append({line(1), line(2)}).empty());
  REQUIRE(buf.append({line(3)}).empty());
  CHECK(buf.pendingLines() == 3);
  auto b = buf.peek(2, 1 << 20);
  REQUIRE(b.lines == std::vector<std::string>{line(1), line(2)});
  // Not committed: the same lines come again (a reconnect resends them).
  CHECK(buf.peek(2, 1 << 20).lines == b.lines);
  REQUIRE(buf.commit(b.end_offset).empty());
  CHECK(buf.pendingLines() == 1);
  auto c = buf.peek(10, 1 << 20);
  CHECK(c.lines == std::vector<std::string>{line(3)});
  CHECK(buf.commit(c.end_offset - 1).find("not a record boundary") != std::string::npos);
  CHECK(buf.commit(c.end_offset + 100).find("past the end") != std::string::npos);
  REQUIRE(buf.commit(c.end_offset).empty());
  CHECK(buf.peek(10, 1 << 20).lines.empty());
  fs::remove_all(dir);
}

TEST_CASE("uncommitted lines survive reopening; committed ones do not come back") {
  auto dir = freshDir("reopen");
  {
    DiskLogBuffer buf(dir);
    REQUIRE(buf.append({line(1), line(2), line(3)}).empty());
    REQUIRE(buf.commit(buf.peek(1, 1 << 20).end_offset).empty());
  }
  DiskLogBuffer again(dir);
  CHECK(again.pendingLines() == 2);
  CHECK(again.peek(10, 1 << 20).lines == std::vector<std::string>{line(2), line(3)});
  CHECK(again.recoveredTornBytes() == 0);
  fs::remove_all(dir);
}

TEST_CASE("a full buffer refuses new lines with a reason and keeps the old ones") {
  auto dir = freshDir("full");
  DiskLogBuffer buf(dir, 200);
  REQUIRE(buf.append({line(1), line(2), line(3)}).empty());
  auto err = buf.append({line(4), line(5), line(6), line(7)});
  CHECK(err.find("log buffer full") != std::string::npos);
  CHECK(buf.refusedLines() == 4);
  CHECK(buf.pendingLines() == 3);
  CHECK(buf.append({std::string(DiskLogBuffer::kMaxLineBytes + 1, 'x')}).find("exceeds") != std::string::npos);
  // Delivering frees room.
  REQUIRE(buf.commit(buf.peek(10, 1 << 20).end_offset).empty());
  CHECK(buf.append({line(4)}).empty());
  fs::remove_all(dir);
}

TEST_CASE("a fully committed large segment rotates and the old file is removed") {
  auto dir = freshDir("rotate");
  DiskLogBuffer buf(dir, 1 << 20, 100);
  REQUIRE(buf.append({line(1), line(2), line(3)}).empty());
  REQUIRE(buf.commit(buf.peek(10, 1 << 20).end_offset).empty());
  CHECK(buf.segment() == 1);
  CHECK_FALSE(fs::exists(dir / "segment-0.log"));
  REQUIRE(buf.append({line(4)}).empty());
  DiskLogBuffer again(dir, 1 << 20, 100);
  CHECK(again.peek(10, 1 << 20).lines == std::vector<std::string>{line(4)});
  fs::remove_all(dir);
}

TEST_CASE("a torn tail is cut off on reopen and earlier records stay intact") {
  auto dir = freshDir("torn");
  {
    DiskLogBuffer buf(dir);
    REQUIRE(buf.append({line(1), line(2)}).empty());
  }
  {
    std::ofstream out(dir / "segment-0.log", std::ios::binary | std::ios::app);
    out.write("\x00\x00\x01\x00garb", 8);  // a header promising 256 bytes that never came
  }
  DiskLogBuffer buf(dir);
  CHECK(buf.recoveredTornBytes() == 8);
  CHECK(buf.peek(10, 1 << 20).lines == std::vector<std::string>{line(1), line(2)});
  REQUIRE(buf.append({line(3)}).empty());
  CHECK(buf.peek(10, 1 << 20).lines.size() == 3);
  fs::remove_all(dir);
}

TEST_CASE("kill -9 during appends and commits loses nothing acknowledged and tears nothing") {
  auto dir = freshDir("kill");
  int acks[2];
  REQUIRE(::pipe(acks) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(acks[0]);
    DiskLogBuffer buf(dir, 64ull << 20, 4096);
    int seq = 0;
    for (int i = 0;; ++i) {
      // Batches of 1-3 lines of varying size; commit half of what is pending now and then.
      std::vector<std::string> batch;
      for (int k = 0; k <= i % 3; ++k, ++seq) batch.push_back(line(seq) + " " + std::string(seq % 97, 'p'));
      if (!buf.append(batch).empty()) ::_exit(3);
      // Tell the parent the highest acknowledged sequence number.
      int last = seq - 1;
      if (::write(acks[1], &last, sizeof last) != sizeof last) ::_exit(4);
      if (i % 7 == 0) {
        auto b = buf.peek(buf.pendingLines() / 2 + 1, 1 << 20);
        if (!buf.commit(b.end_offset).empty()) ::_exit(5);
      }
    }
  }
  ::close(acks[1]);
  int last_acked = -1, value = 0;
  // Let the child run for a while (a few hundred appends), then kill it mid-flight.
  while (last_acked < 600 && ::read(acks[0], &value, sizeof value) == sizeof value) last_acked = value;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  while (::read(acks[0], &value, sizeof value) == sizeof value) last_acked = value;
  ::close(acks[0]);
  REQUIRE(WIFSIGNALED(status));

  DiskLogBuffer buf(dir);
  auto pending = buf.peek(1000000, 1 << 30).lines;
  REQUIRE_FALSE(pending.empty());
  // What is pending is a contiguous run of whole lines ending at or after the last acknowledged
  // one: everything after the committed point is there, in order, and nothing is torn.
  int expect = -1;
  for (const auto& l : pending) {
    auto pos = l.find("seq=");
    REQUIRE(pos != std::string::npos);
    int seq = std::stoi(l.substr(pos + 4));
    if (expect >= 0) CHECK(seq == expect);
    expect = seq + 1;
    // Each line is whole: the padding after the sequence number matches its batch.
    CHECK(l.size() - l.rfind(' ') - 1 == static_cast<std::size_t>(seq % 97));
  }
  CHECK(expect - 1 >= last_acked);
  fs::remove_all(dir);
}

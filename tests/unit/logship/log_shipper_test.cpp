#include "common/logship/log_shipper.h"

#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;
using namespace fabric::logship;

namespace {

// A byte stream whose socket side the test plays: written bytes stay "pending" until flush().
struct FakeStream final : fabric::net::ByteStream {
  std::string written;   // bytes the socket has taken
  std::string queued;    // bytes accepted by write(), not yet on the socket
  bool open = true;
  fabric::net::PeerInfo info;
  bool write(std::string bytes) override {
    if (!open) return false;
    queued += bytes;
    return true;
  }
  std::size_t pendingBytes() const override { return queued.size(); }
  void flush() {
    written += queued;
    queued.clear();
  }
  void close(const std::string&) override { open = false; }
  bool isOpen() const override { return open; }
  const fabric::net::PeerInfo& peer() const override { return info; }
  void onData(DataHandler) override {}
  void onClose(CloseHandler) override {}
  void pauseReading() override {}
  void resumeReading() override {}
};

// The log lines in an octet-counted byte string, PRI stripped.
std::vector<std::string> frames(const std::string& bytes) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    auto sp = bytes.find(' ', pos);
    std::size_t len = std::stoul(bytes.substr(pos, sp - pos));
    std::string msg = bytes.substr(sp + 1, len);
    out.push_back(msg.substr(msg.find('>') + 1));
    pos = sp + 1 + len;
  }
  return out;
}

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("fct-shipper-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
  }
  ~Dir() { fs::remove_all(path); }
  fs::path path;
};

}  // namespace

// These cases follow the pump-count rule alone; the settle time has its own case below.
constexpr std::chrono::milliseconds kPumpsOnly{0};

TEST_CASE("lines wait on disk without a stream and go out in order once one is attached") {
  Dir dir;
  DiskLogBuffer buffer(dir.path);
  LogShipper shipper(buffer, kPumpsOnly);
  REQUIRE(buffer.append({"a=1", "b=2"}).empty());
  CHECK(shipper.pump().empty());  // nothing attached: nothing moves
  CHECK(buffer.pendingLines() == 2);

  auto stream = std::make_shared<FakeStream>();
  shipper.attach(stream);
  shipper.pump();
  REQUIRE(buffer.append({"c=3"}).empty());
  shipper.pump();  // batch in flight, not yet written: no second batch
  CHECK(frames(stream->queued) == std::vector<std::string>{"a=1", "b=2"});
  stream->flush();
  shipper.pump();  // written: committed only at the next pump if the stream stayed open
  CHECK(buffer.pendingLines() == 3);
  shipper.pump();  // commit, then the next batch
  CHECK(buffer.pendingLines() == 1);
  stream->flush();
  shipper.pump();
  shipper.pump();
  CHECK(buffer.pendingLines() == 0);
  CHECK(shipper.deliveredLines() == 3);
  CHECK(frames(stream->written) == std::vector<std::string>{"a=1", "b=2", "c=3"});
  CHECK(stream->written.rfind("8 <190>a=1", 0) == 0);
}

TEST_CASE("a batch cut by a closing stream is sent again, in order, on the next stream") {
  Dir dir;
  DiskLogBuffer buffer(dir.path);
  LogShipper shipper(buffer, kPumpsOnly);
  REQUIRE(buffer.append({"x=1", "y=2"}).empty());
  auto first = std::make_shared<FakeStream>();
  shipper.attach(first);
  shipper.pump();
  first->flush();
  shipper.pump();        // written...
  first->open = false;   // ...but the peer reset the connection before the next pump
  shipper.pump();
  CHECK_FALSE(shipper.connected());
  CHECK(buffer.pendingLines() == 2);
  REQUIRE(buffer.append({"z=3"}).empty());

  auto second = std::make_shared<FakeStream>();
  shipper.attach(second);
  for (int i = 0; i < 6; ++i) {
    shipper.pump();
    second->flush();
  }
  CHECK(frames(second->written) == std::vector<std::string>{"x=1", "y=2", "z=3"});
  CHECK(buffer.pendingLines() == 0);
}

TEST_CASE("delivered lines stay delivered across a restart; undelivered ones are sent after it") {
  Dir dir;
  {
    DiskLogBuffer buffer(dir.path);
    LogShipper shipper(buffer, kPumpsOnly);
    REQUIRE(buffer.append({"one=1"}).empty());
    auto s = std::make_shared<FakeStream>();
    shipper.attach(s);
    shipper.pump();
    s->flush();
    shipper.pump();
    shipper.pump();
    REQUIRE(buffer.pendingLines() == 0);
    REQUIRE(buffer.append({"two=2"}).empty());
    shipper.pump();  // in flight, never written: the process dies here
  }
  DiskLogBuffer reopened(dir.path);
  LogShipper shipper(reopened, kPumpsOnly);
  auto s = std::make_shared<FakeStream>();
  shipper.attach(s);
  shipper.pump();
  CHECK(frames(s->queued) == std::vector<std::string>{"two=2"});
  auto st = shipper.status();
  CHECK(st["pending_lines"] == 1);
  CHECK(st["connected"] == true);
}

TEST_CASE("warning and error lines get their syslog severity") {
  Dir dir;
  DiskLogBuffer buffer(dir.path);
  LogShipper shipper(buffer, kPumpsOnly);
  REQUIRE(buffer.append({"level=\"info\" a=1", "x=1 level=\"warning\" a=2"}).empty());
  auto s = std::make_shared<FakeStream>();
  shipper.attach(s);
  shipper.pump();
  CHECK(s->queued.find("<190>level=\"info\"") != std::string::npos);
  CHECK(s->queued.find("<188>x=1 level=\"warning\"") != std::string::npos);
}

TEST_CASE("a written batch is committed only once the settle time has passed with the stream open") {
  Dir dir;
  DiskLogBuffer buffer(dir.path);
  LogShipper shipper(buffer, std::chrono::hours(1));
  auto stream = std::make_shared<FakeStream>();
  REQUIRE(buffer.append({"a=1"}).empty());
  shipper.attach(stream);
  shipper.pump();
  stream->flush();
  for (int i = 0; i < 5; ++i) shipper.pump();  // pumps back to back: the peer may not have closed yet
  CHECK(buffer.pendingLines() == 1);
  CHECK(shipper.deliveredLines() == 0);
}

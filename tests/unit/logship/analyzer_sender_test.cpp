// AnalyzerSender over a real loopback TLS stream (common/net StreamServer as the analyzer): lines go
// out in order as RFC 5425 frames, a dropped connection is redialled and nothing is lost, an
// analyzer the sender cannot verify gets nothing, disconnect() keeps the lines on disk.
#include "common/logship/analyzer_sender.h"

#include <catch2/catch.hpp>

#include "common/logfmt/syslog_frame_decoder.h"
#include "tests/unit/net/net_test_support.h"

using namespace fabric;
using namespace fabric::net::test;

namespace {

// The analyzer side: every stream's bytes, decoded into messages; touched only on the loop.
struct Analyzer {
  net::EventLoop& loop;
  std::vector<std::shared_ptr<net::ByteStream>> streams;
  std::vector<std::string> messages;
  net::StreamServer server;
  Analyzer(net::EventLoop& l, const net::TlsConfig& tls)
      : loop(l), server(l, net::StreamServer::Mode::Tls, tls, [this](std::shared_ptr<net::ByteStream> s) {
          streams.push_back(s);
          auto d = std::make_shared<logfmt::SyslogFrameDecoder>(1 << 16);  // one per connection
          s->onData([this, d](std::string_view bytes) {
            d->feed(bytes, [this](std::string_view m) { messages.emplace_back(m); },
                    [](const logfmt::FrameError&) {});
          });
        }) {}
  std::size_t count() { return loop.call([&] { return messages.size(); }); }
};

std::string line(int i) { return "date=2026-11-29 level=\"information\" seq=" + std::to_string(i); }

int seqOf(const std::string& message) { return std::stoi(message.substr(message.find("seq=") + 4)); }

// Every line 0..n-1 arrived, first arrivals in order (a batch cut by a dropped connection may come twice).
bool allInOrder(const std::vector<std::string>& messages, int n) {
  int next = 0;
  for (const auto& m : messages) {
    const int s = seqOf(m);
    if (s == next) ++next;
    else if (s > next) return false;
  }
  return next == n;
}

}  // namespace

TEST_CASE("AnalyzerSender: in order over verified TLS, redials after a drop, loses nothing", "[logship]") {
  TestPki pki;
  TempDir dir;
  net::EventLoop loop;
  Analyzer faz(loop, pki.server);
  REQUIRE(loop.call([&] { return faz.server.listen("127.0.0.1", 0); }) == "");
  const int port = loop.call([&] { return faz.server.port(); });
  logship::DiskLogBuffer buffer(dir.path() / "logbuf");
  logship::SenderOptions options;
  options.tls = pki.client;
  options.backoff_min = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(100);
  logship::AnalyzerSender sender(loop, buffer, options);
  loop.start();
  auto tick = loop.every(std::chrono::milliseconds(10), [&] { sender.tick(); });

  // Lines written before the analyzer is named wait on disk.
  loop.call([&] {
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) lines.push_back(line(i));
    REQUIRE(buffer.append(lines) == "");
    CHECK(sender.state() == "not configured");
    sender.connect("127.0.0.1", port);
  });
  REQUIRE(waitUntil([&] { return loop.call([&] { return buffer.pendingLines() == 0; }); }));
  CHECK(loop.call([&] { return sender.state(); }) == "up");
  auto messages = loop.call([&] { return faz.messages; });
  CHECK(messages.front() == "<190>" + line(0));
  CHECK(allInOrder(messages, 100));

  // The analyzer drops the connection; lines appended meanwhile go out on the next one.
  loop.call([&] {
    for (auto& s : faz.streams) s->close("analyzer restart");
  });
  for (int i = 100; i < 200; ++i) {
    loop.call([&] {
      REQUIRE(buffer.append({line(i)}) == "");
      sender.pump();
    });
  }
  REQUIRE(waitUntil([&] { return loop.call([&] { return buffer.pendingLines() == 0 && faz.streams.size() >= 2; }); }));
  CHECK(allInOrder(loop.call([&] { return faz.messages; }), 200));
  CHECK(loop.call([&] { return sender.bufferStatus()["delivered_lines"].get<int>(); }) >= 200);

  // disconnect(): the stream closes, new lines stay on disk, the state says why.
  loop.call([&] {
    sender.disconnect("blocked: test");
    REQUIRE(buffer.append({line(200)}) == "");
    sender.pump();
  });
  CHECK(loop.call([&] { return sender.state(); }) == "blocked: test");
  CHECK_FALSE(loop.call([&] { return sender.active(); }));
  CHECK(loop.call([&] { return buffer.pendingLines(); }) == 1);
  loop.call([&] { tick.reset(); });
}

TEST_CASE("AnalyzerSender: an analyzer whose certificate does not verify gets nothing", "[logship]") {
  TestPki pki;
  TempDir dir;
  net::EventLoop loop;
  Analyzer faz(loop, pki.server);
  REQUIRE(loop.call([&] { return faz.server.listen("127.0.0.1", 0); }) == "");
  const int port = loop.call([&] { return faz.server.port(); });
  logship::DiskLogBuffer buffer(dir.path() / "logbuf");
  logship::SenderOptions options;
  options.tls = net::TlsConfig{pki.foreign_ca_path, pki.client.cert, pki.client.key, true, ""};  // trusts another CA
  options.backoff_min = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(100);
  logship::AnalyzerSender sender(loop, buffer, options);
  loop.start();
  loop.call([&] {
    REQUIRE(buffer.append({line(0), line(1)}) == "");
    sender.connect("127.0.0.1", port);
  });
  REQUIRE(waitUntil([&] { return loop.call([&] { return sender.state().rfind("down: ", 0) == 0; }); }));
  INFO(loop.call([&] { return sender.state(); }));
  CHECK(faz.count() == 0);
  CHECK(loop.call([&] { return buffer.pendingLines(); }) == 2);
  loop.call([&] { sender.disconnect("stopped"); });
}

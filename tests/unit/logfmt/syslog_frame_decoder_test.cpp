#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/logfmt/syslog_frame_decoder.h"

using namespace fabric::logfmt;

namespace {

struct Collected {
  std::vector<std::string> messages;
  std::vector<FrameError> errors;
  bool ok = true;
};

// Feeds `stream` in chunks of `chunk` bytes (0 = all at once) and finishes.
Collected decode(std::string_view stream, std::size_t chunk, std::size_t max = 65536,
                 Framing framing = Framing::kAuto, bool finish = true) {
  SyslogFrameDecoder d(max, framing);
  Collected c;
  auto onMsg = [&](std::string_view m) { c.messages.emplace_back(m); };
  auto onErr = [&](const FrameError& e) { c.errors.push_back(e); };
  if (chunk == 0) chunk = stream.size() ? stream.size() : 1;
  for (std::size_t i = 0; i < stream.size(); i += chunk) {
    c.ok = d.feed(stream.substr(i, chunk), onMsg, onErr) && c.ok;
  }
  if (finish) c.ok = d.finish(onMsg, onErr) && c.ok;
  CHECK(d.messages() == c.messages.size());
  CHECK(d.errors() == c.errors.size());
  return c;
}

// Splits `stream` at every pair of points (i, j) into three chunks: every chunking of interest.
void checkEverySplit(std::string_view stream, const std::vector<std::string>& expected) {
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (std::size_t j = i; j <= stream.size(); j += 7) {
      SyslogFrameDecoder d;
      std::vector<std::string> got;
      auto onMsg = [&](std::string_view m) { got.emplace_back(m); };
      auto onErr = [&](const FrameError& e) { FAIL("unexpected error: " << e.reason); };
      REQUIRE(d.feed(stream.substr(0, i), onMsg, onErr));
      REQUIRE(d.feed(stream.substr(i, j - i), onMsg, onErr));
      REQUIRE(d.feed(stream.substr(j), onMsg, onErr));
      REQUIRE(d.finish(onMsg, onErr));
      INFO("split at " << i << "," << j);
      REQUIRE(got == expected);
    }
  }
}

}  // namespace

TEST_CASE("newline framing: LF, CRLF, empty lines, last line without LF") {
  auto c = decode("date=1 a=b\r\n\nx=\"y\"\nlast=1", 0);
  CHECK(c.ok);
  CHECK(c.messages == std::vector<std::string>{"date=1 a=b", "x=\"y\"", "last=1"});
  CHECK(c.errors.empty());
}

TEST_CASE("auto-detect: digit then SP is octet counting, other first bytes are newline framing") {
  SyslogFrameDecoder octet;
  octet.feed("12", nullptr, nullptr);
  CHECK(octet.framing() == Framing::kAuto);  // still deciding
  octet.feed(" ", nullptr, nullptr);
  CHECK(octet.framing() == Framing::kOctetCounting);

  SyslogFrameDecoder pri;
  pri.feed("<189>date=", nullptr, nullptr);
  CHECK(pri.framing() == Framing::kNewline);

  // A relay-written file line starts with a digit but is newline framed.
  auto c = decode("2026-04-03T00:31:09.976660+00:00 192.168.2.1 date=2026-04-02\n", 0);
  CHECK(c.messages == std::vector<std::string>{"2026-04-03T00:31:09.976660+00:00 192.168.2.1 date=2026-04-02"});
}

TEST_CASE("octet counting: frames in one chunk and at every split point") {
  std::string stream = encodeOctetCounted("<189>date=2026-11-28 a=\"x y\"") +
                       encodeOctetCounted("b=2\nc=3") + encodeOctetCounted("z");
  CHECK(stream.substr(0, 4) == "28 <");
  std::vector<std::string> expected{"<189>date=2026-11-28 a=\"x y\"", "b=2\nc=3", "z"};
  auto c = decode(stream, 0);
  CHECK(c.messages == expected);
  checkEverySplit(stream, expected);
}

TEST_CASE("newline framing at every split point, mixed CRLF and LF") {
  std::string stream = "<189>date=2026-11-28 a=1\r\nb=\"two words\"\nc=3\r\n\r\nd=4\n";
  checkEverySplit(stream, {"<189>date=2026-11-28 a=1", "b=\"two words\"", "c=3", "d=4"});
}

TEST_CASE("octet counting tolerates LF between frames") {
  auto c = decode("3 a=1\n3 b=2\r\n3 c=3", 1);
  CHECK(c.ok);
  CHECK(c.messages == std::vector<std::string>{"a=1", "b=2", "c=3"});
}

TEST_CASE("octet counting: oversized frame is skipped without buffering and decoding resumes") {
  std::string big(100, 'x');
  std::string stream = "5 a=1 b" + std::string("100 ") + big + "3 c=3";
  // "5 a=1 b" is a 5-byte frame "a=1 b"; then a 100-byte frame over a 64-byte limit.
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    auto c = decode(stream, chunk, 64);
    CHECK(c.messages == std::vector<std::string>{"a=1 b", "c=3"});
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].reason == "frame length 100 exceeds limit 64");
    CHECK_FALSE(c.errors[0].fatal);
  }
  SyslogFrameDecoder d(65536);
  std::size_t msgs = 0;
  d.feed("99999999 ", [&](std::string_view) { ++msgs; }, [](const FrameError& e) {
    CHECK(e.reason == "frame length 99999999 exceeds limit 65536");
  });
  d.feed(std::string(100000, 'y'), nullptr, nullptr);
  CHECK(d.bufferedBytes() == 0);
  CHECK(d.errors() == 1);
}

TEST_CASE("octet counting: malformed counts are fatal and reported") {
  auto bad = decode("12 abcdefghijkl1x2 next", 0);
  CHECK_FALSE(bad.ok);
  CHECK(bad.messages == std::vector<std::string>{"abcdefghijkl"});
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].fatal);
  CHECK(bad.errors[0].reason == "expected SP after octet count 1, got 'x' (0x78)");

  auto nondigit = decode("3 a=1<189>x", 0);
  REQUIRE(nondigit.errors.size() == 1);
  CHECK(nondigit.errors[0].reason == "non-digit '<' (0x3c) in octet count");

  auto toolong = decode("5 a=1 b12345678901 x", 0);
  REQUIRE(toolong.errors.size() == 1);
  CHECK(toolong.errors[0].reason == "octet count longer than 10 digits");

  // Once broken, further input is refused.
  SyslogFrameDecoder d;
  CHECK_FALSE(d.feed("3 abcX", nullptr, nullptr));
  CHECK(d.broken());
  CHECK_FALSE(d.feed("3 abc", nullptr, nullptr));
}

TEST_CASE("octet counting: zero-length frame and truncated stream") {
  auto z = decode("0 3 a=1", 0);
  CHECK(z.messages == std::vector<std::string>{"a=1"});
  REQUIRE(z.errors.size() == 1);
  CHECK(z.errors[0].reason == "zero-length frame");

  auto t = decode("500 a=1 b=2", 3);
  CHECK_FALSE(t.ok);
  REQUIRE(t.errors.size() == 1);
  CHECK(t.errors[0].reason == "connection closed inside a frame: 7 of 500 bytes");
}

TEST_CASE("newline framing: an oversized line is dropped, the next line survives") {
  std::string stream = std::string(100, 'a') + "\nok=1\n" + std::string(70, 'b') + "\nok=2\n";
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{13}}) {
    SyslogFrameDecoder d(64);
    std::vector<std::string> msgs;
    std::vector<std::string> errs;
    std::size_t max_buffered = 0;
    for (std::size_t i = 0; i < stream.size(); i += chunk ? chunk : stream.size()) {
      d.feed(stream.substr(i, chunk ? chunk : stream.size()),
             [&](std::string_view m) { msgs.emplace_back(m); },
             [&](const FrameError& e) { errs.push_back(e.reason); });
      max_buffered = std::max(max_buffered, d.bufferedBytes());
    }
    CHECK(msgs == std::vector<std::string>{"ok=1", "ok=2"});
    CHECK(errs == std::vector<std::string>{"line exceeds limit 64 bytes", "line exceeds limit 64 bytes"});
    CHECK(max_buffered <= 65);
  }
}

TEST_CASE("a line of exactly the limit passes, with or without CR") {
  std::string line(16, 'k');
  auto c = decode(line + "\r\n" + line + "\n", 1, 16);
  CHECK(c.messages == std::vector<std::string>{line, line});
  CHECK(c.errors.empty());
}

TEST_CASE("forced framing modes") {
  auto n = decode("12 abc\n", 0, 65536, Framing::kNewline);
  CHECK(n.messages == std::vector<std::string>{"12 abc"});
  auto o = decode("<1>x", 0, 65536, Framing::kOctetCounting);
  CHECK_FALSE(o.ok);
}

TEST_CASE("short stream that never decided is delivered as one line at finish") {
  auto c = decode("42", 0);
  CHECK(c.messages == std::vector<std::string>{"42"});
}

TEST_CASE("encoder writes LEN SP MSG") {
  CHECK(encodeOctetCounted("") == "0 ");
  CHECK(encodeOctetCounted("abc") == "3 abc");
  std::string out = "x";
  appendOctetCounted(out, std::string(1000, 'z'));
  CHECK(out.substr(0, 6) == "x1000 ");
  CHECK(out.size() == 1006);
}

TEST_CASE("regression (fuzz): a last line one byte over the limit, without LF, is refused at finish") {
  auto c = decode("0123456789abcd", 1, 13);
  CHECK(c.messages.empty());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].reason == "line exceeds limit 13 bytes");
  auto d = decode("0123456789abc\r", 1, 13);
  CHECK(d.messages == std::vector<std::string>{"0123456789abc"});
}

TEST_CASE("regression (fuzz): leading LFs do not change the framing decision, whatever the chunking") {
  std::string stream = std::string(10, '\n') + "3 a=1" + "3 b=2";
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{11}}) {
    auto c = decode(stream, chunk);
    CHECK(c.messages == std::vector<std::string>{"a=1", "b=2"});
    CHECK(c.errors.empty());
  }
  SyslogFrameDecoder d;
  d.feed(std::string(100, '\n'), nullptr, nullptr);
  CHECK(d.bufferedBytes() == 0);
  CHECK(d.framing() == Framing::kAuto);
}

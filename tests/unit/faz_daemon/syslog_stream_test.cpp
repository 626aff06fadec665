#include <catch2/catch.hpp>

#include "common/logfmt/syslog_frame_decoder.h"
#include "fortianalyzer/daemon/syslog_stream.h"

using namespace fabric::faz;

TEST_CASE("newline and octet-counted streams become messages in any chunking") {
  SyslogStream s(1024);
  MessageBatch batch;
  std::string stream = "<189>date=2026-11-29 a=1\n<189>date=2026-11-29 b=2\r\n";
  for (char c : stream) s.feed(std::string_view(&c, 1), batch);
  REQUIRE(batch.size() == 2);
  CHECK(batch[0] == "<189>date=2026-11-29 a=1");
  CHECK(batch[1] == "<189>date=2026-11-29 b=2");

  SyslogStream o(1024);
  MessageBatch b2;
  std::string framed = fabric::logfmt::encodeOctetCounted("x=1") + fabric::logfmt::encodeOctetCounted("y=2 z");
  auto r = o.feed(framed, b2);
  CHECK_FALSE(r.fatal);
  REQUIRE(b2.size() == 2);
  CHECK(b2[1] == "y=2 z");
}

TEST_CASE("oversized frames are counted apart from other framing errors; a broken stream is fatal") {
  SyslogStream s(16);
  MessageBatch batch;
  auto r = s.feed("short=1\n" + std::string(40, 'a') + "\nok=2\n", batch);
  CHECK(r.oversized == 1);
  CHECK(r.framing_errors.empty());
  CHECK(batch.size() == 2);

  SyslogStream o(16);
  MessageBatch b2;
  auto f = o.feed("5 abcde12x", b2);
  CHECK(b2.size() == 1);
  CHECK(f.fatal);
  REQUIRE(f.framing_errors.size() == 1);

  SyslogStream p(64);
  MessageBatch b3;
  p.feed("10 abc", b3);
  auto end = p.finish(b3);
  CHECK(end.framing_errors.size() == 1);
  CHECK(b3.empty());
}

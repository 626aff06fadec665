#include "common/logship/syslog_frame.h"

#include <catch2/catch.hpp>

#include "common/logfmt/syslog_frame_decoder.h"

using namespace fabric::logship;

TEST_CASE("octet-counted frames carry the exact message length") {
  CHECK(octetCountedFrame("a=1") == "8 <190>a=1");
  std::string line = "date=\"2025-01-01\" level=\"warning\"";
  auto frame = octetCountedFrame(line, priForLine(line));
  auto sp = frame.find(' ');
  CHECK(std::stoul(frame.substr(0, sp)) == frame.size() - sp - 1);
  CHECK(frame.substr(sp + 1, 5) == "<188>");
}

TEST_CASE("the PRI follows the FortiOS level of the line, facility local7") {
  CHECK(priForLine("date=2026-11-29 level=\"information\" logid=\"0109045013\"") == 190);
  CHECK(priForLine("date=2026-11-29 level=\"info\"") == 190);  // FortiClient's spelling
  CHECK(priForLine("date=2026-11-29 level=\"notice\"") == 189);
  CHECK(priForLine("date=2026-11-29 level=\"warning\"") == 188);
  CHECK(priForLine("date=2026-11-29 level=\"error\"") == 187);
  CHECK(priForLine("date=2026-11-29 level=\"critical\"") == 186);
  CHECK(priForLine("date=2026-11-29 level=\"alert\"") == 185);
  CHECK(priForLine("date=2026-11-29 level=\"emergency\"") == 184);
  CHECK(priForLine("date=2026-11-29 level=\"debug\"") == 191);
  // Only the level field counts, not another field ending in "level".
  CHECK(priForLine("date=2026-11-29 ioclevel=\"error\" level=\"notice\"") == 189);
  CHECK(priForLine("no level at all") == kPriInfo);
}

TEST_CASE("a frame decodes back to the PRI and the line, one message per frame") {
  fabric::logfmt::SyslogFrameDecoder decoder(1 << 16);
  const std::string a = "date=2026-11-29 devid=\"FCTEMS0000000001\" level=\"notice\" msg=\"a b\"";
  const std::string b = "date=2026-11-29 devid=\"FCTEMS0000000001\" level=\"information\" msg=\"x\"";
  std::string bytes = octetCountedFrame(a, priForLine(a)) + octetCountedFrame(b, priForLine(b));
  std::vector<std::string> messages;
  bool ok = decoder.feed(
      bytes, [&](std::string_view m) { messages.emplace_back(m); }, [](const fabric::logfmt::FrameError&) {});
  CHECK(ok);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] == "<189>" + a);
  CHECK(messages[1] == "<190>" + b);
}

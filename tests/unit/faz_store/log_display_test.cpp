#include "fortianalyzer/search/log_display.h"

#include <catch2/catch.hpp>

using namespace fabric::faz;
using nlohmann::json;

TEST_CASE("execute log display prints counts then numbered entries") {
  std::vector<json> rows = {
      {{"id", 7}, {"raw", "<189>date=2026-11-28 time=12:00:01 logid=\"0316013056\" type=\"utm\""}},
      {{"id", 6}, {"raw", "date=2026-11-28 time=12:00:00 logid=\"0000000013\" type=\"traffic\"\r\n"}},
  };
  CHECK(formatLogDisplay(rows, 600, 11) ==
        "600 logs found.\n"
        "2 logs returned.\n"
        "\n"
        "11: date=2026-11-28 time=12:00:01 logid=\"0316013056\" type=\"utm\"\n"
        "\n"
        "12: date=2026-11-28 time=12:00:00 logid=\"0000000013\" type=\"traffic\"\n");
  CHECK(formatLogDisplay({}, 0) == "0 logs found.\n0 logs returned.\n");
}

TEST_CASE("display line strips only a real syslog PRI") {
  CHECK(displayLine(json{{"raw", "<1>a=b"}}) == "a=b");
  CHECK(displayLine(json{{"raw", "<abc>a=b"}}) == "<abc>a=b");
  CHECK(displayLine(json{{"raw", "<12345>a=b"}}) == "<12345>a=b");
  CHECK(displayLine(json{{"id", 1}}) == "");
}

TEST_CASE("display line is the log without its syslog transport header") {
  const std::string body = "date=2026-11-29 time=05:00:01 devid=\"FGT60F0000000077\" logid=\"0000000013\"";
  CHECK(displayLine(json{{"raw", "<165>1 2026-11-29T05:00:01Z fgt1 - - - [meta x=\"1\"] " + body}}) == body);
  CHECK(displayLine(json{{"raw", "<189>Nov 29 05:00:01 fgt1 " + body}}) == body);
  CHECK(displayLine(json{{"raw", "2026-04-03T00:31:09.976660+00:00 192.168.2.1 " + body}}) == body);
  CHECK(displayLine(json{{"raw", "<189>" + body + "\r\n"}}) == body);
  // A line with no key=value body (stored raw as malformed) is shown as received, minus the PRI.
  CHECK(displayLine(json{{"raw", "<13>Nov 28 12:00:00 host app: plain text"}}) == "Nov 28 12:00:00 host app: plain text");
}

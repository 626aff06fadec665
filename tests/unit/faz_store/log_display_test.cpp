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

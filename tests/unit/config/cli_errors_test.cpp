// Every CLI error: exact text, return code, and that the configuration did not change.
#include <catch2/catch.hpp>

#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

namespace {
struct Fixture {
  std::unique_ptr<Engine> engine = makeEngine();
  std::unique_ptr<Session> session = engine->openSession();
  Fixture() { REQUIRE(runAll(*session, kSeedLines).ok()); }

  // Runs `setup` (must succeed), then `line` which must fail with `expected` and change nothing.
  void expectFailure(const std::vector<std::string>& setup, const std::string& line, const std::string& expected,
                     int code) {
    REQUIRE(runAll(*session, setup).ok());
    const std::string before = engine->save();
    const unsigned long revision = engine->revision();
    LineResult r = session->execute(line);
    CHECK(r.output == expected);
    CHECK(r.return_code == code);
    // Leave any context and make sure nothing was committed.
    while (session->inConfigMode()) session->execute("abort");
    CHECK(engine->save() == before);
    CHECK(engine->revision() == revision);
  }
};
}  // namespace

TEST_CASE_METHOD(Fixture, "unknown command", "[config][errors]") {
  expectFailure({}, "frobnicate", "Unknown action 0\nCommand fail. Return code -1\n", -1);
  expectFailure({"config system automation-trigger"}, "frobnicate",
                "Unknown action 0\nCommand fail. Return code -1\n", -1);
}

TEST_CASE_METHOD(Fixture, "unknown keyword", "[config][errors]") {
  expectFailure({}, "config system nothing", "command parse error before 'nothing'\nCommand fail. Return code -61\n",
                -61);
  expectFailure({"config system automation-trigger", "edit t9"}, "set no-such-attr 1",
                "command parse error before 'no-such-attr'\nCommand fail. Return code -61\n", -61);
  expectFailure({"config system automation-trigger", "edit t9"}, "set ioc-level extreme",
                "command parse error before 'extreme'\nCommand fail. Return code -61\n", -61);
  expectFailure({}, "show firewall address | grep x",
                "command parse error before '|'\nCommand fail. Return code -61\n", -61);
}

TEST_CASE_METHOD(Fixture, "missing datasource entry", "[config][errors]") {
  expectFailure({"config system automation-stitch", "edit s2"}, "set trigger \"nope\"",
                "entry not found in datasource\nvalue parse error before 'nope'\nCommand fail. Return code -3\n", -3);
  expectFailure({"config system automation-stitch", "edit stitch01"}, "append action action01 ghost",
                "entry not found in datasource\nvalue parse error before 'ghost'\nCommand fail. Return code -3\n",
                -3);
  expectFailure({"config endpoint-control forticlient-ems", "edit e01"}, "set address missing-addr",
                "entry not found in datasource\nvalue parse error before 'missing-addr'\n"
                "Command fail. Return code -3\n",
                -3);
}

TEST_CASE_METHOD(Fixture, "duplicated entry on rename", "[config][errors]") {
  expectFailure({"config firewall address"}, "rename EMS01 to all", "Duplicated entry.\nCommand fail. Return code -15\n",
                -15);
}

TEST_CASE_METHOD(Fixture, "an entry in use cannot be deleted", "[config][errors]") {
  expectFailure({"config firewall address"}, "delete EMS01",
                "The entry is used by other 1 entries\nCommand fail. Return code -23\n", -23);
  expectFailure({"config system automation-trigger"}, "purge",
                "The entry is used by other 1 entries\nCommand fail. Return code -23\n", -23);
  expectFailure({"config system accprofile"}, "delete super_admin",
                "The entry is used by other 1 entries\nCommand fail. Return code -23\n", -23);
}

TEST_CASE_METHOD(Fixture, "incomplete entry is discarded on commit", "[config][errors]") {
  expectFailure({"config system automation-stitch", "edit s2", "set status disable"}, "next",
                "Attribute 'trigger' MUST be set.\nobject set operator error, -651 discard the setting\n"
                "Command fail. Return code -651\n",
                -651);
  CHECK(engine->keys({"system automation-stitch"}) == std::vector<std::string>{"stitch01"});
  expectFailure({"config endpoint-control forticlient-ems", "edit e02", "set address EMS01",
                 "set serial-number FCTEMS0000099999", "set rest-api-auth userpass"},
                "end",
                "Attribute 'admin-username' MUST be set.\nobject set operator error, -651 discard the setting\n"
                "Command fail. Return code -651\n",
                -651);
  CHECK_FALSE(session->inConfigMode());
}

TEST_CASE_METHOD(Fixture, "values out of range, too long or malformed", "[config][errors]") {
  expectFailure({"config system global"}, "set admin-lockout-threshold 11",
                "value parse error before '11'\nCommand fail. Return code -651\n", -651);
  expectFailure({"config endpoint-control settings"}, "set forticlient-ems-rest-api-call-timeout 499",
                "value parse error before '499'\nCommand fail. Return code -651\n", -651);
  expectFailure({"config system global"}, "set admintimeout five",
                "value parse error before 'five'\nCommand fail. Return code -651\n", -651);
  expectFailure({"config endpoint-control forticlient-ems", "edit e01"}, "set serial-number FCTEMS00000123456",
                "value parse error before 'FCTEMS00000123456'\nCommand fail. Return code -651\n", -651);
  expectFailure({"config firewall address", "edit EMS01"}, "set subnet 10.0.0.256 255.255.255.0",
                "value parse error before '10.0.0.256'\nCommand fail. Return code -8\n", -8);
  expectFailure({"config firewall address", "edit EMS01"}, "set subnet 10.0.0.1 255.0.255.0",
                "value parse error before '255.0.255.0'\nCommand fail. Return code -9\n", -9);
  expectFailure({"config firewall address", "edit EMS01"}, "set subnet 10.0.0.1/33",
                "value parse error before '10.0.0.1/33'\nCommand fail. Return code -9\n", -9);
  expectFailure({"config system automation-trigger", "edit trigger01"}, "set ioc-level high medium",
                "command parse error before 'medium'\nCommand fail. Return code -61\n", -61);
}

TEST_CASE_METHOD(Fixture, "at most 16 EMS entries", "[config][errors]") {
  std::vector<std::string> setup = {"config endpoint-control forticlient-ems"};
  for (int i = 2; i <= 16; ++i) {
    for (std::string line : {"edit ems" + std::to_string(i), std::string("set address EMS01"),
                             std::string("set serial-number FCTEMS0000000000"), std::string("next")}) {
      setup.push_back(line);
    }
  }
  expectFailure(setup, "edit ems17",
                "The number of entries has reached the limit of 16.\nCommand fail. Return code -651\n", -651);
  CHECK(engine->keys({"endpoint-control forticlient-ems"}).size() == 16);
}

TEST_CASE_METHOD(Fixture, "a failed line inside an edit keeps earlier staged settings, abort drops all",
                 "[config][errors]") {
  REQUIRE(runAll(*session, {"config system automation-trigger", "edit trigger01", "set ioc-level medium"}).ok());
  CHECK_FALSE(session->execute("set ioc-level bogus").ok());
  CHECK(engine->value({"system automation-trigger", "trigger01"}, "ioc-level") == std::string("high"));
  REQUIRE(session->execute("abort").ok());
  CHECK_FALSE(session->inConfigMode());
  CHECK(engine->value({"system automation-trigger", "trigger01"}, "ioc-level") == std::string("high"));
  REQUIRE(runAll(*session, {"config system automation-trigger", "edit trigger01", "set ioc-level medium", "end"}).ok());
  CHECK(engine->value({"system automation-trigger", "trigger01"}, "ioc-level") == std::string("medium"));
}

}  // namespace fabric::config::test

// show / show full-configuration / get output, nested tables, quoting, prompts.
#include <catch2/catch.hpp>

#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

TEST_CASE("prompts follow the context", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  CHECK(s->prompt() == "FGVM01TM00000001 # ");
  s->execute("config system automation-trigger");
  CHECK(s->prompt() == "FGVM01TM00000001 (automation-trigger) # ");
  s->execute("edit \"trigger01\"");
  CHECK(s->prompt() == "FGVM01TM00000001 (trigger01) # ");
  s->execute("abort");
  REQUIRE(runAll(*s, {"config system global", "set hostname FGT", "end"}).ok());
  CHECK(s->prompt() == "FGT # ");
  s->execute("config system global");
  CHECK(s->prompt() == "FGT (global) # ");
}

TEST_CASE("7.x nested actions, integer keys, edit 0 and show inside the context", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  REQUIRE(runAll(*s, {"config system automation-stitch", "edit \"stitch02\"", "set trigger trigger01",
                      "config actions", "edit 0", "set action action01", "set delay 30", "next", "edit 0",
                      "set action action01", "set required enable", "next", "end"})
              .ok());
  const std::string expected =
      "config system automation-stitch\n"
      "    edit \"stitch02\"\n"
      "        set trigger \"trigger01\"\n"
      "        config actions\n"
      "            edit 1\n"
      "                set action \"action01\"\n"
      "                set delay 30\n"
      "            next\n"
      "            edit 2\n"
      "                set action \"action01\"\n"
      "                set required enable\n"
      "            next\n"
      "        end\n"
      "    next\n"
      "end\n";
  CHECK(s->execute("show").output == expected);  // inside edit: the staged entry
  REQUIRE(runAll(*s, {"next", "end"}).ok());
  CHECK(s->execute("show system automation-stitch stitch02").output == expected);
  CHECK(engine->keys({"system automation-stitch", "stitch02", "actions"}) == std::vector<std::string>{"1", "2"});
  CHECK(engine->value({"system automation-stitch", "stitch02", "actions", "2"}, "required") == std::string("enable"));
  // The nested action counts as a reference.
  REQUIRE(runAll(*s, {"config system automation-stitch", "delete stitch01", "end"}).ok());
  CHECK(s->execute("config system automation-action").ok());
  CHECK(s->execute("delete action01").output == "The entry is used by other 2 entries\nCommand fail. Return code -23\n");
}

TEST_CASE("show full-configuration prints every setting", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  CHECK(s->execute("show full-configuration system automation-action action01").output ==
        "config system automation-action\n"
        "    edit \"action01\"\n"
        "        set description ''\n"
        "        set action-type quarantine-forticlient\n"
        "        set email-subject ''\n"
        "        set email-body ''\n"
        "        set minimum-interval 0\n"
        "        set delay 0\n"
        "        set required disable\n"
        "        set message ''\n"
        "        set protocol http\n"
        "        set method post\n"
        "        set uri ''\n"
        "        set http-body ''\n"
        "        set port 0\n"
        "        set script ''\n"
        "        set accprofile ''\n"
        "        config http-headers\n"
        "        end\n"
        "    next\n"
        "end\n");
  std::string full = s->execute("show full-configuration endpoint-control forticlient-ems").output;
  CHECK(full.find("        set https-port 443\n") != std::string::npos);
  CHECK(full.find("        set listen-port 8013\n") != std::string::npos);
  CHECK(full.find("        set admin-type Windows\n") != std::string::npos);
}

TEST_CASE("get prints name : value lines padded to a column", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  std::string out = s->execute("get endpoint-control forticlient-ems e01").output;
  CHECK(out.rfind("name                : e01\n"
                  "address             : EMS01\n"
                  "serial-number       : FCTEMS0000012345\n"
                  "listen-port         : 8013\n",
                  0) == 0);
  CHECK(out.find("admin-password      : *\n") != std::string::npos);
  CHECK(out.find("S3cret!") == std::string::npos);
  CHECK(s->execute("get system automation-stitch").output == "== [ stitch01 ]\nname: stitch01\n");
  CHECK(s->execute("get system global").output.find("admin-lockout-threshold: 3\n") != std::string::npos);
}

TEST_CASE("strings print with FortiOS quoting and escaping", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, {"config firewall address", "edit 'odd \"name\"'",
                      "set comment \"back\\\\slash and \\\"quote\\\"\"", "set type fqdn", "set fqdn example.com",
                      "next", "end"})
              .ok());
  CHECK(s->execute("show firewall address").output.find("    edit \"odd \\\"name\\\"\"\n"
                                                         "        set type fqdn\n"
                                                         "        set fqdn \"example.com\"\n"
                                                         "        set comment \"back\\\\slash and \\\"quote\\\"\"\n") !=
        std::string::npos);
  CHECK(engine->value({"firewall address", "odd \"name\""}, "comment") == std::string("back\\slash and \"quote\""));
}

TEST_CASE("ipmask accepts CIDR and prints a dotted mask; classnet clears host bits", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, {"config firewall address", "edit a", "set subnet 10.0.0.5/24", "next", "end"}).ok());
  CHECK(engine->value({"firewall address", "a"}, "subnet") == std::string("10.0.0.5 255.255.255.0"));
  REQUIRE(runAll(*s, {"config system admin", "edit admin", "set trusthost1 192.168.7.9 255.255.0.0", "end"}).ok());
  CHECK(engine->value({"system admin", "admin"}, "trusthost1") == std::string("192.168.0.0 255.255.0.0"));
}

TEST_CASE("multi-value lists: set, append, select, unselect", "[config][print]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  REQUIRE(runAll(*s, {"config system automation-action", "edit a2", "next", "edit a3", "next", "end",
                      "config system automation-stitch", "edit stitch01", "set action \"action01\" \"a2\"",
                      "append action a3", "unselect action a2", "end"})
              .ok());
  CHECK(engine->values({"system automation-stitch", "stitch01"}, "action") ==
        std::vector<std::string>{"action01", "a3"});
  CHECK(s->execute("show system automation-stitch").output.find("set action \"action01\" \"a3\"\n") !=
        std::string::npos);
}

}  // namespace fabric::config::test

// Config files: header, all-or-nothing load naming the failing line, round-trips.
#include <catch2/catch.hpp>

#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

TEST_CASE("load is all-or-nothing and names the failing line", "[config][load]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  const std::string before = engine->save();
  LineResult r = engine->load(
      "#config-version=FGVM64-6.0.4-FW-build0231-190107:opmode=0:vdom=0:user=admin\n"
      "config firewall address\n"
      "    edit \"x\"\n"
      "        set subnet 10.0.0.1 255.255.255.255\n"
      "    next\n"
      "end\n"
      "config system automation-stitch\n"
      "    edit \"s\"\n"
      "        set trigger \"missing\"\n"
      "    next\n"
      "end\n");
  CHECK(r.output ==
        "line 9: entry not found in datasource\nvalue parse error before 'missing'\nCommand fail. Return code -3\n");
  CHECK(r.return_code == -3);
  CHECK(engine->save() == before);

  r = engine->load("config firewall address\n    edit \"x\"\n");
  CHECK_FALSE(r.ok());
  CHECK(r.output.rfind("line 2: ", 0) == 0);
  CHECK(engine->save() == before);

  r = engine->load("config firewall address\n    edit \"x\n");
  CHECK(r.output == "line 2: unterminated quoted string\nCommand fail. Return code -61\n");
}

TEST_CASE("load replaces the tree; the commit listener and revision", "[config][load]") {
  auto engine = makeEngine();
  int commits = 0;
  engine->setCommitListener([&] { ++commits; });
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  CHECK(commits == 5);
  CHECK(engine->revision() == 5);
  REQUIRE(engine->load("config firewall address\nedit \"only\"\nnext\nend\n").ok());
  CHECK(engine->keys({"endpoint-control forticlient-ems"}).empty());
  CHECK(engine->keys({"firewall address"}) == std::vector<std::string>{"none", "all", "SSLVPN_TUNNEL_ADDR1", "only"});
  CHECK(engine->value({"system global"}, "hostname") == std::string("FGVM01TM00000001"));
}

TEST_CASE("a multi-line script value round-trips through save and load", "[config][load]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, {"config system automation-action", "edit cli", "set action-type cli-script",
                      "set script \"config firewall address", "edit \\\"x\\\"", "end\"", "next", "end"})
              .ok());
  CHECK(engine->value({"system automation-action", "cli"}, "script") ==
        std::string("config firewall address\nedit \"x\"\nend"));
  auto other = makeEngine();
  REQUIRE(other->load(engine->save()).ok());
  CHECK(other->save() == engine->save());
}

TEST_CASE("thousands of addresses load and stay addressable", "[config][load]") {
  std::string text = "config firewall address\n";
  for (int i = 0; i < 5000; ++i) {
    text += "    edit \"host" + std::to_string(i) + "\"\n        set subnet 10." + std::to_string(i / 250) + "." +
            std::to_string(i % 250) + ".1 255.255.255.255\n    next\n";
  }
  text += "end\n";
  auto engine = makeEngine();
  REQUIRE(engine->load(text).ok());
  CHECK(engine->keys({"firewall address"}).size() == 5003);
  CHECK(engine->value({"firewall address", "host4999"}, "subnet") == std::string("10.19.249.1 255.255.255.255"));
  auto other = makeEngine();
  REQUIRE(other->load(engine->save()).ok());
  CHECK(other->save() == engine->save());
}

TEST_CASE("node commands registered by prefix run at top level", "[config][load]") {
  auto engine = makeEngine();
  std::vector<std::string> seen;
  engine->addCommand({"diagnose", "endpoint", "forticlient-ems-rest-api", "queue-complete-calls"},
                     [&](Session&, std::span<const std::string> args) {
                       seen.assign(args.begin(), args.end());
                       return LineResult{"queued\n", 0};
                     });
  auto s = engine->openSession();
  auto r = s->execute("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-10.0.0.7");
  CHECK(r.output == "queued\n");
  CHECK(seen == std::vector<std::string>{"Q-10.0.0.7"});
  CHECK(s->execute("diagnose endpoint nothing").return_code == -1);
}

}  // namespace fabric::config::test

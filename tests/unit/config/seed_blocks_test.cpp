// The five FortiGate blocks of the seed document are accepted verbatim and `show` prints them
// back as FortiOS does.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

TEST_CASE("seed blocks are accepted verbatim and shown in FortiOS form", "[config][seed]") {
  auto engine = makeEngine();
  auto session = engine->openSession();
  for (const auto& line : kSeedLines) {
    INFO(line);
    LineResult r = session->execute(line);
    REQUIRE(r.output == "");
    REQUIRE(r.ok());
  }
  REQUIRE_FALSE(session->inConfigMode());

  // FortiOS 6.0 defaults: trigger-type event-based, event-type ioc, ioc-level high.
  CHECK(session->execute("show system automation-trigger trigger01").output ==
        "config system automation-trigger\n"
        "    edit \"trigger01\"\n"
        "    next\n"
        "end\n");
  CHECK(session->execute("show system automation-action").output ==
        "config system automation-action\n"
        "    edit \"action01\"\n"
        "        set action-type quarantine-forticlient\n"
        "    next\n"
        "end\n");
  CHECK(session->execute("show system automation-stitch").output ==
        "config system automation-stitch\n"
        "    edit \"stitch01\"\n"
        "        set trigger \"trigger01\"\n"
        "        set action \"action01\"\n"
        "    next\n"
        "end\n");
  CHECK(session->execute("show firewall address EMS01").output ==
        "config firewall address\n"
        "    edit \"EMS01\"\n"
        "        set subnet 127.0.1.3 255.255.255.255\n"
        "    next\n"
        "end\n");

  std::string ems = session->execute("show endpoint-control forticlient-ems").output;
  std::regex expected(
      "config endpoint-control forticlient-ems\n"
      "    edit \"e01\"\n"
      "        set address \"EMS01\"\n"
      "        set serial-number \"FCTEMS0000012345\"\n"
      "        set rest-api-auth userpass\n"
      "        set admin-username \"admin\"\n"
      "        set admin-password ENC [A-Za-z0-9+/=]+\n"
      "    next\n"
      "end\n");
  CHECK(std::regex_match(ems, expected));
  CHECK(ems.find("S3cret!") == std::string::npos);

  CHECK(engine->secret({"endpoint-control forticlient-ems", "e01"}, "admin-password") == std::string("S3cret!"));
  CHECK(engine->value({"endpoint-control forticlient-ems", "e01"}, "https-port") == std::string("443"));
  CHECK(engine->values({"system automation-stitch", "stitch01"}, "action") ==
        std::vector<std::string>{"action01"});
}

TEST_CASE("seed blocks survive save and load", "[config][seed]") {
  auto engine = makeEngine();
  auto session = engine->openSession();
  REQUIRE(runAll(*session, kSeedLines).ok());
  std::string saved = engine->save();
  CHECK(saved.rfind("#config-version=FGVM64-6.0.4-FW-build0231-190107:opmode=0:vdom=0:user=admin\n", 0) == 0);
  CHECK(saved.find("S3cret!") == std::string::npos);

  auto other = makeEngine();
  LineResult loaded = other->load(saved);
  INFO(loaded.output);
  REQUIRE(loaded.ok());
  CHECK(other->save() == saved);
  CHECK(other->secret({"endpoint-control forticlient-ems", "e01"}, "admin-password") == std::string("S3cret!"));
}

}  // namespace fabric::config::test

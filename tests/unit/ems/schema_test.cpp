// The EMS schema in the common config engine: objects, defaults, references, hashed passwords.
#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

TEST_CASE("a fresh EMS has the built-in admin and remote HTTPS access disabled", "[ems][schema]") {
  fabric::config::Engine engine(makeEmsSchema(), "FCTEMS", kKey);
  CHECK(engine.keys({"system admin"}) == std::vector<std::string>{"admin"});
  CHECK(engine.value({"system admin", "admin"}, "role") == "super-admin");
  CHECK(engine.value({"system server"}, "remote-https-access") == "disable");
  CHECK(engine.value({"system server"}, "https-port") == "443");
  CHECK(engine.value({"system server"}, "fct-port") == "8013");
  CHECK(engine.value({"system global"}, "hostname") == "FCTEMS");
}

TEST_CASE("the lab configuration saves with hashed passwords and loads back identically", "[ems][schema]") {
  Ems ems;
  const std::string text = ems.engine.save();
  INFO(text);
  CHECK(text.find("S3cret!") == std::string::npos);
  CHECK(text.find("set password ENC SH2") != std::string::npos);
  CHECK(text.find("config endpoint gateway-list") != std::string::npos);
  CHECK(text.find("set remote-https-access enable") != std::string::npos);
  CHECK(ems.engine.verifyPassword({"system admin", "admin"}, "password", "S3cret!"));
  CHECK_FALSE(ems.engine.verifyPassword({"system admin", "admin"}, "password", "wrong"));

  fabric::config::Engine other(makeEmsSchema(), "FCTEMS", kKey);
  REQUIRE(other.load(text).ok());
  CHECK(other.save() == text);
  CHECK(other.keys({"endpoint gateway-list", "gl1", "fortigate"}) == std::vector<std::string>{"fgt1"});
  CHECK(other.value({"endpoint gateway-list", "gl1", "fortigate", "fgt1"}, "address") == "127.0.1.1");
  CHECK(other.value({"endpoint gateway-list", "gl1", "fortigate", "fgt1"}, "port") == "8013");
}

TEST_CASE("an assignment rule must name existing profiles and gateway lists", "[ems][schema]") {
  Ems ems;
  auto s = ems.engine.openSession();
  REQUIRE(s->execute("config endpoint assignment-rule").ok());
  REQUIRE(s->execute("edit 2").ok());
  auto r = s->execute("set profile \"nope\"");
  CHECK_FALSE(r.ok());
  CHECK(r.output.find("entry not found in datasource") != std::string::npos);
  CHECK_FALSE(s->execute("set match-os solaris").ok());
  CHECK(s->execute("set match-os windows macos").ok());
  REQUIRE(s->execute("end").ok());
  // A profile in use cannot be deleted.
  REQUIRE(s->execute("config endpoint profile").ok());
  CHECK_FALSE(s->execute("delete \"default\"").ok());
}

TEST_CASE("system server ranges and options are checked", "[ems][schema]") {
  Ems ems;
  auto s = ems.engine.openSession();
  REQUIRE(s->execute("config system server").ok());
  CHECK_FALSE(s->execute("set remote-https-access maybe").ok());
  CHECK_FALSE(s->execute("set https-port 70000").ok());
  CHECK(s->execute("set fct-port 18013").ok());
  REQUIRE(s->execute("end").ok());
  CHECK(ems.engine.value({"system server"}, "fct-port") == "18013");
}

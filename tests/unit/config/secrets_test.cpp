// Reversible secrets (ENC, AES-256-GCM) and one-way admin passwords never show in clear text.
#include <catch2/catch.hpp>

#include "common/config/secret_box.h"
#include "tests/unit/config/test_support.h"

namespace fabric::config::test {

TEST_CASE("SecretBox seals with a random IV and opens only under its key", "[config][secrets]") {
  SecretBox box(kKey);
  std::string a = box.seal("S3cret!"), b = box.seal("S3cret!");
  CHECK(a != b);
  CHECK(box.open(a) == std::string("S3cret!"));
  CHECK(box.open(b) == std::string("S3cret!"));
  CHECK_FALSE(SecretBox("another key").open(a).has_value());
  std::string tampered = a;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(box.open(tampered).has_value());
}

TEST_CASE("admin passwords are salted hashes", "[config][secrets]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  CHECK(engine->verifyPassword({"system admin", "admin"}, "password", ""));  // factory: empty password
  REQUIRE(runAll(*s, {"config system admin", "edit admin", "set password \"Adm1n pass\"", "end"}).ok());
  CHECK(engine->verifyPassword({"system admin", "admin"}, "password", "Adm1n pass"));
  CHECK_FALSE(engine->verifyPassword({"system admin", "admin"}, "password", "adm1n pass"));
  CHECK_FALSE(engine->verifyPassword({"system admin", "admin"}, "password", ""));
  std::string shown = s->execute("show system admin").output;
  CHECK(shown.find("set password ENC SH2") != std::string::npos);
  CHECK(shown.find("Adm1n") == std::string::npos);
  CHECK_FALSE(engine->secret({"system admin", "admin"}, "password").has_value());
}

TEST_CASE("ENC round-trip: a saved secret reloads under the same key, not another", "[config][secrets]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  std::string saved = engine->save();
  CHECK(saved.find("S3cret!") == std::string::npos);
  auto same = makeEngine();
  REQUIRE(same->load(saved).ok());
  CHECK(same->secret({"endpoint-control forticlient-ems", "e01"}, "admin-password") == std::string("S3cret!"));

  Engine other(fortigate::makeFortiGateSchema(), "FGT", "a different node key");
  const std::string before = other.save();
  LineResult r = other.load(saved);
  CHECK_FALSE(r.ok());
  CHECK(r.output.find("value parse error before '*'") != std::string::npos);
  CHECK(other.save() == before);
}

TEST_CASE("clear text never appears in errors", "[config][secrets]") {
  auto engine = makeEngine();
  auto s = engine->openSession();
  REQUIRE(runAll(*s, kSeedLines).ok());
  REQUIRE(runAll(*s, {"config endpoint-control forticlient-ems", "edit e01"}).ok());
  std::string long_secret(80, 'Z');
  LineResult r = s->execute("set admin-password " + long_secret);
  CHECK_FALSE(r.ok());
  CHECK(r.output.find("ZZZ") == std::string::npos);
  r = s->execute("set admin-password TopSecret1 TopSecret2");
  CHECK_FALSE(r.ok());
  CHECK(r.output.find("TopSecret") == std::string::npos);
  r = s->execute("set admin-password ENC notbase64!!");
  CHECK_FALSE(r.ok());
  CHECK(r.output.find("notbase64") == std::string::npos);
}

}  // namespace fabric::config::test

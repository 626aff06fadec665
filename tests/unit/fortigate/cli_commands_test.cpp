#include <catch2/catch.hpp>

#include "fortigate_fixture.h"

using namespace fabric;
using namespace fabric::fortigate;
using F = fortigate::test::Fixture;

TEST_CASE("execute api-user generate-key prints the key once and stores it encrypted") {
  F f;
  REQUIRE(f.run({"config system api-user", "edit \"bot\"", "set accprofile \"super_admin\"", "next", "end"}).ok());
  auto r = f.console->execute("execute api-user generate-key bot");
  REQUIRE(r.ok());
  REQUIRE(r.output.rfind("New API key: ", 0) == 0);
  const std::string key = r.output.substr(13, kApiKeyLength);
  CHECK(r.output.substr(13 + kApiKeyLength) ==
        "\nNOTE: The bearer of this API key will be granted all access privileges assigned to the api-user bot.\n\n");
  for (char c : key) CHECK(std::isalnum(static_cast<unsigned char>(c)));

  const std::string shown = f.console->execute("show system api-user").output;
  CHECK_THAT(shown, Catch::Contains("set api-key ENC "));
  CHECK(shown.find(key) == std::string::npos);
  CHECK(readFile(f.dir / "fortigate.conf")->find(key) == std::string::npos);
  CHECK(f.events().find(key) == std::string::npos);
  CHECK(f.auth.token(key, "127.0.0.1").code == AdminAuth::TokenResult::Code::kOk);
  CHECK(f.auth.token(key, "127.0.0.1").principal.user == "bot");

  auto missing = f.console->execute("execute api-user generate-key nobody");
  CHECK(missing.return_code == -3);
  CHECK(missing.output ==
        "entry not found in datasource\nvalue parse error before 'nobody'\nCommand fail. Return code -3\n");
  CHECK(f.console->execute("execute api-user generate-key").return_code == -61);
  CHECK(f.console->execute("execute api-user generate-key bot extra").return_code == -61);
}

TEST_CASE("get system status") {
  F f;
  f.run({"config system global", "set hostname \"lab-fgt\"", "end"});
  auto r = f.console->execute("get system status");
  REQUIRE(r.ok());
  CHECK_THAT(r.output, Catch::StartsWith("Version: FortiGate-VM64 v6.0.4,build0231,190107 (GA)\n"));
  CHECK_THAT(r.output, Catch::Contains("Serial-Number: " + test::kSerial + "\n"));
  CHECK_THAT(r.output, Catch::Contains("Hostname: lab-fgt\n"));
  CHECK_THAT(r.output, Catch::Contains("System time: Fri Nov 28 12:00:00 2025\n"));
  CHECK(f.console->execute("get system status now").return_code == -61);
  // `get` of tables still works next to the command.
  CHECK_THAT(f.console->execute("get system global").output, Catch::Contains("hostname            : lab-fgt"));
}

TEST_CASE("system info from the config version") {
  auto info = SystemInfo::fromConfigVersion("FGVM64-7.0.3-FW-build0237-211207", "S");
  CHECK(info.version == "v7.0.3");
  CHECK(info.build == 237);
  CHECK(info.model == "FGVM64");
  CHECK(info.model_number == "VM64");
  CHECK(info.branch_date == "211207");
  CHECK(info.cmdbContext().serial == "S");
}

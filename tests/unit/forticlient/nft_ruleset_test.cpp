#include "forticlient/nft_ruleset.h"

#include <catch2/catch.hpp>

using namespace fabric::forticlient;

TEST_CASE("the quarantine ruleset allows only the EMS and FortiGate links") {
  auto text = quarantineRuleset({{"10.10.0.2", 8013, "ems"},
                                 {"10.10.0.3", 8013, "fortigate FGT-A"},
                                 {"fd00::4", 8443, "fortigate \"B\""}});
  const std::string expected =
      "table inet fabric_quarantine\n"
      "delete table inet fabric_quarantine\n"
      "table inet fabric_quarantine {\n"
      "\tchain output {\n"
      "\t\ttype filter hook output priority 0; policy drop;\n"
      "\t\toif \"lo\" accept\n"
      "\t\tip daddr 10.10.0.2 tcp dport 8013 accept comment \"ems\"\n"
      "\t\tip daddr 10.10.0.3 tcp dport 8013 accept comment \"fortigate FGT-A\"\n"
      "\t\tip6 daddr fd00::4 tcp dport 8443 accept comment \"fortigate _B_\"\n"
      "\t}\n"
      "\tchain input {\n"
      "\t\ttype filter hook input priority 0; policy drop;\n"
      "\t\tiif \"lo\" accept\n"
      "\t\tip saddr 10.10.0.2 tcp sport 8013 ct state established,related accept comment \"ems\"\n"
      "\t\tip saddr 10.10.0.3 tcp sport 8013 ct state established,related accept comment \"fortigate FGT-A\"\n"
      "\t\tip6 saddr fd00::4 tcp sport 8443 ct state established,related accept comment \"fortigate _B_\"\n"
      "\t}\n"
      "}\n";
  CHECK(text == expected);
}

TEST_CASE("the ruleset refuses peers that are not IP literals") {
  CHECK_THROWS_WITH(quarantineRuleset({{"ems.lab; flush ruleset", 8013, "ems"}}),
                    Catch::Contains("is not an IP address"));
  CHECK_THROWS_WITH(quarantineRuleset({{"10.0.0.1", 0, "ems"}}), Catch::Contains("invalid"));
}

TEST_CASE("release removes the table whether or not it exists") {
  CHECK(releaseRuleset() == "table inet fabric_quarantine\ndelete table inet fabric_quarantine\n");
}

TEST_CASE("ProcessNftRunner reports the failing command's output") {
  // `false` stands in for nft: it reads nothing and exits 1.
  ProcessNftRunner runner("false");
  auto err = runner.apply(releaseRuleset());
  CHECK(err.find("failed (exit 1)") != std::string::npos);
  ProcessNftRunner missing("/nonexistent/nft");
  CHECK(missing.apply(releaseRuleset()).find("exit 127") != std::string::npos);
  ProcessNftRunner cat("true");
  CHECK(cat.apply(releaseRuleset()).empty());
}

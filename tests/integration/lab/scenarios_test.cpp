// Every shipped scenario that the merged daemons can pass, run as a user runs it:
// `fabricctl run scenarios/<name>.scenario` on a fresh lab of real daemons (its own directory,
// addresses and certificates), which must exit 0 and print PASS. fabricctl stops everything it
// started, on failure too; the guard below also stops a lab left by a crashed fabricctl.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "scenarios/lab/process.h"

using namespace fabric::lab;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = FABRIC_SOURCE_DIR;
const fs::path kFabricctl = fs::path(FABRIC_BIN_DIR) / "fabricctl";

// Every scenario below has its test case; the last test case fails when a shipped scenario is
// missing from this list.
const std::set<std::string> kTested = {"seed",
                                       "manual-quarantine",
                                       "two-endpoints",
                                       "ems-down-then-back",
                                       "offline-endpoint",
                                       "prereq-linux-endpoint",
                                       "prereq-no-profile",
                                       "prereq-no-gateway-list",
                                       "prereq-remote-https-disabled",
                                       "prereq-no-ems-credentials",
                                       "prereq-ems-serial-mismatch",
                                       "prereq-not-connected"};

std::string runScenario(const std::string& name) {
  REQUIRE(kTested.count(name) == 1);
  auto r = runCommand(kFabricctl, {"run", (kSource / "scenarios" / (name + ".scenario")).string()},
                      std::chrono::minutes(4));
  INFO(r.output);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("\nPASS ") != std::string::npos);
  return r.output;
}

}  // namespace

// One test case per shipped scenario.
TEST_CASE("scenario: seed flow, IoC to quarantine, five steps in order, then the release") {
  const std::string out = runScenario("seed");
  INFO(out);
  // The demo's printout: the five-step quarantine flow first (every step has its log), then the
  // release flow.
  const auto q = out.find("Timeline of pc1 (");
  REQUIRE(q != std::string::npos);
  CHECK(out.compare(out.find(", ", q) + 2, std::string("quarantine flow ").size(), "quarantine flow ") == 0);
  const auto r = out.find(", release flow ", q);
  REQUIRE(r != std::string::npos);
  const std::string quarantine_timeline = out.substr(q, r - q);
  CHECK(quarantine_timeline.find("(no log)") == std::string::npos);
  CHECK(quarantine_timeline.find("  5  ") != std::string::npos);
}
TEST_CASE("scenario: manual Q-/U- from the FortiGate CLI") { runScenario("manual-quarantine"); }
TEST_CASE("scenario: two endpoints, own serials and devices, only the infected one quarantined") {
  runScenario("two-endpoints");
}
TEST_CASE("scenario: EMS killed with a call queued, then back") { runScenario("ems-down-then-back"); }
TEST_CASE("scenario: offline endpoint (EMS keeps the command, delivers it on reconnect)") {
  runScenario("offline-endpoint");
}
TEST_CASE("scenario: prerequisite, Linux endpoint") { runScenario("prereq-linux-endpoint"); }
TEST_CASE("scenario: prerequisite, no profile assigned") { runScenario("prereq-no-profile"); }
TEST_CASE("scenario: prerequisite, no gateway list with the FortiGate") { runScenario("prereq-no-gateway-list"); }
TEST_CASE("scenario: prerequisite, Remote HTTPS access disabled, then enabled") {
  runScenario("prereq-remote-https-disabled");
}
TEST_CASE("scenario: prerequisite, no EMS credentials on the FortiGate") { runScenario("prereq-no-ems-credentials"); }
TEST_CASE("scenario: prerequisite, EMS serial mismatch") { runScenario("prereq-ems-serial-mismatch"); }
TEST_CASE("scenario: prerequisite, endpoint not connected to the FortiGate") { runScenario("prereq-not-connected"); }

TEST_CASE("every shipped scenario has a test case") {
  std::set<std::string> shipped;
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() == ".scenario") shipped.insert(entry.path().stem().string());
  }
  CHECK(shipped == kTested);
}

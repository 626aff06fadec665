// A fleet lab with the real daemons (build/bin): `fabricctl up --endpoints 300` runs the endpoints
// in one `forticlient fleet` process, each with its own lab-issued certificate (CN = its uid), its
// own address, serial and state. The real EMS and FortiGate accept every one of them; one endpoint
// among the 300 visits a feed domain and only it is quarantined; status and endpoint commands
// address fleet endpoints by name. The lab directory has a guard that runs `fabricctl down` and
// then kills, by pid, any process still naming it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/base/atomic_file.h"
#include "common/tls/pki.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/lab_writer.h"
#include "scenarios/lab/process.h"
#include "tests/support/lab_processes.h"

using namespace fabric::lab;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const fs::path kFabricctl = fs::path(FABRIC_BIN_DIR) / "fabricctl";
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

using fabric::test::processesNaming;

struct FleetLab {
  fs::path dir = fs::temp_directory_path() / ("fleet_test_" + std::to_string(::getpid()));
  FleetLab() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ~FleetLab() {
    if (fs::exists(dir / "lab.json")) run({"down"});
    for (pid_t p : processesNaming(dir)) killProcess(p);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  CommandResult run(std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"--dir", dir.string()});
    return runCommand(kFabricctl, args, 300s);
  }
  json status() const {
    auto j = json::parse(run({"status", "--json"}).output, nullptr, false);
    return j.is_object() ? j : json::object();
  }
};

}  // namespace

TEST_CASE("fabricctl up with 300 endpoints: one fleet process, each endpoint its own certificate, the real EMS "
          "and FortiGate accept all, one visit quarantines exactly that endpoint") {
  constexpr int kCount = 300;
  FleetLab lab;
  auto up = lab.run({"up", "--endpoints", std::to_string(kCount), "--fleet", "--timeout", "60"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  CHECK(contains(up.output, "starting fleet"));
  CHECK(contains(up.output, "linking  fleet"));

  const LabPlan plan = readLab(lab.dir);
  REQUIRE(plan.fleet);
  REQUIRE(plan.endpoints.size() == static_cast<std::size_t>(kCount));
  // Addresses continue past 127.B.1.255 into 127.B.2.x.
  CHECK(plan.endpoints[254].address == "127." + std::to_string(plan.octet) + ".1.255");
  CHECK(plan.endpoints[255].address == "127." + std::to_string(plan.octet) + ".2.0");

  // One agent process for the 300 endpoints: the three nodes and the fleet name the lab directory.
  CHECK(processesNaming(lab.dir).size() == 4);

  json s = lab.status();
  REQUIRE(s.contains("fleet"));
  CHECK(s["fleet"].value("health", "") == "up");
  CHECK(s["fleet"].value("registered", 0) == kCount);
  CHECK(s["fleet"].value("connected", 0) == kCount);
  CHECK(s["fleet"].value("quarantined", -1) == 0);
  const auto endpoints = s.value("endpoints", json::array());
  REQUIRE(endpoints.size() == static_cast<std::size_t>(kCount));
  std::set<std::string> uids;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& e = endpoints[i];
    INFO(e.dump());
    CHECK(e.value("name", "") == "pc" + std::to_string(i + 1));
    CHECK(e.value("hostname", "") == "PC" + std::to_string(i + 1));
    CHECK(e.value("address", "") == plan.endpoints[i].address);
    CHECK(e.value("ems", "") == "connected");
    CHECK(e.value("fortigate", "") == "connected");
    CHECK(e.value("quarantine", "") == "none");
    uids.insert(e.value("uid", ""));
    // Its uid is the CN of its own certificate, issued by the lab CA.
    if (i % 50 == 0) {
      auto pem = fabric::readFile(lab.dir / plan.endpoints[i].home / "tls" / "node.pem");
      REQUIRE(pem);
      CHECK(fabric::tls::certificateSubject(*pem).common_name == e.value("uid", ""));
    }
  }
  CHECK(uids.size() == static_cast<std::size_t>(kCount));
  // The CA key stays with fabricctl: nothing in the fleet's home holds it.
  CHECK_FALSE(fs::exists(lab.dir / plan.fleet_home / "tls" / "ca.key"));

  // One endpoint among 300 visits an indicator of the demo feed: only it is quarantined.
  auto visit = lab.run({"endpoint", "pc237", "visit", "http://malware.bad.example/invoice.exe"});
  INFO(visit.output);
  CHECK(visit.exit_code == 0);
  bool quarantined = false;
  for (auto deadline = Clock::now() + 60s; Clock::now() < deadline && !quarantined;) {
    s = lab.status();
    quarantined = s.value("/endpoints/236/quarantine"_json_pointer, std::string()) == "quarantined";
    if (!quarantined) std::this_thread::sleep_for(200ms);
  }
  REQUIRE(quarantined);
  CHECK(s["fleet"].value("quarantined", -1) == 1);
  int count = 0;
  for (const auto& e : s["endpoints"]) count += e.value("quarantine", "") == "quarantined";
  CHECK(count == 1);
  CHECK(contains(lab.run({"status"}).output, "1 quarantined"));
  // It is blocked; its neighbours are not.
  CHECK(lab.run({"endpoint", "pc237", "visit", "http://www.example.com/"}).exit_code == 1);
  CHECK(lab.run({"endpoint", "pc238", "visit", "http://www.example.com/"}).exit_code == 0);
  CHECK(lab.run({"endpoint", plan.endpoints[1].address, "visit", "http://www.example.com/"}).exit_code == 0);
  // The five-step timeline of that endpoint, from the analyzer's logs.
  auto trace = lab.run({"trace", "pc237"});
  INFO(trace.output);
  CHECK(trace.exit_code == 0);
  CHECK(contains(trace.output, "malware.bad.example"));

  // An endpoint the lab does not have is not asked.
  CHECK(lab.run({"endpoint", "pc9999", "visit", "http://www.example.com/"}).exit_code == 2);

  auto down = lab.run({"down"});
  CHECK(down.exit_code == 0);
  CHECK(processesNaming(lab.dir).empty());
  // The EMS shut down cleanly with 300 agent links open (it once freed them after its event loop
  // was gone and aborted with heap corruption).
  auto ems_out = readText(lab.dir / "run" / "ems.out");
  INFO(ems_out.substr(ems_out.size() > 2000 ? ems_out.size() - 2000 : 0));
  CHECK(contains(ems_out, "ems: stopped"));
}

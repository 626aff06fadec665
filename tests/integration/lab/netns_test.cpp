// Network-namespace mode, proven with the real daemons (root only; CI runs as root): every node and
// endpoint is its own host on the lab bridge. Before quarantine the endpoint's namespace reaches the
// internet host; once quarantined, the agent's nftables ruleset blocks it — a plain TCP connection
// from that namespace, not the agent's own check — while its EMS and FortiGate links stay up;
// release restores it. The lab is created and stopped with fabricctl, as a user does.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/lab_writer.h"
#include "scenarios/lab/process.h"

using namespace fabric::lab;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path kFabricctl = fs::path(FABRIC_BIN_DIR) / "fabricctl";

struct NetnsLab {
  fs::path dir = fs::temp_directory_path() / ("netns_lab_" + std::to_string(::getpid()));
  ~NetnsLab() {
    runCommand(kFabricctl, {"down", "--dir", dir.string()}, 60s);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.end(), {"--dir", dir.string()});
    return runCommand(kFabricctl, args, 60s);
  }
  nlohmann::json endpoint() {
    auto r = ctl({"status", "--json"});
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    if (!j.is_object() || j["endpoints"].empty()) return {};
    return j["endpoints"][0];
  }
  // Polls until `pred(endpoint status)` holds or `timeout` passes.
  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(endpoint())) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
};

// A TCP connection to the internet host's port 80 from inside the endpoint's namespace, with bash's
// /dev/tcp (no agent involved). A dropped SYN is given 3 s.
bool reachesInternet(const LabPlan& plan) {
  auto r = runCommand("/usr/bin/timeout",
                      {"3", "/bin/bash", "-c", "exec 3<>/dev/tcp/" + plan.internet_address + "/80"}, 10s, "",
                      plan.lab_id + "-" + plan.endpoints[0].name);
  return r.exit_code == 0;
}

}  // namespace

TEST_CASE("netns lab: quarantine blocks the endpoint's traffic with nftables, links stay up, release restores") {
  if (::geteuid() != 0) {
    WARN("network-namespace mode needs root; not run");
    return;
  }
  NetnsLab lab;
  auto up = lab.ctl({"up", "--netns", "--endpoints", "1"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  LabPlan plan = readLab(lab.dir);
  REQUIRE(plan.netns);
  auto connected = [](const nlohmann::json& e) { return e.value("ems", "") == "connected" && e.value("fortigate", "") == "connected"; };
  REQUIRE(lab.waitFor(connected, 30s));

  CHECK(reachesInternet(plan));
  auto visit = lab.ctl({"endpoint", "pc1", "visit", "http://www.example.com/"});
  INFO(visit.output);
  CHECK(visit.exit_code == 0);

  auto q = lab.ctl({"cli", "fortigate", "-c",
                    "diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-" + plan.endpoints[0].address});
  INFO(q.output);
  REQUIRE(q.exit_code == 0);
  REQUIRE(lab.waitFor([](const nlohmann::json& e) { return e.value("quarantine", "") == "quarantined"; }, 30s));

  CHECK_FALSE(reachesInternet(plan));
  auto ruleset = runCommand("/usr/sbin/nft", {"list", "ruleset"}, 10s, "", plan.lab_id + "-pc1");
  CHECK(ruleset.output.find("drop") != std::string::npos);
  CHECK(connected(lab.endpoint()));
  CHECK(lab.ctl({"endpoint", "pc1", "visit", "http://www.example.com/"}).exit_code == 1);

  auto u = lab.ctl({"cli", "fortigate", "-c",
                    "diagnose endpoint forticlient-ems-rest-api queue-complete-calls U-" + plan.endpoints[0].address});
  REQUIRE(u.exit_code == 0);
  REQUIRE(lab.waitFor([](const nlohmann::json& e) { return e.value("quarantine", "") == "none"; }, 30s));
  CHECK(reachesInternet(plan));
  CHECK(connected(lab.endpoint()));

  auto down = lab.ctl({"down"});
  CHECK(down.exit_code == 0);
  auto namespaces = runCommand("/usr/sbin/ip", {"netns", "list"}, 10s);
  CHECK(namespaces.output.find(plan.lab_id) == std::string::npos);
}

TEST_CASE("netns lab: `run --netns` runs a scenario on a fresh namespace lab and removes its namespaces") {
  if (::geteuid() != 0) {
    WARN("network-namespace mode needs root; not run");
    return;
  }
  auto r = runCommand(kFabricctl,
                      {"run", "--netns", (fs::path(FABRIC_SOURCE_DIR) / "scenarios" / "offline-endpoint.scenario").string()},
                      std::chrono::minutes(3));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("\nPASS ") != std::string::npos);
  CHECK(r.output.find("internet host") != std::string::npos);
  auto lab_id = r.output.substr(4, r.output.find(' ', 4) - 4);  // "Lab <id> in …"
  REQUIRE(lab_id.rfind("lab", 0) == 0);
  auto namespaces = runCommand("/usr/sbin/ip", {"netns", "list"}, 10s);
  CHECK(namespaces.output.find(lab_id) == std::string::npos);
}

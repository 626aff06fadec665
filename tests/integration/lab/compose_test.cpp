// The container lab agrees with the network-namespace lab (no Docker engine runs here): the
// committed docker-compose.yml is what the generator makes of a --netns plan, and every file,
// program and port it names exists and matches the lab's configuration files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <regex>

#include "common/base/atomic_file.h"
#include "scenarios/lab/compose.h"
#include "scenarios/lab/lab_writer.h"

using namespace fabric;
using namespace fabric::lab;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = FABRIC_SOURCE_DIR;
const fs::path kBin = FABRIC_BIN_DIR;
constexpr int kOctet = 30;
constexpr int kReplicas = 2;

LabPlan dockerPlan() {
  PlanOptions o;
  o.netns = true;
  o.octet = kOctet;
  return makeLabPlan(o);
}

struct LabDir {
  fs::path root = fs::temp_directory_path() / ("compose_test_" + std::to_string(::getpid()));
  LabPlan plan = dockerPlan();
  LabDir() { writeLab(root / kComposeLabDir, plan, LabSecrets{"pw"}); }
  ~LabDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  // "./docker/lab/x:/lab/x[:ro]" -> host path under the temporary tree, container path.
  std::pair<fs::path, std::string> volume(const std::string& spec) const {
    auto colon = spec.find(':');
    auto rest = spec.substr(colon + 1);
    return {root / spec.substr(2, colon - 2), rest.substr(0, rest.find(':'))};
  }
};

std::string text(const fs::path& p) {
  auto t = readFile(p);
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("docker-compose.yml is the generator's output for the container lab's plan") {
  CHECK(text(kSource / "docker-compose.yml") == composeYaml(dockerPlan(), kReplicas));
}

TEST_CASE("one Debian 12 image holds every program the compose file runs") {
  std::string dockerfile = text(kSource / "Dockerfile");
  CHECK(dockerfile.find("FROM debian:12") != std::string::npos);
  CHECK(text(kSource / "docker-compose.yml").find("build: .") != std::string::npos);
  for (const auto& s : composeServices(dockerPlan(), kReplicas)) {
    INFO(s.name);
    const std::string program = s.command.at(0);
    CHECK(fs::exists(kBin / program));  // built here
    CHECK(dockerfile.find("/src/build/bin/" + program) != std::string::npos);  // copied into the image
    CHECK(dockerfile.find("ninja -C build") != std::string::npos);
    for (const auto& e : s.entrypoint) {
      fs::path script = kSource / "docker" / fs::path(e).filename();
      CHECK(fs::exists(script));
      CHECK((fs::status(script).permissions() & fs::perms::owner_exec) != fs::perms::none);
      CHECK(dockerfile.find("COPY docker/" + fs::path(e).filename().string() + " " + e) != std::string::npos);
    }
  }
}

TEST_CASE("every node service mounts its home from the lab and runs on the lab's address and ports") {
  LabDir lab;
  for (const auto& s : composeServices(lab.plan, kReplicas)) {
    INFO(s.name);
    for (const auto& v : s.volumes) {
      auto [host, container] = lab.volume(v);
      CHECK(fs::exists(host));
    }
    const NodePlan* node = lab.plan.node(s.name);
    if (!node) continue;
    CHECK(s.ipv4 == node->address);
    // --home names the mounted home, which holds the node's configuration and certificate.
    auto home = std::find(s.command.begin(), s.command.end(), "--home");
    REQUIRE(home != s.command.end());
    auto [host, container] = lab.volume(s.volumes.at(0));
    CHECK(*(home + 1) == container);
    CHECK(fs::exists(host / (node->name + ".conf")));
    CHECK(fs::exists(host / "tls" / "node.pem"));
    CHECK(*(std::find(s.command.begin(), s.command.end(), "--listen") + 1) == node->address);
    std::string conf = text(host / (node->name + ".conf"));
    std::vector<std::string> expected;
    if (s.name == "fortianalyzer") {
      expected = {std::to_string(node->port("https")), std::to_string(node->port("syslog")),
                  std::to_string(node->port("syslog")) + "/udp", std::to_string(node->port("syslog-tls"))};
      CHECK(conf.find("set https_port " + std::to_string(node->port("https"))) != std::string::npos);
      CHECK(conf.find("set syslog-tls-port " + std::to_string(node->port("syslog-tls"))) != std::string::npos);
      // The feed is named relative to the home and mounted where that path leads.
      CHECK(conf.find("set file \"../../feeds/demo-feed.txt\"") != std::string::npos);
      CHECK(fs::exists(host / "../../feeds/demo-feed.txt"));
      CHECK(lab.volume(s.volumes.at(1)).second == "/lab/feeds");
    } else {
      expected = {std::to_string(node->port("https")), std::to_string(node->port("telemetry"))};
    }
    if (s.name == "ems") {
      CHECK(conf.find("set https-port " + std::to_string(node->port("https"))) != std::string::npos);
      CHECK(conf.find("set fct-port " + std::to_string(node->port("telemetry"))) != std::string::npos);
    }
    if (s.name == "fortigate") {
      CHECK(conf.find("set admin-sport " + std::to_string(node->port("https"))) != std::string::npos);
    }
    CHECK(s.expose == expected);
  }
}

TEST_CASE("agents reach the EMS the lab configures, from the range its assignment rule matches") {
  LabDir lab;
  auto services = composeServices(lab.plan, kReplicas);
  const auto& agent = services.back();
  REQUIRE(agent.name == "forticlient");
  CHECK(agent.replicas == kReplicas);
  CHECK(agent.net_admin);
  const NodePlan& ems = *lab.plan.node("ems");
  CHECK(*(std::find(agent.command.begin(), agent.command.end(), "--ems") + 1) ==
        ems.address + ":" + std::to_string(ems.port("telemetry")));
  std::string yaml = text(kSource / "docker-compose.yml");
  CHECK(yaml.find("ip_range: 10.30.1.0/24") != std::string::npos);
  std::string ems_conf = text(lab.root / kComposeLabDir / ems.home / "ems.conf");
  CHECK(ems_conf.find("set match-ip 10.30.1.0 255.255.255.0") != std::string::npos);
  // The FortiGate in the EMS gateway list and the analyzer in the profile are the compose services.
  CHECK(ems_conf.find("set address " + lab.plan.node("fortigate")->address) != std::string::npos);
  CHECK(ems_conf.find("set faz-address " + lab.plan.node("fortianalyzer")->address) != std::string::npos);
  // Every service resolves names through the internet host, as netns namespaces do.
  CHECK(yaml.find("dns: [\"" + lab.plan.internet_address + "\"]") != std::string::npos);
  CHECK(services[services.size() - 2].ipv4 == lab.plan.internet_address);
  CHECK(fs::exists(lab.root / kComposeLabDir / "ca" / "ca.key"));
}

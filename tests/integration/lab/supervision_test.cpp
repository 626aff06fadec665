// LabController against stand-in programs (fake_node.cpp): start waits for ready.json, a program
// that dies or never gets ready is reported with its output and nothing is left running, stop
// escalates to SIGKILL, stopAll stops everything, another controller on the same directory sees and
// stops what the first started, and a stale ready.json from a kill -9 does not count.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base/atomic_file.h"
#include "scenarios/lab/lab_controller.h"
#include "scenarios/lab/lab_writer.h"

using namespace fabric;
using namespace fabric::lab;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct FakeLab {
  fs::path root;
  fs::path bin;
  fs::path dir;
  LabPlan plan;
  std::ostringstream progress;
  std::unique_ptr<LabController> lab;

  FakeLab() {
    root = fs::temp_directory_path() / ("lab_supervision_" + std::to_string(::getpid()) + "_" + randomPassword(6));
    bin = root / "bin";
    dir = root / "lab";
    fs::create_directories(bin);
    for (const char* p : {"fortigate", "fortianalyzer", "ems", "forticlient"}) fs::create_symlink(FAKE_NODE, bin / p);
    PlanOptions o;
    o.endpoint_count = 2;
    o.seed = static_cast<std::uint64_t>(::getpid());
    plan = makeLabPlan(o);
    writeLab(dir, plan, LabSecrets{"pw"});
    lab = std::make_unique<LabController>(dir, plan, bin, progress);
  }
  ~FakeLab() {
    lab->stopAll();  // the guard: whatever a failed check left running
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void behave(const std::string& name, const std::string& what) {
    std::ofstream(lab->home(name) / "fake.behaviour") << what << "\n";
  }
};

}  // namespace

TEST_CASE("start waits for ready.json and stop ends the process") {
  FakeLab f;
  f.lab->start("fortianalyzer", 10s);
  auto pid = f.lab->pid("fortianalyzer");
  REQUIRE(pid);
  CHECK(f.lab->ready("fortianalyzer"));
  CHECK(f.progress.str().find("ready in") != std::string::npos);
  f.lab->stop("fortianalyzer");
  CHECK_FALSE(processAlive(*pid));
  CHECK_FALSE(f.lab->running("fortianalyzer"));
  CHECK_FALSE(fs::exists(f.dir / "run" / "fortianalyzer.pid"));
}

TEST_CASE("a program that exits during start-up is reported with its output") {
  FakeLab f;
  f.behave("ems", "fail-start");
  CHECK_THROWS_WITH(f.lab->start("ems", 10s), Catch::Contains("ems exited during start-up") &&
                                                  Catch::Contains("cannot listen: address in use"));
  CHECK_FALSE(f.lab->running("ems"));
}

TEST_CASE("a program that never gets ready is killed at the timeout") {
  FakeLab f;
  f.behave("fortigate", "never-ready");
  CHECK_THROWS_WITH(f.lab->start("fortigate", 300ms), Catch::Contains("was not ready after"));
  auto text = readFile(f.lab->home("fortigate") / "fake.pid");
  REQUIRE(text);
  CHECK_FALSE(processAlive(static_cast<pid_t>(std::stol(*text))));
  CHECK_FALSE(f.lab->running("fortigate"));
}

TEST_CASE("Ctrl-C during a start kills what was being started") {
  FakeLab f;
  f.behave("ems", "never-ready");
  std::atomic<bool> interrupted{true};
  f.lab->setInterruptFlag(&interrupted);
  CHECK_THROWS_WITH(f.lab->start("ems", 30s), Catch::Contains("interrupted while starting ems"));
  // Interrupted at once, the fake node may have been killed before (or while) writing its pid.
  auto text = readFile(f.lab->home("ems") / "fake.pid");
  if (text && !text->empty()) CHECK_FALSE(processAlive(static_cast<pid_t>(std::stol(*text))));
  CHECK_FALSE(f.lab->running("ems"));
}

TEST_CASE("stop escalates to SIGKILL when SIGTERM is ignored") {
  FakeLab f;
  f.behave("pc1", "ignore-term");
  f.lab->start("pc1", 10s);
  auto pid = f.lab->pid("pc1");
  REQUIRE(pid);
  f.lab->stop("pc1");
  CHECK_FALSE(processAlive(*pid));
  CHECK(f.progress.str().find("killed after 5 s") != std::string::npos);
}

TEST_CASE("another controller on the same lab sees and stops everything; kill -9 leaves a stale ready.json") {
  FakeLab f;
  std::vector<pid_t> pids;
  for (const auto& name : f.lab->names()) {
    f.lab->start(name, 10s);
    pids.push_back(*f.lab->pid(name));
  }
  std::ostringstream other_progress;
  LabController other(f.dir, readLab(f.dir), f.bin, other_progress);
  for (const auto& name : other.names()) CHECK(other.ready(name));

  other.kill("ems");
  CHECK(fs::exists(other.home("ems") / "ready.json"));  // as a crash leaves it
  CHECK_FALSE(other.ready("ems"));
  other.start("ems", 10s);  // the stale file does not count as ready: a new pid writes a new one
  CHECK(other.ready("ems"));
  pids.push_back(*other.pid("ems"));

  other.stopAll();
  for (pid_t p : pids) CHECK_FALSE(processAlive(p));
  for (const auto& name : f.lab->names()) CHECK_FALSE(f.lab->running(name));
}

TEST_CASE("a recorded pid that now belongs to another program is left alone") {
  FakeLab f;
  pid_t self = ::getpid();
  REQUIRE(writeFileAtomically(f.dir / "run" / "fortigate.pid", std::to_string(self) + "\n").empty());
  CHECK_FALSE(f.lab->pid("fortigate"));
  f.lab->stop("fortigate");  // must not signal this test process
  CHECK(processAlive(self));
}

TEST_CASE("captured commands report exit status and output; unknown names are refused") {
  FakeLab f;
  auto r = runCommand("/bin/sh", {"-c", "echo out; echo err >&2; exit 3"}, 10s);
  CHECK(r.exit_code == 3);
  CHECK(r.output.find("out") != std::string::npos);
  CHECK(r.output.find("err") != std::string::npos);
  auto t = runCommand("/bin/sh", {"-c", "cat; sleep 30"}, 200ms, "typed\n");
  CHECK(t.timed_out);
  CHECK(t.output == "typed\n");
  CHECK_THROWS_WITH(f.lab->start("pc9", 1s), Catch::Contains("no node or endpoint 'pc9'"));
}

TEST_CASE("agent status output is read in its array and object forms") {
  CHECK(parseAgentStatus(R"([{"uid":"A","quarantine":{"state":"none"}}])")->value("uid", "") == "A");
  CHECK(parseAgentStatus(R"({"endpoints":[{"uid":"B"}]})")->value("uid", "") == "B");
  CHECK(parseAgentStatus(R"({"uid":"C"})")->value("uid", "") == "C");
  CHECK_FALSE(parseAgentStatus("not json"));
  CHECK_FALSE(parseAgentStatus("[]"));
}

TEST_CASE("an endpoint's links and quarantine are read from its status") {
  auto s = parseAgentStatus(
      R"([{"registered":true,"fortigates_registered":{"FGT-LAB1":"FGVM01TM00000001"},"quarantine":{"state":"quarantined"}}])");
  REQUIRE(s);
  auto links = endpointLinks(*s);
  CHECK(links.ems);
  CHECK(links.fortigate);
  CHECK(links.quarantine == "quarantined");
  links = endpointLinks(nlohmann::json::parse(R"({"registered":false,"fortigates_registered":{}})"));
  CHECK_FALSE(links.ems);
  CHECK_FALSE(links.fortigate);
  CHECK(links.quarantine == "unknown");
  CHECK_FALSE(endpointLinks(nlohmann::json("text")).ems);
}

// fabricctl as a user runs it, with the real daemons (build/bin): every promise of issue 4 that
// is not a scenario. One lab is reused across the checks of a test case (each start costs seconds);
// a second lab runs next to it. Every lab directory has a guard that runs `fabricctl down` and
// then kills, by pid, any process still naming the directory, so a failed check leaves nothing
// running.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/base/atomic_file.h"
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

using fabric::test::processesNaming;

// True when `address:port` can be bound again (as the daemons bind: SO_REUSEADDR).
bool portFree(const std::string& address, int port, int type) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// Every port of every node of the plan, TCP and (syslog) UDP.
void checkPortsFree(const LabPlan& plan) {
  for (const auto& node : plan.nodes) {
    for (const auto& [service, port] : node.ports) {
      INFO(node.name << " " << service << " " << node.address << ":" << port);
      CHECK(portFree(node.address, port, SOCK_STREAM));
      if (service == "syslog") CHECK(portFree(node.address, port, SOCK_DGRAM));
    }
  }
}

std::vector<pid_t> pidsInOutput(const std::string& text) {
  std::vector<pid_t> out;
  static const std::regex pid_re(R"(\(pid (\d+)\))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pid_re); it != std::sregex_iterator(); ++it)
    out.push_back(static_cast<pid_t>(std::stol((*it)[1])));
  return out;
}

CommandResult ctl(std::vector<std::string> args, const std::string& input = "") {
  return runCommand(kFabricctl, args, 90s, input);
}

// A lab directory that is stopped and removed whatever happens.
struct LabDir {
  fs::path dir;
  explicit LabDir(const std::string& name)
      : dir(fs::temp_directory_path() / ("fabricctl_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ~LabDir() {
    if (fs::exists(dir / "lab.json")) ctl({"down", "--dir", dir.string()});
    for (pid_t p : processesNaming(dir)) killProcess(p);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  CommandResult run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin() + 1, {"--dir", dir.string()});
    return ctl(args, input);
  }
  json status() const {
    auto r = run({"status", "--json"});
    auto j = json::parse(r.output, nullptr, false);
    return j.is_object() ? j : json::object();
  }
  json endpoint(const std::string& name) const {
    for (const auto& e : status().value("endpoints", json::array())) {
      if (e.value("name", "") == name) return e;
    }
    return json::object();
  }
  // Polls `fabricctl status --json` until the endpoint's field has the value.
  bool waitEndpoint(const std::string& name, const std::string& field, const std::string& value,
                    std::chrono::seconds timeout) const {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (endpoint(name).value(field, "") == value) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  std::vector<pid_t> pids() const {
    std::vector<pid_t> out;
    auto s = status();
    for (const char* kind : {"nodes", "endpoints"}) {
      for (const auto& n : s.value(kind, json::array())) {
        if (n.contains("pid")) out.push_back(n["pid"].get<pid_t>());
      }
    }
    return out;
  }
};

// fabricctl in its own process group, as a shell runs a foreground job: kill(-pid, SIGINT) is what
// the terminal's Ctrl-C does. Its output is read as it comes.
struct Foreground {
  pid_t pid = -1;
  int out = -1;
  std::string text;

  explicit Foreground(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::setpgid(0, 0);
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      std::vector<std::string> argv = {kFabricctl.string()};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> raw;
      for (auto& a : argv) raw.push_back(a.data());
      raw.push_back(nullptr);
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
    ::setpgid(pid, pid);
    ::close(fds[1]);
    out = fds[0];
  }
  ~Foreground() {
    if (pid > 0 && processAlive(pid)) killProcess(pid);
    if (out >= 0) ::close(out);
  }
  // Reads until `needle` appears (true) or the output ends or `timeout` passes (false).
  bool readUntil(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!contains(text, needle)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) return false;
      text.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  void ctrlC() { ::kill(-pid, SIGINT); }
  // Reads the rest of the output and returns the exit status.
  int finish() {
    readUntil("\x01never printed\x01", 60s);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

fs::path writeScenario(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::create_directories(dir);
  fs::path file = dir / name;
  std::ofstream(file) << text;
  return file;
}

}  // namespace

TEST_CASE("fabricctl: up, status, cli, logs, the demo feed, endpoint, trace, run --dir and down, next to a second lab") {
  LabDir a("a");
  LabDir b("b");

  // up: progress for every program, back only once every endpoint is connected.
  auto up = ctl({"up", "--dir", a.dir.string(), "--endpoints", "2", "--os", "windows,macos"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  for (const char* line : {"starting fortianalyzer", "starting ems", "starting fortigate", "starting pc1",
                           "starting pc2", "Lab is up"})
    CHECK(contains(up.output, line));
  CHECK(std::regex_search(up.output, std::regex(R"(starting ems +127\.\d+\.0\.3 +ready in \d+\.\d\ds \(pid \d+\))")));
  CHECK(std::regex_search(up.output, std::regex(R"(linking +fortigate +-> fortianalyzer +up in \d+\.\d\ds)")));
  for (const char* pc : {"pc1", "pc2"})
    CHECK(std::regex_search(up.output, std::regex(std::string("linking +") + pc + R"( +-> ems, fortigate +up in \d+\.\d\ds)")));
  auto up_b = b.run({"up", "--os", "linux"});
  INFO(up_b.output);
  REQUIRE(up_b.exit_code == 0);
  const LabPlan plan = readLab(a.dir);
  const LabPlan plan_b = readLab(b.dir);
  CHECK(plan.octet != plan_b.octet);
  // `up` on a directory that already holds a lab changes nothing.
  auto again = a.run({"up"});
  CHECK(again.exit_code != 0);
  CHECK(contains(again.output, "already holds a lab"));

  {  // everything a user asks of the two running labs
    // status --json: every node and every endpoint, every field.
    json s = a.status();
    REQUIRE(s["nodes"].size() == 3);
    std::set<std::string> node_names;
    for (const auto& n : s["nodes"]) {
      const std::string name = n.value("name", "");
      node_names.insert(name);
      const NodePlan* p = plan.node(name);
      REQUIRE(p);
      CHECK(n.value("address", "") == p->address);
      CHECK(n.value("serial", "") == p->serial);
      CHECK(n.value("health", "") == "up");
      REQUIRE(n.contains("pid"));
      CHECK(processAlive(n["pid"].get<pid_t>()));
    }
    CHECK(node_names == std::set<std::string>{"fortigate", "fortianalyzer", "ems"});
    CHECK(plan.node("fortigate")->serial.rfind("FGVM01TM", 0) == 0);
    CHECK(plan.node("ems")->serial.rfind("FCTEMS00", 0) == 0);
    CHECK(plan.node("fortianalyzer")->serial.rfind("FAZ-VM00", 0) == 0);
    REQUIRE(s["endpoints"].size() == 2);
    for (const auto& e : s["endpoints"]) {
      const EndpointPlan* p = plan.endpoint(e.value("name", ""));
      REQUIRE(p);
      CHECK(e.value("address", "") == p->address);
      CHECK(e.value("ems", "") == "connected");
      CHECK(e.value("fortigate", "") == "connected");
      CHECK(e.value("quarantine", "") == "none");
      CHECK(e.value("health", "") == "up");
    }
    CHECK(a.endpoint("pc1").value("os", "") == "windows");
    CHECK(contains(a.endpoint("pc1").value("os_version", ""), "Windows"));
    CHECK(a.endpoint("pc2").value("os", "") == "macos");
    CHECK(contains(a.endpoint("pc2").value("os_version", ""), "macOS"));
    // Each endpoint is its own FortiClient: its own serial, the devid of its logs.
    CHECK(a.endpoint("pc1").value("serial", "").rfind("FCT8", 0) == 0);
    CHECK(a.endpoint("pc1").value("serial", "") != a.endpoint("pc2").value("serial", ""));
    CHECK(b.endpoint("pc1").value("os", "") == "linux");
    CHECK(b.endpoint("pc1").value("fortigate", "") == "connected");
    auto text = a.run({"status"});
    CHECK(text.exit_code == 0);
    for (const auto& n : plan.nodes) CHECK(contains(text.output, n.serial));
    CHECK(std::regex_search(text.output, std::regex(R"(pc2 +127\.\d+\.1\.2 +macos +connected +connected +none)")));

    // cli: every node, lines from -c and from standard input, non-zero exit on a failed line.
    for (const auto& node : plan.nodes) {
      auto r = a.run({"cli", node.name, "-c", "get system status"});
      INFO(node.name << ": " << r.output);
      CHECK(r.exit_code == 0);
      CHECK(contains(r.output, node.serial));
      auto in = a.run({"cli", node.name}, "get system status\n");
      INFO(in.output);
      CHECK(in.exit_code == 0);
      CHECK(contains(in.output, node.serial));
      auto bad = a.run({"cli", node.name, "-c", "get system status", "-c", "frobnicate everything"});
      CHECK(bad.exit_code != 0);
      CHECK(contains(bad.output, node.serial));  // the good line ran
      auto bad_in = a.run({"cli", node.name}, "frobnicate everything\n");
      CHECK(bad_in.exit_code != 0);
    }
    CHECK(a.run({"cli", "fgt", "-c", "get system status"}).exit_code == 0);
    CHECK(contains(b.run({"cli", "ems", "-c", "get system status"}).output, plan_b.node("ems")->serial));
    auto agent_cli = a.run({"cli", "pc1", "-c", "get system status"});
    CHECK(agent_cli.exit_code != 0);
    CHECK(contains(agent_cli.output, "FortiClient has no CLI console"));
    CHECK(a.run({"cli", "router", "-c", "x"}).exit_code != 0);

    // endpoint: by name and by address; exit 2 when it was not asked.
    auto visit = a.run({"endpoint", "pc1", "visit", "http://www.example.com/"});
    INFO(visit.output);
    CHECK(visit.exit_code == 0);
    CHECK(contains(visit.output, "remotename=\"www.example.com\""));
    auto resolve = a.run({"endpoint", plan.endpoint("pc2")->address, "resolve", "www.example.com"});
    CHECK(resolve.exit_code == 0);
    CHECK(contains(resolve.output, "PC2"));
    CHECK(a.run({"endpoint", "pc2", "connect", "192.0.2.10:443"}).exit_code == 0);
    CHECK(a.run({"endpoint", "pc2", "download", std::string(64, 'a')}).exit_code == 0);
    CHECK(a.run({"endpoint", "pc1", "fly", "away"}).exit_code == 2);
    CHECK(a.run({"endpoint", "pc1", "visit", "ftp://x"}).exit_code == 2);
    CHECK(a.run({"endpoint", "pc7", "visit", "http://x.example/"}).exit_code == 2);

    // The seed's trigger: a high indicator of the demo feed gets pc1 quarantined; then it cannot.
    CHECK(a.run({"endpoint", "pc1", "visit", "http://malware.bad.example/invoice.exe"}).exit_code == 0);
    REQUIRE(a.waitEndpoint("pc1", "quarantine", "quarantined", 30s));
    auto blocked = a.run({"endpoint", "pc1", "visit", "http://www.example.com/"});
    CHECK(blocked.exit_code == 1);
    CHECK(contains(blocked.output, "blocked"));
    CHECK(a.run({"endpoint", plan.endpoint("pc1")->address, "connect", "192.0.2.10:443"}).exit_code == 1);
    CHECK(a.endpoint("pc1").value("ems", "") == "connected");
    CHECK(a.endpoint("pc2").value("quarantine", "") == "none");
    CHECK(b.endpoint("pc1").value("quarantine", "") == "none");  // the other lab saw nothing

    // The demo feed, documented in the lab directory, is reloaded when it changes.
    const fs::path feed = a.dir / plan.feed;
    auto feed_text = fabric::readFile(feed);
    REQUIRE(feed_text);
    CHECK(contains(*feed_text, "malware.bad.example,domain,high,"));
    CHECK(contains(*feed_text, "suspicious.bad.example,domain,medium,"));
    std::ofstream(feed, std::ios::app) << "fresh.lab.example,domain,high,Lab.Fresh.Test\n";
    CHECK(a.run({"endpoint", "pc2", "visit", "http://fresh.lab.example/landing"}).exit_code == 0);
    CHECK(a.waitEndpoint("pc2", "quarantine", "quarantined", 30s));

    // logs: text, --filter (repeat = AND), --count, --json, a bad filter.
    auto all = a.run({"logs"});
    CHECK(all.exit_code == 0);
    CHECK(contains(all.output, "FortiAnalyzer started"));
    const std::string malware = "remotename==malware.bad.example";
    auto one = a.run({"logs", "--filter", malware});
    CHECK(one.exit_code == 0);
    CHECK(std::count(one.output.begin(), one.output.end(), '\n') == 1);
    CHECK(contains(one.output, "url=\"/invoice.exe\""));
    CHECK(one.output.rfind("date=", 0) == 0);  // as displayed, without the syslog <PRI>
    auto count = a.run({"logs", "--filter", malware, "--count"});
    CHECK(count.output == "1\n");
    CHECK(json::parse(a.run({"logs", "--filter", malware, "--count", "--json"}).output, nullptr, false) ==
          json{{"count", 1}});
    auto rows = json::parse(a.run({"logs", "--filter", malware, "--json"}).output, nullptr, false);
    REQUIRE(rows.is_array());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].value("srcip", "") == plan.endpoint("pc1")->address);
    CHECK(rows[0]["fields"].value("hostname", "") == "PC1");
    CHECK(a.run({"logs", "--filter", malware, "--filter", "hostname==PC2", "--count"}).output == "0\n");
    auto pc2_visits = a.run({"logs", "--filter", "remotename==fresh.lab.example", "--filter", "hostname==PC2", "--count"});
    CHECK(pc2_visits.output == "1\n");
    auto total = a.run({"logs", "--count"});
    CHECK(std::stol(total.output) > 5);
    auto limited = json::parse(a.run({"logs", "--json", "--limit", "2"}).output, nullptr, false);
    CHECK(limited.size() == 2);
    auto bad_filter = a.run({"logs", "--filter", "bad filter (("});
    CHECK(bad_filter.exit_code != 0);
    CHECK(contains(bad_filter.output, "fabricctl:"));
    CHECK(b.run({"logs", "--filter", malware, "--count"}).output == "0\n");

    // trace: the endpoint's latest flow, each step with its time and the time it took. The EMS's
    // steps (4, 5) reach the analyzer over their own link: wait for the five.
    auto fiveSteps = [&](const std::string& endpoint) {
      auto deadline = Clock::now() + 30s;
      while (Clock::now() < deadline) {
        auto j = json::parse(a.run({"trace", endpoint, "--json"}).output, nullptr, false);
        if (j.is_object() && j["steps"].is_array() && j["steps"].size() == 5 &&
            std::all_of(j["steps"].begin(), j["steps"].end(), [](const json& st) { return st.value("present", false); }))
          return true;
        std::this_thread::sleep_for(100ms);
      }
      return false;
    };
    CHECK(fiveSteps("pc1"));
    auto trace = a.run({"trace", "pc1"});
    INFO(trace.output);
    CHECK(trace.exit_code == 0);
    CHECK(contains(trace.output, "Timeline of pc1"));
    CHECK(contains(trace.output, "indicator malware.bad.example"));
    for (int step = 1; step <= 5; ++step) {
      CHECK(std::regex_search(trace.output, std::regex("\\n  " + std::to_string(step) +
                                                       R"(  \d\d:\d\d:\d\d\.\d\d\d +\+\d+\.\d\d\ds  )")));
    }
    auto tj = json::parse(a.run({"trace", plan.endpoint("pc1")->address, "--json"}).output, nullptr, false);
    REQUIRE(tj.is_object());
    CHECK(tj.value("endpoint", "") == "pc1");
    CHECK(tj.value("indicator", "") == "malware.bad.example");
    REQUIRE(tj["steps"].size() == 5);
    long long previous = 0;
    for (int i = 0; i < 5; ++i) {
      const auto& step = tj["steps"][i];
      CHECK(step.value("step", 0) == i + 1);
      CHECK(step.value("present", false));
      CHECK(step.value("time_ns", 0LL) >= previous);
      previous = step.value("time_ns", 0LL);
      REQUIRE(step.contains("since_previous_ms"));
      CHECK(step["since_previous_ms"].get<double>() >= 0.0);
    }
    CHECK(fiveSteps("pc2"));
    auto t2 = json::parse(a.run({"trace", "pc2", "--json"}).output, nullptr, false);
    CHECK(t2.value("indicator", "") == "fresh.lab.example");
    CHECK(t2.value("flow_id", "") != tj.value("flow_id", ""));
    CHECK(b.run({"trace", "pc1"}).exit_code != 0);
    // --flow: pc1 has a quarantine flow and no release flow yet.
    auto tq = json::parse(a.run({"trace", "pc1", "--flow", "quarantine", "--json"}).output, nullptr, false);
    CHECK(tq.value("kind", "") == "quarantine");
    CHECK(tq.value("flow_id", "") == tj.value("flow_id", ""));
    auto no_release = a.run({"trace", "pc1", "--flow", "release"});
    CHECK(no_release.exit_code != 0);
    CHECK(contains(no_release.output, "no release flow of pc1"));

    // run --dir: a scenario on this lab, which stays up afterwards.
    auto file = writeScenario(a.dir / "user", "check.scenario",
                              "title Checks on a running lab\n"
                              "lab endpoint pc1\n"
                              "lab endpoint pc2 os macos\n"
                              "expect pc1 quarantined\n"
                              "expect pc2 connected to ems\n"
                              "cli fgt: get system status\n"
                              "expect output contains \"${fortigate.serial}\"\n"
                              "endpoint pc1 visit http://www.example.com/ expect blocked\n");
    auto run = ctl({"run", file.string(), "--dir", a.dir.string()});
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(contains(run.output, "\nPASS "));
    const json running = a.status();  // a range-for over a temporary's member would dangle
    for (const auto& n : running["nodes"]) CHECK(n.value("health", "") == "up");
    auto other_os = writeScenario(a.dir / "user", "linux.scenario", "lab endpoint pc2 os linux\nexpect pc2 up\n");
    auto mismatch = ctl({"run", other_os.string(), "--dir", a.dir.string()});
    CHECK(mismatch.exit_code != 0);
    CHECK(contains(mismatch.output, "pc2 is a macos endpoint"));
  }

  // down stops by pid, and only its own lab.
  auto pids_a = a.pids();
  auto pids_b = b.pids();
  REQUIRE(pids_a.size() == 5);
  REQUIRE(pids_b.size() == 4);
  auto down_b = b.run({"down"});
  CHECK(down_b.exit_code == 0);
  for (pid_t p : pids_b) CHECK_FALSE(processAlive(p));
  for (pid_t p : pids_a) CHECK(processAlive(p));
  CHECK(a.endpoint("pc2").value("ems", "") == "connected");
  auto down_a = a.run({"down"});
  CHECK(down_a.exit_code == 0);
  for (pid_t p : pids_a) CHECK_FALSE(processAlive(p));
  CHECK(processesNaming(a.dir).empty());
  CHECK(processesNaming(b.dir).empty());
  checkPortsFree(plan);
  checkPortsFree(plan_b);
  const json stopped = a.status();  // a range-for over a temporary's member would dangle
  for (const auto& n : stopped["nodes"]) CHECK(n.value("health", "") == "down");
  CHECK(a.run({"down"}).exit_code == 0);  // nothing left to stop is not an error
  auto cli_down = a.run({"cli", "fortigate", "-c", "get system status"});
  CHECK(cli_down.exit_code != 0);
  CHECK(contains(cli_down.output, "fortigate is not running"));
  CHECK(a.run({"endpoint", "pc1", "visit", "http://www.example.com/"}).exit_code == 2);
}

TEST_CASE("fabricctl: Ctrl-C during up and during run stops every daemon it started and frees their ports") {
  SECTION("up") {
    LabDir c("sigint_up");
    Foreground up({"up", "--dir", c.dir.string(), "--endpoints", "3"});
    REQUIRE(up.readUntil("starting ems", 60s));
    up.ctrlC();
    int rc = up.finish();
    INFO(up.text);
    CHECK(rc != 0);
    CHECK(contains(up.text, "interrupted"));
    CHECK_FALSE(contains(up.text, "Lab is up"));
    CHECK_FALSE(pidsInOutput(up.text).empty());  // the analyzer at least was running
    for (pid_t p : pidsInOutput(up.text)) CHECK_FALSE(processAlive(p));
    CHECK(processesNaming(c.dir).empty());
    checkPortsFree(readLab(c.dir));
    for (const auto& name : {"fortianalyzer", "ems", "fortigate", "pc1", "pc2", "pc3"})
      CHECK_FALSE(fs::exists(c.dir / "run" / (std::string(name) + ".pid")));
  }
  SECTION("run") {
    LabDir files("sigint_run");
    auto file = writeScenario(files.dir, "forever.scenario",
                              "title Waits for what never comes\n"
                              "lab endpoint pc1\n"
                              "lab endpoint pc2 os macos\n"
                              "start all\n"
                              "wait pc1 connected within 30s\n"
                              "wait pc2 quarantined within 10m\n");
    Foreground run({"run", file.string()});
    REQUIRE(run.readUntil("wait pc2 quarantined within 10m\n", 60s));
    static const std::regex dir_re(R"(Lab lab\S+ in (\S+) \(fresh\))");
    std::smatch m;
    REQUIRE(std::regex_search(run.text, m, dir_re));
    LabDir fresh("unused");
    fresh.dir = m[1].str();  // the guard now covers the fresh lab
    const auto started = pidsInOutput(run.text);
    CHECK(started.size() == 5);
    for (pid_t p : started) CHECK(processAlive(p));
    run.ctrlC();
    int rc = run.finish();
    INFO(run.text);
    CHECK(rc == 1);
    CHECK(contains(run.text, "interrupted"));
    CHECK(contains(run.text, "\nFAIL "));
    for (pid_t p : started) CHECK_FALSE(processAlive(p));
    CHECK(processesNaming(fresh.dir).empty());
    checkPortsFree(readLab(fresh.dir));
  }
}

TEST_CASE("fabricctl run: a fresh lab of its own, removed after a pass; a bad file is refused by line") {
  LabDir files("run");
  auto good = writeScenario(files.dir, "quick.scenario",
                            "title Quick\n"
                            "lab endpoint mac1 os macos\n"
                            "start all\n"
                            "wait mac1 connected within 30s\n"
                            "endpoint mac1 resolve www.example.com\n");
  auto r = ctl({"run", good.string()});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.output, "\nPASS "));
  static const std::regex dir_re(R"(Lab lab\S+ in (\S+) \(fresh\))");
  std::smatch m;
  REQUIRE(std::regex_search(r.output, m, dir_re));
  const fs::path fresh = m[1].str();
  CHECK_FALSE(fs::exists(fresh));
  CHECK(processesNaming(fresh).empty());
  for (pid_t p : pidsInOutput(r.output)) CHECK_FALSE(processAlive(p));

  auto bad = writeScenario(files.dir, "bad.scenario",
                           "title Bad\n"
                           "start all\n"
                           "wait pc1 connected\n");
  auto b = ctl({"run", bad.string()});
  CHECK(b.exit_code == 2);
  CHECK(contains(b.output, bad.string() + ":3: wait needs a timeout at the end"));
  CHECK_FALSE(contains(b.output, "Lab "));  // nothing was created or started
  auto typo = writeScenario(files.dir, "typo.scenario", "start all\nendpoint pc2 visit http://x.example/\n");
  auto t = ctl({"run", typo.string()});
  CHECK(t.exit_code == 2);
  CHECK(contains(t.output, typo.string() + ":2: unknown endpoint or node 'pc2'"));
  auto missing = ctl({"run", (files.dir / "absent.scenario").string()});
  CHECK(missing.exit_code != 0);
  CHECK(contains(missing.output, "cannot read"));
}

TEST_CASE("fabricctl up: a program that cannot start is named with its output, and what was started is stopped") {
  // An octet above the random range (16..239), so no other lab draws it; its FortiGate port is
  // taken before `up` runs.
  const int octet = 240 + static_cast<int>(::getpid() % 14);
  LabDir probe("busy_probe");
  REQUIRE(probe.run({"up", "--no-start", "--octet", std::to_string(octet)}).exit_code == 0);
  const NodePlan fgt = *readLab(probe.dir).node("fortigate");
  int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(holder >= 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(fgt.port("https")));
  ::inet_pton(AF_INET, fgt.address.c_str(), &sa.sin_addr);
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  REQUIRE(::listen(holder, 1) == 0);

  LabDir busy("busy");
  auto up = busy.run({"up", "--octet", std::to_string(octet)});
  ::close(holder);
  INFO(up.output);
  CHECK(up.exit_code == 1);
  CHECK(contains(up.output, "fortigate exited during start-up"));
  CHECK(contains(up.output, "Address already in use"));
  CHECK(contains(up.output, "stopping what was started"));
  const auto started = pidsInOutput(up.output);
  CHECK(started.size() >= 2);  // the analyzer and the EMS were up
  for (pid_t p : started) CHECK_FALSE(processAlive(p));
  CHECK(processesNaming(busy.dir).empty());
}

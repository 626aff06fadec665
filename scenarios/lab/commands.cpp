#include "scenarios/lab/commands.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <cstdlib>
#include <cstring>
#include <cerrno>

#include "common/base/atomic_file.h"
#include "common/tls/pki.h"
#include "scenarios/lab/compose.h"
#include "scenarios/lab/internet_host.h"
#include "scenarios/lab/lab_controller.h"
#include "scenarios/lab/lab_health.h"
#include "scenarios/lab/lab_logs.h"
#include "scenarios/lab/lab_writer.h"
#include "scenarios/lab/netns.h"
#include "scenarios/lab/scenario_runner.h"

namespace fabric::lab {
namespace {

namespace fs = std::filesystem;

std::uint64_t freshSeed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

bool privilegedPortsAllowed() {
  if (::geteuid() == 0) return true;
  std::ifstream in("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  int start = 1024;
  in >> start;
  return start <= 443;
}

// True when no other lab on this machine uses the plan's octet.
bool labAddressFree(const LabPlan& plan) {
  // Namespaces: another lab with the same octet owns the bridge fablabB.
  if (plan.netns) return !fs::exists(fs::path("/sys/class/net") / plan.bridge);
  const NodePlan& fgt = *plan.node("fortigate");
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(fgt.port("https")));
  ::inet_pton(AF_INET, fgt.address.c_str(), &sa.sin_addr);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return free;
}

// Draws plans until one's addresses are not in use by another lab on this machine.
LabPlan drawPlan(PlanOptions options) {
  for (int attempt = 0;; ++attempt) {
    options.seed = freshSeed() + static_cast<std::uint64_t>(attempt);
    LabPlan plan = makeLabPlan(options);
    if (options.octet || labAddressFree(plan) || attempt == 20) return plan;
  }
}

int fail(const std::string& message) {
  std::cerr << "fabricctl: " << message << "\n";
  return 1;
}

// The internet host of a netns lab runs as `fabricctl internet-host` in its namespace.
void startInternetHost(const LabController& lab, const fs::path& self) {
  const auto& plan = lab.plan();
  fs::path ready = lab.dir() / "run" / "internet.ready";
  std::error_code ec;
  fs::remove(ready, ec);
  DaemonSpec spec{self, {"internet-host", "--listen", plan.internet_address, "--ready-file", ready.string()},
                  lab.dir() / "run" / "internet.out", internetNamespace(plan)};
  pid_t pid = spawnDaemon(spec);
  std::string err = writeFileAtomically(lab.dir() / "run" / "internet.pid", std::to_string(pid) + "\n");
  if (!err.empty()) throw std::runtime_error(err);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(ready)) {
    if (!processAlive(pid) || std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the internet host did not start: " + lab.outputTail("internet"));
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::cout << "  internet host    " << plan.internet_address << " ready (http 80, dns 53)\n";
}

void stopInternetHost(const LabController& lab) {
  auto text = readFile(lab.dir() / "run" / "internet.pid");
  if (!text) return;
  pid_t pid = static_cast<pid_t>(std::atol(text->c_str()));
  if (pid > 0 && processAlive(pid) && processHasArgument(pid, "internet-host")) stopProcess(pid, std::chrono::seconds(3));
  std::error_code ec;
  fs::remove(lab.dir() / "run" / "internet.pid", ec);
}

void startLab(LabController& lab, int timeout_s, const std::atomic<bool>& interrupted) {
  lab.setInterruptFlag(&interrupted);
  for (const auto& node : lab.plan().nodes) lab.start(node.name, std::chrono::seconds(timeout_s));
  waitFortigateLinked(lab, std::chrono::seconds(timeout_s), interrupted, std::cout);
  if (lab.plan().fleet) {
    // Start-up work and connecting grow with the fleet: the timeout is per 1000 endpoints.
    const auto per_1000 = std::chrono::seconds(timeout_s * (1 + static_cast<int>(lab.plan().endpoints.size()) / 1000));
    lab.start(LabController::kFleet, per_1000);
    waitFleetConnected(lab, per_1000, interrupted, std::cout);
    return;
  }
  for (const auto& e : lab.plan().endpoints) {
    if (!e.offline) lab.start(e.name, std::chrono::seconds(timeout_s));
  }
  for (const auto& e : lab.plan().endpoints) {
    if (!e.offline) waitEndpointConnected(lab, e.name, std::chrono::seconds(timeout_s), interrupted, std::cout);
  }
}

void downLab(LabController& lab) {
  lab.stopAll();
  if (lab.plan().netns) {
    stopInternetHost(lab);
    teardownNetwork(lab.plan());
  }
}

// "<190>date=…" as received over syslog -> "date=…", as the analyzer displays a log.
std::string withoutSyslogPriority(const std::string& raw) {
  if (raw.size() < 3 || raw[0] != '<') return raw;
  std::size_t close = raw.find('>');
  if (close == std::string::npos || close < 2 || close > 4) return raw;
  for (std::size_t i = 1; i < close; ++i) {
    if (raw[i] < '0' || raw[i] > '9') return raw;
  }
  return raw.substr(close + 1);
}

std::string healthOf(const LabController& lab, const std::string& name) {
  if (lab.ready(name)) return "up";
  if (lab.running(name)) return "starting";
  return "down";
}

}  // namespace

int cmdUp(const UpOptions& o, const std::atomic<bool>& interrupted) {
  if (o.netns && o.start && ::geteuid() != 0) return fail("--netns needs root (network namespaces, bridge, nftables)");
  PlanOptions po;
  po.octet = o.octet;
  po.endpoint_count = o.endpoints;
  po.endpoint_os = o.os;
  po.netns = o.netns;
  po.fleet = o.fleet || o.endpoints > kMaxEndpoints;
  po.privileged_ports = o.netns || privilegedPortsAllowed();
  LabPlan plan;
  try {
    plan = drawPlan(po);
    writeLab(o.common.dir, plan, LabSecrets{randomPassword()});
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::cout << "Lab " << plan.lab_id << " in " << fs::absolute(o.common.dir).string() << " ("
            << (plan.netns ? "network namespaces, 10." : "loopback, 127.") << plan.octet << ".0.0/16)\n";
  if (!o.start) return 0;
  if (interrupted) return fail("interrupted: the lab directory is written, nothing was started");
  LabController lab(o.common.dir, plan, o.common.bin_dir, std::cout);
  try {
    if (plan.netns) {
      setupNetwork(plan);
      startInternetHost(lab, o.common.bin_dir / "fabricctl");
    }
    startLab(lab, o.timeout_s, interrupted);
  } catch (const std::exception& e) {
    std::cerr << "fabricctl: " << e.what() << "\n";
    std::cerr << "fabricctl: stopping what was started\n";
    downLab(lab);
    return 1;
  }
  if (interrupted) {  // a Ctrl-C after the last wait: the user asked to stop
    std::cerr << "fabricctl: interrupted; stopping what was started\n";
    downLab(lab);
    return 1;
  }
  std::cout << "Lab is up. `fabricctl status --dir " << o.common.dir.string() << "` lists it; `fabricctl down --dir "
            << o.common.dir.string() << "` stops it.\n";
  return 0;
}

int cmdDown(const CommonOptions& o) {
  try {
    LabController lab(o.dir, readLab(o.dir), o.bin_dir, std::cout);
    downLab(lab);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}

int cmdStatus(const StatusOptions& o) {
  try {
    LabController lab(o.common.dir, readLab(o.common.dir), o.common.bin_dir, std::cout);
    const auto& plan = lab.plan();
    nlohmann::json j = {{"lab", plan.lab_id}, {"mode", plan.netns ? "netns" : "loopback"},
                        {"dir", lab.dir().string()}, {"nodes", nlohmann::json::array()},
                        {"endpoints", nlohmann::json::array()}};
    for (const auto& n : plan.nodes) {
      nlohmann::json node = {{"name", n.name},         {"address", n.address}, {"serial", n.serial},
                             {"hostname", n.hostname}, {"ports", n.ports},     {"health", healthOf(lab, n.name)}};
      if (auto p = lab.pid(n.name)) node["pid"] = *p;
      j["nodes"].push_back(node);
    }
    // A fleet answers for all its endpoints at once (brief status, matched by address).
    std::optional<pid_t> fleet_pid;
    std::string fleet_health;
    std::unordered_map<std::string, nlohmann::json> fleet_status;
    if (plan.fleet) {
      j["fleet"] = {{"home", lab.home(LabController::kFleet).string()}, {"health", healthOf(lab, LabController::kFleet)}};
      fleet_pid = lab.pid(LabController::kFleet);
      fleet_health = j["fleet"]["health"].get<std::string>();
      if (fleet_pid) j["fleet"]["pid"] = *fleet_pid;
      if (auto all = lab.fleetStatus()) {
        const FleetCounts c = countFleet(*all);
        for (auto& e : *all) {
          std::string ip = e.value("ip", "");
          fleet_status[ip] = std::move(e);
        }
        j["fleet"]["registered"] = c.ems;
        j["fleet"]["connected"] = c.fortigate;
        j["fleet"]["quarantined"] = c.quarantined;
      }
    }
    for (const auto& e : plan.endpoints) {
      nlohmann::json ep = {{"name", e.name}, {"address", e.address}, {"os", e.os},
                           {"health", plan.fleet ? fleet_health : healthOf(lab, e.name)},
                           {"ems", "unknown"}, {"fortigate", "unknown"}, {"quarantine", "unknown"}};
      std::optional<nlohmann::json> status;
      if (plan.fleet) {
        if (fleet_pid) ep["pid"] = *fleet_pid;
        if (auto it = fleet_status.find(e.address); it != fleet_status.end()) status = it->second;
      } else {
        if (auto p = lab.pid(e.name)) ep["pid"] = *p;
        status = lab.endpointStatus(e.name);
      }
      if (const auto& s = status) {
        const EndpointLinks links = endpointLinks(*s);
        ep["uid"] = s->value("uid", "");
        ep["serial"] = s->value("serial", "");  // its FortiClient serial, the devid of its logs
        ep["hostname"] = s->value("hostname", e.hostname);
        ep["os_version"] = s->value("os_version", "");
        ep["ems"] = links.ems ? "connected" : "disconnected";
        ep["fortigate"] = links.fortigate ? "connected" : "disconnected";
        ep["quarantine"] = links.quarantine;
      } else if (plan.fleet ? !fleet_pid : !lab.running(e.name)) {
        ep["ems"] = ep["fortigate"] = "offline";
      }
      j["endpoints"].push_back(ep);
    }
    if (o.json) {
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::cout << "Lab " << plan.lab_id << " (" << j["mode"].get<std::string>() << ") in " << lab.dir().string() << "\n\n";
    std::cout << std::left << std::setw(15) << "NODE" << std::setw(14) << "ADDRESS" << std::setw(18) << "SERIAL"
              << "HEALTH\n";
    for (const auto& n : j["nodes"]) {
      std::cout << std::setw(15) << n["name"].get<std::string>() << std::setw(14) << n["address"].get<std::string>()
                << std::setw(18) << n["serial"].get<std::string>() << n["health"].get<std::string>() << "\n";
    }
    if (j.contains("fleet")) {
      const auto& f = j["fleet"];
      std::cout << "\nfleet: " << plan.endpoints.size() << " endpoints in one process ("
                << f["health"].get<std::string>();
      if (f.contains("pid")) std::cout << ", pid " << f["pid"].get<long>();
      if (f.contains("registered"))
        std::cout << "; " << f["registered"].get<std::size_t>() << " registered with EMS, "
                  << f["connected"].get<std::size_t>() << " connected to the FortiGate, "
                  << f["quarantined"].get<std::size_t>() << " quarantined";
      std::cout << ")\n";
    }
    std::cout << "\n" << std::setw(12) << "ENDPOINT" << std::setw(14) << "ADDRESS" << std::setw(9) << "OS"
              << std::setw(14) << "EMS" << std::setw(14) << "FORTIGATE" << "QUARANTINE\n";
    for (const auto& e : j["endpoints"]) {
      std::cout << std::setw(12) << e["name"].get<std::string>() << std::setw(14) << e["address"].get<std::string>()
                << std::setw(9) << e["os"].get<std::string>() << std::setw(14) << e["ems"].get<std::string>()
                << std::setw(14) << e["fortigate"].get<std::string>() << e["quarantine"].get<std::string>() << "\n";
    }
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}

int cmdCli(const CliOptions& o) {
  try {
    LabController lab(o.common.dir, readLab(o.common.dir), o.common.bin_dir, std::cerr);
    std::string node = o.node == "fgt" ? "fortigate" : o.node == "faz" ? "fortianalyzer" : o.node;
    if (lab.isEndpoint(o.node))
      return fail("'" + o.node + "' is an endpoint: FortiClient has no CLI console. Use `fabricctl endpoint " + o.node +
                  " --dir DIR visit|resolve|connect|download …` to make it act and `fabricctl status` to see its state");
    if (!lab.isNode(node)) return fail("'" + o.node + "' is not a node (fortigate, fortianalyzer, ems)");
    if (!lab.running(node)) return fail(node + " is not running (`fabricctl status --dir " + o.common.dir.string() + "`)");
    // Hand the terminal to the node's own console client: prompts, stdin scripts and exit status
    // are exactly the program's.
    std::vector<std::string> args = {(o.common.bin_dir / node).string(), "cli", "--home", lab.home(node).string()};
    for (const auto& line : o.lines) args.insert(args.end(), {"-c", line});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return fail("cannot run " + args[0] + ": " + std::strerror(errno));
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

int cmdLogs(const LogsOptions& o) {
  try {
    LabController lab(o.common.dir, readLab(o.common.dir), o.common.bin_dir, std::cerr);
    LabLogs logs(lab.home("fortianalyzer"));
    auto r = logs.search(o.filters, o.limit, o.count);
    if (!r.error.empty()) return fail(r.error);
    if (o.count) {
      std::cout << (o.json ? nlohmann::json{{"count", r.count}}.dump() : std::to_string(r.count)) << "\n";
      return 0;
    }
    if (o.json) {
      std::cout << nlohmann::json(r.rows).dump(2) << "\n";
      return 0;
    }
    // Oldest first on screen, as `execute log display` reads.
    for (auto it = r.rows.rbegin(); it != r.rows.rend(); ++it) std::cout << withoutSyslogPriority(it->value("raw", "")) << "\n";
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}

int cmdEndpoint(const EndpointOptions& o) {
  // Exit status: 0 done, 1 the endpoint could not (refused, e.g. quarantined), 2 it was not asked
  // (bad words, unknown or stopped endpoint, agent unreachable).
  if (auto usage = activityUsageError(o.words)) {
    std::cerr << "fabricctl: " << *usage << "\n";
    return 2;
  }
  try {
    LabController lab(o.common.dir, readLab(o.common.dir), o.common.bin_dir, std::cerr);
    const EndpointPlan* e = lab.plan().endpoint(o.endpoint);
    if (!e) {
      std::cerr << "fabricctl: no endpoint '" << o.endpoint << "' in this lab\n";
      return 2;
    }
    if (!lab.running(e->name)) {
      std::cerr << "fabricctl: endpoint " << e->name << " is not running\n";
      return 2;
    }
    auto r = lab.act(e->name, o.words);
    std::cout << r.output;
    if (r.exit_code == 0 || r.exit_code == 1) return r.exit_code;
    std::cerr << "fabricctl: could not reach " << e->name << " (forticlient act exited " << r.exit_code << ")\n";
    return 2;
  } catch (const std::exception& ex) {
    std::cerr << "fabricctl: " << ex.what() << "\n";
    return 2;
  }
}

int cmdTrace(const TraceOptions& o) {
  try {
    LabController lab(o.common.dir, readLab(o.common.dir), o.common.bin_dir, std::cerr);
    const EndpointPlan* e = lab.plan().endpoint(o.endpoint);
    if (!e) return fail("no endpoint '" + o.endpoint + "' in this lab");
    std::string uid;
    if (auto s = lab.endpointStatus(e->name)) uid = s->value("uid", "");
    LabLogs logs(lab.home("fortianalyzer"));
    // Every flow oldest first (a quarantine, then its release), or the one --flow names.
    std::vector<Timeline> shown = logs.timelines(e->address, uid);
    if (o.flow != "all") {
      auto choice = parseFlowChoice(o.flow);
      if (!choice) return fail("--flow must be all, latest, quarantine or release, not '" + o.flow + "'");
      const Timeline* t = chooseFlow(shown, *choice);
      if (!t) return fail("no " + (o.flow == "latest" ? std::string() : o.flow + " ") + "flow of " + e->name +
                          " in the FortiAnalyzer's logs");
      shown = {*t};
    }
    if (shown.empty()) return fail("no flow of " + e->name + " in the FortiAnalyzer's logs");
    if (o.json) {
      // The newest flow shown at the top level (flow_id, kind, indicator, steps), and every flow
      // shown, oldest first, under "flows".
      nlohmann::json j = timelineJson(shown.back());
      nlohmann::json flows = nlohmann::json::array();
      for (const auto& t : shown) flows.push_back(timelineJson(t));
      j["endpoint"] = e->name;
      j["address"] = e->address;
      j["flows"] = std::move(flows);
      std::cout << j.dump(2) << "\n";
    } else {
      for (std::size_t i = 0; i < shown.size(); ++i)
        std::cout << (i ? "\n" : "") << formatTimeline(shown[i], e->name + " (" + e->address + ")");
    }
  } catch (const std::exception& ex) {
    return fail(ex.what());
  }
  return 0;
}

int cmdRun(const RunOptions& o, const std::atomic<bool>& interrupted) {
  std::ifstream in(o.scenario);
  if (!in) return fail("cannot read " + o.scenario.string());
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseScenario(text.str());
  if (auto* error = std::get_if<ScenarioError>(&parsed)) {
    std::cerr << o.scenario.string() << ":" << error->line << ": " << error->message << "\n";
    return 2;
  }
  const Scenario& scenario = std::get<Scenario>(parsed);
  fs::path dir;
  bool fresh = !o.dir.has_value();
  LabPlan plan;
  try {
    if (fresh) {
      if (o.netns && ::geteuid() != 0) return fail("--netns needs root");
      // A new directory every time (mkdtemp): a lab kept after a failure never blocks a later run.
      std::string tmpl = (fs::temp_directory_path() / "fabric-lab-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) return fail("cannot create a lab directory in " + fs::temp_directory_path().string());
      dir = tmpl;
      PlanOptions po;
      for (const auto& e : scenario.endpoints) po.endpoints.push_back({e.name, e.os, e.offline});
      po.netns = o.netns;
      po.privileged_ports = o.netns || privilegedPortsAllowed();
      plan = drawPlan(po);
      writeLab(dir, plan, LabSecrets{randomPassword()});
    } else {
      dir = *o.dir;
      plan = readLab(dir);
      for (const auto& e : scenario.endpoints) {
        const EndpointPlan* have = plan.endpoint(e.name);
        if (!have) return fail("the lab in " + dir.string() + " has no endpoint " + e.name);
        if (have->os != e.os)
          return fail("the scenario declares " + e.name + " as " + e.os + ", but in the lab in " + dir.string() + " " +
                      e.name + " is a " + have->os + " endpoint");
      }
    }
  } catch (const std::exception& e) {
    if (fresh && !dir.empty()) {
      std::error_code ec;
      fs::remove_all(dir, ec);  // nothing was started in it
    }
    return fail(e.what());
  }
  LabController lab(dir, plan, o.bin_dir, std::cout);
  lab.setInterruptFlag(&interrupted);
  std::cout << "Lab " << plan.lab_id << " in " << lab.dir().string() << (fresh ? " (fresh)" : "") << "\n";
  bool passed = false;
  try {
    if (fresh && plan.netns) {
      setupNetwork(plan);
      startInternetHost(lab, o.bin_dir / "fabricctl");
    }
    ScenarioRunner runner(lab, std::cout, interrupted);
    passed = runner.run(scenario);
  } catch (const std::exception& e) {
    std::cout << "FAIL  " << e.what() << "\n";
  }
  if (fresh) {
    downLab(lab);
    if (o.keep || !passed) {
      std::cout << "lab directory kept: " << lab.dir().string() << "\n";
    } else {
      std::error_code ec;
      fs::remove_all(lab.dir(), ec);
    }
  }
  return passed ? 0 : 1;
}

int cmdCompose(const ComposeOptions& o) {
  try {
    LabPlan plan = readLab(o.common.dir);
    if (!plan.netns)
      return fail("the container lab mirrors a network-namespace lab: create it with `fabricctl up --netns --no-start`");
    std::cout << composeYaml(plan, o.replicas);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}

int cmdEnroll(const EnrollOptions& o) {
  try {
    auto cert = readFile(o.ca_dir / "ca.pem");
    auto key = readFile(o.ca_dir / "ca.key");
    if (!cert || !key) return fail("cannot read ca.pem and ca.key in " + o.ca_dir.string());
    tls::KeyPair ca{*cert, *key};
    tls::CertificateSpec spec;
    spec.common_name = newFortiClientUid();  // the agent adopts it as its uid
    spec.dns_names = {o.hostname};
    spec.ip_addresses = {o.ip};
    fs::create_directories(o.home);
    tls::installNodeCertificate(o.home, ca, tls::issueCertificate(ca, spec));
    std::cout << "enrolled " << o.hostname << " (" << o.ip << ", FortiClient uid " << spec.common_name << ") in "
              << o.home.string() << "\n";
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}

}  // namespace fabric::lab

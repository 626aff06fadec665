#include "scenarios/lab/lab_controller.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <signal.h>

#include "common/base/atomic_file.h"

namespace fabric::lab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr auto kStopGrace = std::chrono::seconds(5);
constexpr auto kPoll = std::chrono::milliseconds(25);

std::string seconds(Clock::duration d) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << std::chrono::duration<double>(d).count() << "s";
  return o.str();
}

}  // namespace

LabController::LabController(fs::path dir, LabPlan plan, fs::path bin_dir, std::ostream& progress)
    : dir_(fs::absolute(dir)), plan_(std::move(plan)), bin_dir_(std::move(bin_dir)), progress_(progress) {
  fs::create_directories(dir_ / "run");
}

std::vector<std::string> LabController::names() const {
  std::vector<std::string> out;
  for (const auto& n : plan_.nodes) out.push_back(n.name);
  for (const auto& e : plan_.endpoints) out.push_back(e.name);
  return out;
}

bool LabController::isNode(const std::string& name) const { return plan_.node(name) != nullptr; }
bool LabController::isEndpoint(const std::string& name) const {
  return !isNode(name) && plan_.endpoint(name) != nullptr;
}

std::string LabController::processOf(const std::string& name) const {
  return plan_.fleet && isEndpoint(name) ? kFleet : name;
}

void LabController::requireKnown(const std::string& name) const {
  if (plan_.fleet && name == kFleet) return;
  if (!isNode(name) && !isEndpoint(name)) {
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw std::runtime_error("no node or endpoint '" + name + "' in this lab (" + known + ")");
  }
}

fs::path LabController::home(const std::string& name) const {
  requireKnown(name);
  if (plan_.fleet && name == kFleet) return dir_ / plan_.fleet_home;
  if (const auto* n = plan_.node(name)) return dir_ / n->home;
  return dir_ / plan_.endpoint(name)->home;
}

std::string LabController::address(const std::string& name) const {
  requireKnown(name);
  if (plan_.fleet && name == kFleet) return plan_.endpoints.front().address;
  if (const auto* n = plan_.node(name)) return n->address;
  return plan_.endpoint(name)->address;
}

std::string LabController::netnsOf(const std::string& name) const {
  if (!plan_.netns) return "";
  requireKnown(name);
  return plan_.lab_id + "-" + (isNode(name) ? name : plan_.endpoint(name)->name);
}

fs::path LabController::program(const std::string& name) const {
  return bin_dir_ / (isNode(name) ? name : std::string("forticlient"));
}

fs::path LabController::pidRecord(const std::string& name) const {
  return dir_ / "run" / (processOf(name) + ".pid");
}

std::vector<std::string> LabController::daemonArgs(const std::string& name) const {
  std::vector<std::string> args = {"--home", home(name).string()};
  if (isNode(name)) {
    args.insert(args.end(), {"--listen", address(name)});
    return args;
  }
  const NodePlan& ems = *plan_.node("ems");
  if (name == kFleet) {
    // Endpoint i: address first + i, hostname PC<i+1>, state and certificate in endpoints/<i>/.
    const EndpointPlan& first = plan_.endpoints.front();
    args.insert(args.begin(), "fleet");
    args.insert(args.end(), {"--ems", ems.address + ":" + std::to_string(ems.port("telemetry")), "--count",
                             std::to_string(plan_.endpoints.size()), "--first-ip", first.address, "--os", first.os,
                             "--hostname-prefix", "PC"});
    return args;
  }
  const EndpointPlan& e = *plan_.endpoint(name);
  args.insert(args.end(), {"--ems", ems.address + ":" + std::to_string(ems.port("telemetry")), "--os", e.os,
                           "--hostname", e.hostname, "--ip", e.address});
  if (plan_.netns) args.insert(args.end(), {"--enforce-nftables", "--real-connections"});
  return args;
}

std::optional<pid_t> LabController::pid(const std::string& name) const {
  auto text = readFile(pidRecord(name));
  if (!text) return std::nullopt;
  pid_t p = 0;
  try {
    p = static_cast<pid_t>(std::stol(*text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!processAlive(p) || !processHasArgument(p, home(processOf(name)).string())) return std::nullopt;
  return p;
}

bool LabController::running(const std::string& name) const { return pid(name).has_value(); }

std::optional<nlohmann::json> LabController::readyInfo(const std::string& name) const {
  auto text = readFile(home(processOf(name)) / "ready.json");
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

bool LabController::ready(const std::string& name) const {
  auto p = pid(name);
  if (!p) return false;
  auto info = readyInfo(name);
  if (!info) return false;
  // ready.json names the pid that wrote it; a stale file of an earlier run does not count.
  auto it = info->find("pid");
  return it == info->end() || !it->is_number_integer() || it->get<long>() == *p;
}

void LabController::start(const std::string& endpoint_or_node, std::chrono::milliseconds timeout) {
  requireKnown(endpoint_or_node);
  const std::string name = processOf(endpoint_or_node);
  if (running(name)) {
    progress_ << "  " << name << " already running (pid " << *pid(name) << ")\n";
    return;
  }
  std::error_code ec;
  fs::remove(home(name) / "ready.json", ec);  // left by a kill -9: it would look ready at once
  DaemonSpec spec;
  spec.program = program(name);
  spec.args = daemonArgs(name);
  spec.output = dir_ / "run" / (name + ".out");
  spec.netns = netnsOf(name);
  progress_ << "  starting " << std::left << std::setw(14) << name << " " << std::setw(13) << address(name) << " "
            << std::flush;
  auto began = Clock::now();
  pid_t p = 0;
  try {
    p = spawnDaemon(spec);
  } catch (const std::exception&) {
    progress_ << "failed\n";
    throw;
  }
  std::string err = writeFileAtomically(pidRecord(name), std::to_string(p) + "\n");
  if (!err.empty()) {
    killProcess(p);
    throw std::runtime_error(err);
  }
  auto deadline = began + timeout;
  for (;;) {
    if (!processAlive(p)) {
      progress_ << "failed\n";
      fs::remove(pidRecord(name), ec);
      throw std::runtime_error(name + " exited during start-up; its last output (" +
                               (dir_ / "run" / (name + ".out")).string() + "):\n" + outputTail(name));
    }
    if (ready(name)) break;
    if (interrupted_ && *interrupted_) {
      progress_ << "interrupted\n";
      killProcess(p);
      fs::remove(pidRecord(name), ec);
      throw std::runtime_error("interrupted while starting " + name);
    }
    if (Clock::now() > deadline) {
      progress_ << "timeout\n";
      killProcess(p);
      fs::remove(pidRecord(name), ec);
      throw std::runtime_error(name + " was not ready after " + seconds(timeout) + " (no " +
                               (home(name) / "ready.json").string() + "); its last output:\n" + outputTail(name));
    }
    std::this_thread::sleep_for(kPoll);
  }
  progress_ << "ready in " << seconds(Clock::now() - began) << " (pid " << p << ")\n" << std::flush;
}

void LabController::stop(const std::string& name) {
  requireKnown(name);
  refuseFleetMember(name, "stop");
  if (auto p = pid(name)) {
    bool killed = stopProcess(*p, kStopGrace);
    progress_ << "  stopped " << name << " (pid " << *p << (killed ? ", killed after 5 s" : "") << ")\n";
  }
  std::error_code ec;
  fs::remove(pidRecord(name), ec);
}

void LabController::kill(const std::string& name) {
  requireKnown(name);
  refuseFleetMember(name, "kill");
  if (auto p = pid(name)) {
    killProcess(*p);
    progress_ << "  killed " << name << " (pid " << *p << ", SIGKILL)\n";
  }
  std::error_code ec;
  fs::remove(pidRecord(name), ec);
}

void LabController::stopAll() {
  auto all = names();
  // Endpoints first (they were started last), then the nodes in reverse start order.
  std::vector<std::string> order;
  if (plan_.fleet) order.push_back(kFleet);
  else for (const auto& e : plan_.endpoints) order.push_back(e.name);
  for (auto it = plan_.nodes.rbegin(); it != plan_.nodes.rend(); ++it) order.push_back(it->name);
  // SIGTERM to every one first so they shut down in parallel, then wait for each.
  std::vector<std::pair<std::string, pid_t>> running_now;
  for (const auto& name : order) {
    if (auto p = pid(name)) {
      ::kill(*p, SIGTERM);
      running_now.emplace_back(name, *p);
    }
  }
  for (const auto& [name, p] : running_now) {
    bool killed = stopProcess(p, kStopGrace);
    progress_ << "  stopped " << name << " (pid " << p << (killed ? ", killed after 5 s" : "") << ")\n";
  }
  std::error_code ec;
  for (const auto& name : order) fs::remove(pidRecord(name), ec);
}

CommandResult LabController::cli(const std::string& node, const std::vector<std::string>& lines,
                                 std::chrono::milliseconds timeout) const {
  if (!isNode(node)) throw std::runtime_error("'" + node + "' is not a node (fortianalyzer, ems, fortigate)");
  std::vector<std::string> args = {"cli", "--home", home(node).string()};
  for (const auto& line : lines) args.insert(args.end(), {"-c", line});
  return runCommand(program(node), args, timeout);
}

CommandResult LabController::act(const std::string& endpoint, const std::vector<std::string>& words,
                                 std::chrono::milliseconds timeout) const {
  if (!isEndpoint(endpoint)) throw std::runtime_error("'" + endpoint + "' is not an endpoint of this lab");
  std::vector<std::string> args = {"act", "--home", home(processOf(endpoint)).string()};
  if (plan_.fleet) args.insert(args.end(), {"--endpoint", address(endpoint)});
  args.insert(args.end(), words.begin(), words.end());
  return runCommand(program(endpoint), args, timeout, "", netnsOf(endpoint));
}

std::optional<nlohmann::json> LabController::endpointStatus(const std::string& endpoint) const {
  if (!isEndpoint(endpoint)) return std::nullopt;
  if (!running(endpoint)) return std::nullopt;
  std::vector<std::string> args = {"status", "--home", home(processOf(endpoint)).string(), "--json"};
  if (plan_.fleet) args.insert(args.end(), {"--endpoint", address(endpoint)});
  auto r = runCommand(program(endpoint), args, std::chrono::seconds(10));
  if (r.exit_code != 0) return std::nullopt;
  return parseAgentStatus(r.output);
}

std::optional<nlohmann::json> LabController::fleetStatus() const {
  if (!plan_.fleet || !running(kFleet)) return std::nullopt;
  auto r = runCommand(program(kFleet), {"status", "--home", home(kFleet).string(), "--json", "--brief"},
                      std::chrono::seconds(60));
  if (r.exit_code != 0) return std::nullopt;
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  return j;
}

void LabController::refuseFleetMember(const std::string& name, const char* verb) const {
  if (processOf(name) == kFleet && name != kFleet)
    throw std::runtime_error(std::string("cannot ") + verb + " " + name + " alone: it runs in the lab's fleet process with " +
                             std::to_string(plan_.endpoints.size() - 1) + " other endpoints (`" + kFleet + "` names the process)");
}

std::string LabController::outputTail(const std::string& name, int lines) const {
  std::ifstream in(dir_ / "run" / (name + ".out"));
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += "    " + l + "\n";
  return out.empty() ? "    (no output)\n" : out;
}

std::optional<nlohmann::json> parseAgentStatus(const std::string& output) {
  auto j = nlohmann::json::parse(output, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  if (j.is_object() && j.contains("endpoints")) j = j["endpoints"];
  if (j.is_array()) {
    if (j.empty() || !j[0].is_object()) return std::nullopt;
    return j[0];
  }
  if (j.is_object()) return j;
  return std::nullopt;
}

EndpointLinks endpointLinks(const nlohmann::json& status) {
  EndpointLinks links;
  if (!status.is_object()) return links;
  links.ems = status.value("registered", false);
  auto fgts = status.value("fortigates_registered", nlohmann::json::object());
  links.fortigate = fgts.is_object() && !fgts.empty();
  links.quarantine = status.value("/quarantine/state"_json_pointer, std::string("unknown"));
  return links;
}

}  // namespace fabric::lab

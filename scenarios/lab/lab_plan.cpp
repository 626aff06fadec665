#include "scenarios/lab/lab_plan.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <stdexcept>

namespace fabric::lab {
namespace {

std::string digits(std::mt19937_64& rng, int n) {
  std::string out;
  std::uniform_int_distribution<int> d(0, 9);
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + d(rng)));
  return out;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool validEndpointName(const std::string& name) {
  if (name.empty() || name.size() > 32 || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) throw std::runtime_error(where + ": missing \"" + key + "\"");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(where + ": \"" + key + "\" has the wrong type");
  }
}

}  // namespace

int NodePlan::port(const std::string& service) const {
  auto it = ports.find(service);
  if (it == ports.end()) throw std::out_of_range(name + " has no " + service + " port");
  return it->second;
}

const NodePlan* LabPlan::node(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const EndpointPlan* LabPlan::endpoint(const std::string& key) const {
  for (const auto& e : endpoints) {
    if (e.name == key || e.address == key || lower(e.hostname) == lower(key)) return &e;
  }
  return nullptr;
}

LabPlan makeLabPlan(const PlanOptions& options) {
  std::vector<EndpointRequest> requests = options.endpoints;
  const int max_endpoints = options.fleet ? kMaxFleetEndpoints : kMaxEndpoints;
  if (options.fleet && options.netns)
    throw std::invalid_argument("a fleet runs every endpoint in one process on loopback addresses; it cannot use "
                                "network namespaces (one per endpoint)");
  if (options.fleet && !requests.empty())
    throw std::invalid_argument("a fleet's endpoints are pc1..pcN (--endpoints N), not named ones");
  if (requests.empty()) {
    if (options.endpoint_count < 1 || options.endpoint_count > max_endpoints)
      throw std::invalid_argument("--endpoints must be between 1 and " + std::to_string(max_endpoints) +
                                  (options.fleet ? " in a fleet" : " (more with --fleet)"));
    if (options.fleet && options.endpoint_os.size() > 1)
      throw std::invalid_argument("a fleet runs one system on all its endpoints: give --os once");
    const auto& os = options.endpoint_os;
    if (os.size() > 1 && os.size() != static_cast<std::size_t>(options.endpoint_count))
      throw std::invalid_argument("--os names " + std::to_string(os.size()) + " systems for " +
                                  std::to_string(options.endpoint_count) +
                                  " endpoints: give one for all of them or one per endpoint");
    for (int i = 1; i <= options.endpoint_count; ++i) {
      std::string system = os.empty() ? "windows" : os.size() == 1 ? os[0] : os[static_cast<std::size_t>(i - 1)];
      requests.push_back({"pc" + std::to_string(i), system, false});
    }
  }
  if (requests.size() > static_cast<std::size_t>(max_endpoints))
    throw std::invalid_argument("at most " + std::to_string(max_endpoints) + " endpoints");

  std::mt19937_64 rng(options.seed);
  LabPlan plan;
  plan.netns = options.netns;
  plan.fleet = options.fleet;
  plan.octet = options.octet ? *options.octet : std::uniform_int_distribution<int>(16, 239)(rng);
  if (plan.octet < 1 || plan.octet > 254) throw std::invalid_argument("lab octet must be 1..254");
  plan.lab_id = "lab" + std::to_string(plan.octet) + "-" + digits(rng, 4);
  const std::string prefix = (options.netns ? "10." : "127.") + std::to_string(plan.octet) + ".";
  const int offset = options.privileged_ports ? 0 : 10000;
  const std::string tag = std::to_string(plan.octet);

  // Start order: the analyzer first (everyone logs to it), then EMS, then the FortiGate.
  NodePlan faz{"fortianalyzer", prefix + "0.2", "FAZ-VM00" + digits(rng, 8), "FAZ-LAB" + tag,
               "nodes/fortianalyzer",
               {{"https", kHttpsPort + offset}, {"syslog", kSyslogPort + offset},
                {"syslog-tls", kSyslogTlsPort + offset}}};
  NodePlan ems{"ems", prefix + "0.3", "FCTEMS00" + digits(rng, 8), "EMS-LAB" + tag, "nodes/ems",
               {{"https", kHttpsPort + offset}, {"telemetry", kTelemetryPort + offset}}};
  NodePlan fgt{"fortigate", prefix + "0.1", "FGVM01TM" + digits(rng, 8), "FGT-LAB" + tag, "nodes/fortigate",
               {{"https", kHttpsPort + offset}, {"telemetry", kTelemetryPort + offset}}};
  plan.nodes = {faz, ems, fgt};

  std::set<std::string> names;
  int host = 1;
  for (const auto& r : requests) {
    if (!validEndpointName(r.name)) throw std::invalid_argument("bad endpoint name '" + r.name + "'");
    if (!names.insert(r.name).second) throw std::invalid_argument("endpoint '" + r.name + "' named twice");
    if (r.os != "windows" && r.os != "macos" && r.os != "linux")
      throw std::invalid_argument("unknown os '" + r.os + "' for endpoint " + r.name);
    EndpointPlan e;
    e.name = r.name;
    e.os = r.os;
    e.offline = r.offline;
    // 127.B.1.1, 127.B.1.2, … carrying into the third octet (a fleet: first address + index).
    const int n = 256 + host++;
    e.address = prefix + std::to_string(n >> 8) + "." + std::to_string(n & 255);
    e.hostname = upper(r.name);
    e.home = options.fleet ? plan.fleet_home + "/endpoints/" + std::to_string(plan.endpoints.size())
                           : "endpoints/" + r.name;
    plan.endpoints.push_back(std::move(e));
  }
  if (options.netns) {
    plan.internet_address = prefix + "2.1";
    plan.bridge = "fablab" + tag;
  }
  return plan;
}

nlohmann::json LabPlan::toJson() const {
  nlohmann::json j;
  j["version"] = version;
  j["mode"] = netns ? "netns" : "loopback";
  j["octet"] = octet;
  j["lab_id"] = lab_id;
  j["ems_admin"] = ems_admin;
  j["feed"] = feed;
  j["nodes"] = nlohmann::json::array();
  for (const auto& n : nodes) {
    j["nodes"].push_back({{"name", n.name}, {"address", n.address}, {"serial", n.serial},
                          {"hostname", n.hostname}, {"home", n.home}, {"ports", n.ports}});
  }
  j["endpoints"] = nlohmann::json::array();
  for (const auto& e : endpoints) {
    j["endpoints"].push_back({{"name", e.name}, {"os", e.os}, {"address", e.address}, {"hostname", e.hostname},
                              {"home", e.home}, {"offline", e.offline}});
  }
  if (netns) j["netns"] = {{"bridge", bridge}, {"internet", internet_address}};
  if (fleet) j["fleet"] = {{"home", fleet_home}};
  return j;
}

LabPlan LabPlan::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("lab.json: not a JSON object");
  LabPlan plan;
  plan.version = field<int>(j, "version", "lab.json");
  if (plan.version != 1) throw std::runtime_error("lab.json: unsupported version " + std::to_string(plan.version));
  auto mode = field<std::string>(j, "mode", "lab.json");
  if (mode != "loopback" && mode != "netns") throw std::runtime_error("lab.json: unknown mode '" + mode + "'");
  plan.netns = mode == "netns";
  plan.octet = field<int>(j, "octet", "lab.json");
  plan.lab_id = field<std::string>(j, "lab_id", "lab.json");
  plan.ems_admin = field<std::string>(j, "ems_admin", "lab.json");
  plan.feed = field<std::string>(j, "feed", "lab.json");
  for (const auto& n : field<nlohmann::json>(j, "nodes", "lab.json")) {
    NodePlan node;
    node.name = field<std::string>(n, "name", "lab.json node");
    std::string where = "lab.json node " + node.name;
    node.address = field<std::string>(n, "address", where);
    node.serial = field<std::string>(n, "serial", where);
    node.hostname = field<std::string>(n, "hostname", where);
    node.home = field<std::string>(n, "home", where);
    node.ports = field<std::map<std::string, int>>(n, "ports", where);
    plan.nodes.push_back(std::move(node));
  }
  for (const auto& e : field<nlohmann::json>(j, "endpoints", "lab.json")) {
    EndpointPlan ep;
    ep.name = field<std::string>(e, "name", "lab.json endpoint");
    std::string where = "lab.json endpoint " + ep.name;
    ep.os = field<std::string>(e, "os", where);
    ep.address = field<std::string>(e, "address", where);
    ep.hostname = field<std::string>(e, "hostname", where);
    ep.home = field<std::string>(e, "home", where);
    ep.offline = field<bool>(e, "offline", where);
    plan.endpoints.push_back(std::move(ep));
  }
  for (const char* required : {"fortianalyzer", "ems", "fortigate"}) {
    if (!plan.node(required)) throw std::runtime_error(std::string("lab.json: no ") + required + " node");
  }
  if (auto it = j.find("fleet"); it != j.end()) {
    plan.fleet = true;
    plan.fleet_home = field<std::string>(*it, "home", "lab.json fleet");
  }
  if (plan.netns) {
    auto netns = field<nlohmann::json>(j, "netns", "lab.json");
    plan.bridge = field<std::string>(netns, "bridge", "lab.json netns");
    plan.internet_address = field<std::string>(netns, "internet", "lab.json netns");
  }
  return plan;
}

}  // namespace fabric::lab

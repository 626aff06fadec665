#pragma once
// The shape of one lab, decided before anything is written or started: which nodes and endpoints
// exist, their addresses, serial numbers, ports and home directories (relative to the lab
// directory). Pure: makeLabPlan() takes its randomness as an argument, so the same seed gives the
// same lab. lab.json is this plan, written once by `fabricctl up` and read by every other command.
//
// Addresses. Loopback mode: the lab owns 127.B.0.0/16 for a random B in [16, 239], nodes at
// 127.B.0.1 (fortigate), .2 (fortianalyzer), .3 (ems), endpoints at 127.B.1.1 onwards, so two labs
// run side by side. Network-namespace mode: the same host numbers in 10.B.0.0/16 on a lab bridge,
// plus the "internet" host at 10.B.2.1 that every outside name resolves to.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::lab {

struct NodePlan {
  std::string name;      // fortigate | fortianalyzer | ems (also the program name)
  std::string address;   // 127.B.0.1
  std::string serial;    // FGVM01TM…, FAZ-VM00…, FCTEMS00… (16 characters)
  std::string hostname;  // FGT-LAB-57
  std::string home;      // nodes/fortigate (relative to the lab directory)
  std::map<std::string, int> ports;  // service -> port ("https", "telemetry", "syslog", …)
  int port(const std::string& service) const;
};

struct EndpointPlan {
  std::string name;      // pc1
  std::string os = "windows";
  std::string address;   // 127.B.1.1
  std::string hostname;  // PC1
  std::string home;      // endpoints/pc1
  bool offline = false;  // not started by `up` / `start all`
};

struct LabPlan {
  int version = 1;
  bool netns = false;
  int octet = 0;          // B
  std::string lab_id;     // "lab57-…" (bridge and namespace names derive from it)
  std::string ems_admin = "admin";
  std::vector<NodePlan> nodes;       // fortianalyzer, ems, fortigate: the start order
  std::vector<EndpointPlan> endpoints;
  std::string feed = "feeds/demo-feed.txt";
  std::string internet_address;      // netns mode only
  std::string bridge;                // netns mode only
  // Fleet mode: every endpoint runs in one `forticlient fleet` process whose home is fleet_home;
  // endpoint i (0-based) keeps its state and certificate in fleet_home/endpoints/<i>/ (its `home`),
  // its address is the first endpoint's + i, its hostname "PC<i+1>".
  bool fleet = false;
  std::string fleet_home = "endpoints/fleet";

  const NodePlan* node(const std::string& name) const;
  // By name, address or hostname (case-insensitive for the hostname).
  const EndpointPlan* endpoint(const std::string& name_or_address) const;
  nlohmann::json toJson() const;
  // Throws std::runtime_error naming the missing or malformed field.
  static LabPlan fromJson(const nlohmann::json& j);
};

struct EndpointRequest {
  std::string name;
  std::string os = "windows";
  bool offline = false;
};

struct PlanOptions {
  std::vector<EndpointRequest> endpoints;  // empty: `endpoint_count` Windows endpoints pc1..pcN
  int endpoint_count = 1;
  // With `endpoint_count`: the systems of pc1..pcN, one for all of them or one per endpoint
  // (empty: Windows, the product's default).
  std::vector<std::string> endpoint_os;
  bool netns = false;
  bool privileged_ports = true;  // false: the product ports + 10000 (10443, 10514, 16514, 18013)
  bool fleet = false;            // one fleet process for all endpoints (see LabPlan::fleet)
  std::optional<int> octet;      // fixed B (tests); otherwise drawn from `seed`
  std::uint64_t seed = 0;        // serial digits and B
};

// Throws std::invalid_argument for impossible requests (0 or > 250 endpoints, > kMaxFleetEndpoints
// in a fleet, bad names, bad os, an `endpoint_os` list that is neither one system nor one per
// endpoint, a fleet in netns mode or with more than one system).
LabPlan makeLabPlan(const PlanOptions& options);

// One process per endpoint up to kMaxEndpoints; a fleet up to kMaxFleetEndpoints (127.B.1.1 +
// 20000 stays inside 127.B.0.0/16).
inline constexpr int kMaxEndpoints = 250;
inline constexpr int kMaxFleetEndpoints = 20000;

// Default service ports of the product.
inline constexpr int kHttpsPort = 443;
inline constexpr int kTelemetryPort = 8013;
inline constexpr int kSyslogPort = 514;
inline constexpr int kSyslogTlsPort = 6514;

}  // namespace fabric::lab

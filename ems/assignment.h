#pragma once
// Which profile and gateway list an endpoint gets: the enabled `endpoint assignment-rule` with the
// lowest id whose hostname pattern (shell glob, case-insensitive), IP range and OS list all match
// the endpoint. The first matching rule decides even when it names no profile or no gateway list
// (that endpoint then fails the quarantine prerequisites with the matching reason).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config/engine.h"

namespace fabric::ems {

struct AssignedProfile {
  std::string name;
  std::string faz_address;
  int faz_port = 6514;
  bool operator==(const AssignedProfile&) const = default;
};

struct GatewayEntry {
  std::string name;
  std::string address;
  int port = 8013;
  bool operator==(const GatewayEntry&) const = default;
};

struct Assignment {
  long rule_id = 0;  // 0: no rule matched
  std::optional<AssignedProfile> profile;
  std::string gateway_list;  // "" when none
  std::vector<GatewayEntry> gateways;
  bool operator==(const Assignment&) const = default;

  // protocols.md `profile` (null when none) and `gateways`.
  nlohmann::json profileJson() const;
  nlohmann::json gatewaysJson() const;
  bool hasGateway(const std::string& address) const;
};

Assignment assignEndpoint(const config::Engine& config, const std::string& hostname,
                          const std::string& ip, const std::string& os);

// Glob match (`*`, `?`, `[…]`), case-insensitive, as hostnames compare.
bool hostnameMatches(const std::string& pattern, const std::string& hostname);
// "a.b.c.d m.m.m.m" contains ip.
bool addressInSubnet(const std::string& subnet, const std::string& ip);

}  // namespace fabric::ems

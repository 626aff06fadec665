#include "ems/assignment.h"

#include <arpa/inet.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstdint>

namespace fabric::ems {
namespace {

std::optional<std::uint32_t> parseIpv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

int toInt(const std::optional<std::string>& v, int fallback) {
  if (!v) return fallback;
  try {
    return std::stoi(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

nlohmann::json Assignment::profileJson() const {
  if (!profile) return nullptr;
  return {{"name", profile->name}, {"faz_address", profile->faz_address}, {"faz_port", profile->faz_port}};
}

nlohmann::json Assignment::gatewaysJson() const {
  auto list = nlohmann::json::array();
  for (const auto& g : gateways) list.push_back({{"name", g.name}, {"address", g.address}, {"port", g.port}});
  return list;
}

bool Assignment::hasGateway(const std::string& address) const {
  return std::any_of(gateways.begin(), gateways.end(),
                     [&](const GatewayEntry& g) { return g.address == address; });
}

bool hostnameMatches(const std::string& pattern, const std::string& hostname) {
  if (pattern.empty() || pattern == "*") return true;
  return fnmatch(pattern.c_str(), hostname.c_str(), FNM_CASEFOLD) == 0;
}

bool addressInSubnet(const std::string& subnet, const std::string& ip) {
  auto space = subnet.find(' ');
  if (space == std::string::npos) return false;
  auto net = parseIpv4(subnet.substr(0, space));
  auto mask = parseIpv4(subnet.substr(space + 1));
  auto addr = parseIpv4(ip);
  if (!net || !mask || !addr) return false;
  return (*addr & *mask) == (*net & *mask);
}

Assignment assignEndpoint(const config::Engine& config, const std::string& hostname,
                          const std::string& ip, const std::string& os) {
  const config::Path table = {"endpoint assignment-rule"};
  std::vector<long> ids;
  for (const auto& key : config.keys(table)) {
    try {
      ids.push_back(std::stol(key));
    } catch (const std::exception&) {
    }
  }
  std::sort(ids.begin(), ids.end());
  for (long id : ids) {
    const config::Path rule = {"endpoint assignment-rule", std::to_string(id)};
    if (config.value(rule, "status").value_or("enable") != "enable") continue;
    if (!hostnameMatches(config.value(rule, "match-hostname").value_or("*"), hostname)) continue;
    if (!addressInSubnet(config.value(rule, "match-ip").value_or("0.0.0.0 0.0.0.0"), ip)) continue;
    auto oses = config.values(rule, "match-os").value_or(std::vector<std::string>{});
    if (std::find(oses.begin(), oses.end(), os) == oses.end()) continue;

    Assignment a;
    a.rule_id = id;
    const std::string profile = config.value(rule, "profile").value_or("");
    if (!profile.empty()) {
      const config::Path p = {"endpoint profile", profile};
      if (auto faz = config.value(p, "faz-address")) {
        a.profile = AssignedProfile{profile, *faz, toInt(config.value(p, "faz-port"), 6514)};
      }
    }
    a.gateway_list = config.value(rule, "gateway-list").value_or("");
    if (!a.gateway_list.empty()) {
      const config::Path list = {"endpoint gateway-list", a.gateway_list, "fortigate"};
      for (const auto& name : config.keys(list)) {
        const config::Path entry = {"endpoint gateway-list", a.gateway_list, "fortigate", name};
        a.gateways.push_back(GatewayEntry{name, config.value(entry, "address").value_or("0.0.0.0"),
                                          toInt(config.value(entry, "port"), 8013)});
      }
    }
    return a;
  }
  return {};
}

}  // namespace fabric::ems

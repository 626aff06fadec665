#include "fortigate/fabric/ems_target.h"

#include "common/config/engine.h"

namespace fabric::fortigate {
namespace {
const char* kEms = "endpoint-control forticlient-ems";
}

std::string EmsTarget::baseUrl() const { return "https://" + host + ":" + std::to_string(port); }

std::string findEmsBySerial(const config::Engine& config, const std::string& ems_serial) {
  if (ems_serial.empty()) return {};
  for (const auto& name : config.keys({kEms}))
    if (config.value({kEms, name}, "serial-number").value_or("") == ems_serial) return name;
  return {};
}

std::optional<EmsTarget> readEmsTarget(const config::Engine& config, const std::string& name, std::string& reason) {
  const config::Path p{kEms, name};
  if (!config.value(p, "serial-number")) {
    reason = "forticlient-ems entry \"" + name + "\" no longer exists";
    return std::nullopt;
  }
  EmsTarget t;
  t.name = name;
  t.serial = config.value(p, "serial-number").value_or("");
  t.rest_api_auth = config.value(p, "rest-api-auth").value_or("disable");
  t.username = config.value(p, "admin-username").value_or("");
  t.password = config.secret(p, "admin-password").value_or("");
  try {
    t.port = static_cast<std::uint16_t>(std::stoi(config.value(p, "https-port").value_or("443")));
  } catch (...) {
    t.port = 443;
  }
  try {
    t.timeout = std::chrono::milliseconds(
        std::stoi(config.value({"endpoint-control settings"}, "forticlient-ems-rest-api-call-timeout").value_or("5000")));
  } catch (...) {
  }
  const auto address = config.value(p, "address").value_or("");
  const config::Path ap{"firewall address", address};
  const auto type = config.value(ap, "type").value_or("ipmask");
  if (type == "fqdn") {
    t.host = config.value(ap, "fqdn").value_or("");
  } else {
    const auto subnet = config.value(ap, "subnet").value_or("");
    t.host = subnet.substr(0, subnet.find(' '));
    const auto mask = subnet.find(' ') == std::string::npos ? "" : subnet.substr(subnet.find(' ') + 1);
    if (!mask.empty() && mask != "255.255.255.255") t.host.clear();
  }
  if (t.host.empty() || t.host == "0.0.0.0") {
    reason = "forticlient-ems \"" + name + "\": firewall address \"" + address + "\" is not a single host";
    return std::nullopt;
  }
  if (t.rest_api_auth != "userpass") {
    reason = "forticlient-ems \"" + name + "\" has rest-api-auth disable: no REST API credentials for EMS " + t.serial;
    return std::nullopt;
  }
  if (t.username.empty()) {
    reason = "forticlient-ems \"" + name + "\" has no admin-username";
    return std::nullopt;
  }
  return t;
}

}  // namespace fabric::fortigate

#pragma once
// What the FortiGate's configuration says about one EMS: `config endpoint-control forticlient-ems`
// entry + its firewall address + `config endpoint-control settings`
// forticlient-ems-rest-api-call-timeout. Read on the event loop (the config engine lives there),
// handed to the connector thread by value.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace fabric::config {
class Engine;
}

namespace fabric::fortigate {

struct EmsTarget {
  std::string name;        // forticlient-ems entry
  std::string host;        // from the firewall address (ipmask host or fqdn)
  std::uint16_t port = 443;
  std::string serial;      // serial-number
  std::string rest_api_auth;
  std::string username;
  std::string password;    // clear text, from Engine::secret; never logged or shown
  std::chrono::milliseconds timeout{5000};
  std::string baseUrl() const;  // "https://127.0.1.3:443"
};

// Looks up entry `name`; nullopt with `reason` set when it is missing or unusable.
std::optional<EmsTarget> readEmsTarget(const config::Engine& config, const std::string& name, std::string& reason);

// The name of the forticlient-ems entry whose serial-number is `ems_serial` ("" when none).
std::string findEmsBySerial(const config::Engine& config, const std::string& ems_serial);

}  // namespace fabric::fortigate

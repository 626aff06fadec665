#pragma once
// What EMS tells an endpoint about its fabric (protocols.md `registered` / `profile`): the profile
// naming the FortiAnalyzer, and the gateway list naming the FortiGates. Parsed strictly: a bad
// message is refused with a reason and changes nothing.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::forticlient {

struct Profile {
  std::string name;
  std::string faz_address;
  int faz_port = 6514;
  bool operator==(const Profile&) const = default;
};

struct Gateway {
  std::string name;
  std::string address;
  int port = 8013;
  bool operator==(const Gateway&) const = default;
};

struct FabricView {
  std::optional<Profile> profile;  // nullopt: no profile assigned, so no analyzer to log to
  std::vector<Gateway> gateways;
  bool operator==(const FabricView&) const = default;
  nlohmann::json toJson() const;
};

// Reads `profile` and `gateways` of a `registered` or `profile` message.
std::variant<FabricView, std::string> parseFabricView(const nlohmann::json& message);

}  // namespace fabric::forticlient

#pragma once
// Who an endpoint is: the identity FortiClient reports to EMS and FortiGate and writes in every log
// line. Persisted in the endpoint's home as agent.json so that a restart keeps the same uid.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fabric::forticlient {

enum class Os { kWindows, kMacos, kLinux };

std::string toString(Os os);
// "windows" | "macos" | "linux"; nullopt otherwise.
std::optional<Os> parseOs(std::string_view text);

struct Identity {
  std::string uid;         // 40 hex, upper case (FortiClient unique id)
  std::string serial;      // FortiClient serial, the devid of its logs ("FCT8" + 12 digits, one per endpoint)
  std::string hostname;
  Os os = Os::kWindows;
  std::string os_version;  // "Microsoft Windows 11 Professional Edition, 64-bit (build 22000)"
  std::string ip;          // endpoint address, also the local bind address of its sockets
  std::string mac;         // "00-15-5D-01-02-03"
  std::string user;        // logged-on user, "jdoe@LAB"
  std::string pcdomain;    // "LAB.LOCAL" or "WORKGROUP"
  std::string fctver;      // "7.2.8.1140"

  nlohmann::json toJson() const;
  // Throws std::invalid_argument naming the bad field.
  static Identity fromJson(const nlohmann::json& j);
};

// Returns "" when the identity is well formed, else the first problem ("uid must be 40 upper-case
// hex characters", "ip '300.1.1.1' is not an IPv4 address", ...).
std::string validate(const Identity& identity);

// Deterministic identity number `index` of a fleet made from `seed`: the same (seed, index) always
// gives the same identity, different indexes give different uids, MACs, hostnames and IPs.
// `ip` is the endpoint's address (the caller computes first-ip + index).
Identity fleetIdentity(const std::string& seed, std::uint32_t index, Os os, const std::string& ip);

// The OS a fleet endpoint gets: every `linux_every`-th endpoint (1-based) runs Linux, every
// `macos_every`-th of the rest macOS, the others Windows. 0 disables a rule.
Os fleetOs(std::uint32_t index, std::uint32_t linux_every, std::uint32_t macos_every);

// IPv4 arithmetic for fleet addresses: "127.1.0.1" + 300 = "127.1.1.45". nullopt when the text is
// not IPv4 or the result overflows.
std::optional<std::string> ipv4Add(const std::string& ip, std::uint32_t offset);
bool isIpv4(const std::string& text);

// Overrides a user gives on the command line for a single endpoint.
struct IdentityOverrides {
  std::optional<Os> os;
  std::optional<std::string> hostname;
  std::optional<std::string> ip;
  std::optional<std::string> user;
};

// Loads DIR/agent.json, or creates an identity from `seed` when there is none; applies the
// overrides and persists the result atomically when it changed. Throws std::runtime_error with a
// clear message (unreadable or invalid agent.json, write failure, invalid override).
Identity loadOrCreateIdentity(const std::filesystem::path& dir, const std::string& seed,
                              const IdentityOverrides& overrides);

}  // namespace fabric::forticlient

#pragma once
// The forticlient command line, parsed once (CLI11) into plain option structs:
//   forticlient --home DIR --ems HOST:PORT [--os windows|macos|linux] [--hostname H] [--ip ADDR]
//               [--user U] [--enforce-nftables] [--real-connections]
//   forticlient fleet --home DIR --ems HOST:PORT --count N --first-ip A [--linux-every K]
//               [--macos-every M] [--os SYSTEM] [--hostname-prefix P] [--seed S] [--real-connections]
//   forticlient act --home DIR [--endpoint NAME|IP|UID] visit URL | resolve DOMAIN |
//               connect IP:PORT | download SHA256 [URL]
//   forticlient status --home DIR [--endpoint NAME|IP|UID] [--json] [--brief]
//   forticlient release --home DIR [--endpoint NAME|IP|UID] --code CODE

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "forticlient/identity.h"

namespace fabric::forticlient {

struct HostPort {
  std::string host;
  int port = 0;
};
// "10.0.0.2:8013", "ems.lab" (default port). nullopt with `error` set when malformed.
std::optional<HostPort> parseHostPort(const std::string& text, int default_port, std::string& error);

struct CommonRunOptions {
  std::filesystem::path home;
  HostPort ems;
  std::string seed;              // identity seed; default derived from the home path
  bool enforce_nftables = false;  // apply an nftables ruleset while quarantined (CAP_NET_ADMIN)
  bool real_connections = false;  // activities also open real TCP connections / HTTP GETs
  std::uint64_t log_buffer_bytes = 64ull << 20;
};

struct RunOptions {
  CommonRunOptions common;
  IdentityOverrides identity;
};

struct FleetOptions {
  CommonRunOptions common;
  std::uint32_t count = 0;
  std::string first_ip;
  std::uint32_t linux_every = 0;
  std::uint32_t macos_every = 0;
  std::optional<Os> os;          // every endpoint runs this system (overrides the *-every rules)
  std::string hostname_prefix;   // hostname of endpoint i: PREFIX<i+1> (PC1, PC2, …) as a lab names them
};

struct ActOptions {
  std::filesystem::path home;
  std::string endpoint;
  std::vector<std::string> words;
};

struct StatusOptions {
  std::filesystem::path home;
  std::string endpoint;
  bool json = false;
  bool brief = false;  // identity, links and quarantine only (a fleet of thousands in one reply)
};

struct ReleaseOptions {
  std::filesystem::path home;
  std::string endpoint;
  std::string code;
};

using Command = std::variant<RunOptions, FleetOptions, ActOptions, StatusOptions, ReleaseOptions>;

struct ParseResult {
  std::optional<Command> command;  // nullopt: print `output` and exit with `exit_code`
  int exit_code = 0;
  std::string output;
};

// args excludes the program name.
ParseResult parseCommandLine(const std::vector<std::string>& args);

// The control socket of a home directory.
inline std::filesystem::path controlSocketPath(const std::filesystem::path& home) {
  return home / "console.sock";  // NodeHome::consoleSocket()
}

}  // namespace fabric::forticlient

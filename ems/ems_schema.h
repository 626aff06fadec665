#pragma once
// The EMS's configuration schema. The real FortiClient EMS is configured in a web console; Fabric
// Lab gives it the FortiOS CLI language (DESIGN.md "Configuration: one language, four schemas") with
// names taken from the EMS console's pages:
//   config system global             hostname
//   config system admin              EMS administrators (password as a salted hash, role)
//   config system server             Server settings: listen-ip, https-port, fct-port (FortiClient
//                                    Telemetry, 8013), remote-https-access, admin-session-timeout
//   config endpoint profile          endpoint profiles: the FortiAnalyzer an endpoint logs to
//   config endpoint gateway-list     gateway IP lists: the FortiGates an endpoint connects to
//   config endpoint assignment-rule  which endpoints (hostname pattern / IP range / OS) get which
//                                    profile and gateway list; lowest id that matches wins
//   config log fortianalyzer setting where the EMS sends its own event log lines (RFC 5425 syslog
//                                    over TLS): status, server, port (the EMS console's "Logs"
//                                    remote-logging page; FortiOS's name for the same setting)
// Built once, shared read-only.

#include <memory>

#include "common/config/schema.h"

namespace fabric::ems {

// The config file header version (EMS 7.0.9 build 0493, matching FortiClient 7.0.9.0493).
inline constexpr const char* kConfigVersion = "FCTEMS-7.0.9-build0493-230223";

std::shared_ptr<const config::Schema> makeEmsSchema();

}  // namespace fabric::ems

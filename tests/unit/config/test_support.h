#pragma once
// Shared helpers for the config engine tests: a FortiGate engine and a session that runs lines.

#include <memory>
#include <string>
#include <vector>

#include "common/config/engine.h"
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::config::test {

inline const std::string kKey = "0123456789abcdef0123456789abcdef";

inline std::unique_ptr<Engine> makeEngine() {
  return std::make_unique<Engine>(fortigate::makeFortiGateSchema(), "FGVM01TM00000001", kKey);
}

// Runs lines, stopping at the first failure; returns the last result (or the failing one).
inline LineResult runAll(Session& session, const std::vector<std::string>& lines) {
  LineResult last;
  for (const auto& line : lines) {
    last = session.execute(line);
    if (!last.ok()) return last;
  }
  return last;
}

// The five FortiGate blocks of the seed document, verbatim, placeholders filled.
inline const std::vector<std::string> kSeedLines = {
    "config system automation-trigger",
    "edit \"trigger01\"",
    "set trigger-type event-based",
    "set event-type ioc",
    "set ioc-level high",
    "next",
    "end",
    "config system automation-action",
    "edit \"action01\"",
    "set action-type quarantine-forticlient",
    "set minimum-interval 0",
    "next",
    "end",
    "config system automation-stitch",
    "edit \"stitch01\"",
    "set status enable",
    "set trigger \"trigger01\"",
    "set action \"action01\"",
    "next",
    "end",
    "config firewall address",
    "edit \"EMS01\"",
    "set type ipmask",
    "set subnet 127.0.1.3 255.255.255.255",
    "next",
    "end",
    "config endpoint-control forticlient-ems",
    "edit \"e01\"",
    "set address \"EMS01\"",
    "set serial-number FCTEMS0000012345",
    "set rest-api-auth userpass",
    "set https-port 443",
    "set admin-username admin",
    "set admin-password S3cret!",
    "set admin-type Windows",
    "next",
    "end",
};

}  // namespace fabric::config::test

#pragma once
// The FortiGate's configuration schema, following FortiOS 6.0.4 (build 0231): the tables the
// Security Fabric quarantine flow needs, with FortiOS's attribute names, option lists, ranges and
// defaults, plus the 7.x `config actions` of automation-stitch. Built once, shared read-only.

#include <memory>

#include "common/config/schema.h"

namespace fabric::fortigate {

// The config file header version: FGVM64-6.0.4-FW-build0231-190107.
inline constexpr const char* kConfigVersion = "FGVM64-6.0.4-FW-build0231-190107";

std::shared_ptr<const config::Schema> makeFortiGateSchema();

// Table groups, in the order a FortiOS config file lists them (a reference is defined before use).
void addSystemTables(config::Schema& schema);
void addAutomationTables(config::Schema& schema);
void addFirewallTables(config::Schema& schema);
void addEndpointControlTables(config::Schema& schema);
void addLogTables(config::Schema& schema);

}  // namespace fabric::fortigate

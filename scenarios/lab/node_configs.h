#pragma once
// The configuration file of each node of a lab, in the FortiOS CLI language, from the lab plan.
// Pure: text in, text out. Secrets arrive already protected (sealed with the node's key, or hashed),
// so no configuration file holds a password in clear text.
//
// FortiGate: the seed document's commands with its placeholders filled (<EMS_IP_address>,
//   <EMS_SERIAL_NUMBER>, <EMS_ADMIN>, <PASSWORD>), plus the FortiAnalyzer it logs to.
// EMS: its administrator, `system server` (remote HTTPS access enabled), the endpoint profile naming
//   the FortiAnalyzer, the gateway list naming the FortiGate, the rule assigning both, and
//   `log fortianalyzer setting` sending its own event log to the FortiAnalyzer.
// FortiAnalyzer: its receiver ports, the FortiGate and the EMS registered as log devices, the demo
//   threat feed.

#include <string>

#include "scenarios/lab/lab_plan.h"

namespace fabric::lab {

// `sealed_ems_password` is SecretBox(fortigate key).seal(password): printed `ENC <…>`.
std::string fortigateConfig(const LabPlan& plan, const std::string& sealed_ems_password);
// `password_hash` is SecretBox::hashPassword(password): printed `ENC SH2…`.
std::string emsConfig(const LabPlan& plan, const std::string& password_hash);
// The feed file is named relative to the analyzer's home (../../feeds/…), so a lab directory can be
// moved or mounted elsewhere (docker-compose) unchanged.
std::string fortianalyzerConfig(const LabPlan& plan);

// The demo threat feed (CSV: indicator,type,level,threat), documented in scenarios/README.md.
std::string demoFeed();

}  // namespace fabric::lab

#pragma once
// What the FortiGate says about itself: model, FortiOS version and build (from the schema's config
// version, FGVM64-6.0.4-FW-build0231-190107), serial and hostname; `get system status` text and
// the REST /api/v2/monitor/system/status results.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "common/config/engine.h"

namespace fabric::fortigate {

struct SystemInfo {
  std::string serial;
  std::string model = "FGVM64";      // model
  std::string model_number = "VM64";
  std::string version = "v6.0.4";    // as REST reports it
  int build = 231;
  std::string branch_date = "190107";
  std::string hostname;              // current, from system global (the serial by default)

  static SystemInfo fromConfigVersion(const std::string& config_version, std::string serial);
  config::CmdbContext cmdbContext() const;
};

// The hostname in effect: system global hostname, else the serial.
std::string currentHostname(const config::Engine& engine, const std::string& serial);
// `get system status` output.
std::string systemStatusText(const SystemInfo& info, std::chrono::system_clock::time_point now);
// The `results` object of GET /api/v2/monitor/system/status.
nlohmann::json systemStatusResults(const SystemInfo& info);

}  // namespace fabric::fortigate

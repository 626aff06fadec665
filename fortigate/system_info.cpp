#include "fortigate/system_info.h"

#include <ctime>
#include <regex>

namespace fabric::fortigate {

SystemInfo SystemInfo::fromConfigVersion(const std::string& config_version, std::string serial) {
  SystemInfo info;
  info.serial = std::move(serial);
  info.hostname = info.serial;
  // FGVM64-6.0.4-FW-build0231-190107
  static const std::regex kPattern(R"(^(FG([A-Z0-9]+))-(\d+\.\d+\.\d+)-FW-build(\d+)-(\d+)$)");
  std::smatch m;
  if (std::regex_match(config_version, m, kPattern)) {
    info.model = m[1];
    info.model_number = m[2];
    info.version = "v" + m[3].str();
    info.build = std::stoi(m[4]);
    info.branch_date = m[5];
  }
  return info;
}

config::CmdbContext SystemInfo::cmdbContext() const {
  config::CmdbContext ctx;
  ctx.serial = serial;
  ctx.version = version;
  ctx.build = build;
  return ctx;
}

std::string currentHostname(const config::Engine& engine, const std::string& serial) {
  auto host = engine.value({"system global"}, "hostname");
  return host && !host->empty() ? *host : serial;
}

std::string systemStatusText(const SystemInfo& info, std::chrono::system_clock::time_point now) {
  char build[8];
  std::snprintf(build, sizeof build, "%04d", info.build);
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[64];
  std::strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y", &tm);
  std::string out;
  out += "Version: FortiGate-" + info.model_number + " " + info.version + ",build" + build + "," +
         info.branch_date + " (GA)\n";
  out += "Serial-Number: " + info.serial + "\n";
  out += "Hostname: " + info.hostname + "\n";
  out += "Operation Mode: NAT\n";
  out += "Current virtual domain: root\n";
  out += "Max number of virtual domains: 1\n";
  out += "Virtual domains status: 1 in NAT mode, 0 in TP mode\n";
  out += "Virtual domain configuration: disable\n";
  out += "FIPS-CC mode: disable\n";
  out += "Current HA mode: standalone\n";
  out += std::string("Branch point: ") + build + "\n";
  out += "Release Version Information: GA\n";
  out += "System time: " + std::string(when) + "\n";
  return out;
}

nlohmann::json systemStatusResults(const SystemInfo& info) {
  return {{"model_name", "FortiGate"},
          {"model_number", info.model_number},
          {"model", info.model},
          {"hostname", info.hostname},
          {"log_disk_status", "not_available"}};
}

}  // namespace fabric::fortigate

#pragma once
// Shared pieces of the fortigate_fabric tests: a FortiGate config engine with the seed blocks, a
// ManualClock, an event log that keeps lines, a parsed view of a line, a registry helper and a
// scratch directory.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/logfmt/kv_parser.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_context.h"
#include "fortigate/schema/fortigate_schema.h"
#include "tests/support/temp_dir.h"

namespace fabric::fortigate::test {

inline const std::string kKey = "0123456789abcdef0123456789abcdef";
inline const std::string kEmsSerial = "FCTEMS0000012345";
inline const std::string kUid = "0123456789ABCDEF0123456789ABCDEF01234567";

inline DeviceInfo device() { return {"FGVM01TM26000001", "FGT-LAB", "v6.0.4", 0}; }

// A fixed time for rendered lines: 2025-11-29 06:00:00 UTC.
inline std::chrono::system_clock::time_point lineTime() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1764396000));
}
inline std::string render(const EventRecord& e) { return e.render(device(), lineTime()); }

class Lines final : public EventLogSink {
 public:
  void write(const EventRecord& e) override { lines.push_back(render(e)); }
  std::vector<std::string> withLogid(const std::string& logid) const {
    std::vector<std::string> out;
    for (const auto& l : lines)
      if (l.find("logid=\"" + logid + "\"") != std::string::npos) out.push_back(l);
    return out;
  }
  std::vector<std::string> lines;
};

// Field map of one line (copies; the first value of each key).
inline std::map<std::string, std::string> fields(const std::string& line) {
  logfmt::FieldList list;
  logfmt::parseKeyValue(line, list);
  std::map<std::string, std::string> out;
  for (const auto& f : list.all()) out.emplace(std::string(f.key), std::string(f.value));
  return out;
}

inline std::unique_ptr<config::Engine> makeEngine(const std::vector<std::string>& lines) {
  auto e = std::make_unique<config::Engine>(makeFortiGateSchema(), "FGT-LAB", kKey);
  auto s = e->openSession();
  for (const auto& l : lines) {
    auto r = s->execute(l);
    if (!r.ok()) throw std::runtime_error("config line failed: " + l + "\n" + r.output);
  }
  return e;
}

// The seed blocks: trigger01 (ioc high) → action01 (quarantine-forticlient) in stitch01, EMS e01.
inline std::vector<std::string> seedConfig(const std::string& ioc_level = "high") {
  return {"config system automation-trigger", "edit \"trigger01\"", "set trigger-type event-based",
          "set event-type ioc", "set ioc-level " + ioc_level, "next", "end",
          "config system automation-action", "edit \"action01\"", "set action-type quarantine-forticlient",
          "set minimum-interval 0", "next", "end",
          "config system automation-stitch", "edit \"stitch01\"", "set status enable", "set trigger \"trigger01\"",
          "set action \"action01\"", "next", "end",
          "config firewall address", "edit \"EMS01\"", "set type ipmask", "set subnet 127.0.1.3 255.255.255.255",
          "next", "end",
          "config endpoint-control forticlient-ems", "edit \"e01\"", "set address \"EMS01\"",
          "set serial-number " + kEmsSerial, "set rest-api-auth userpass", "set https-port 443",
          "set admin-username admin", "set admin-password S3cret!", "set admin-type Windows", "next", "end"};
}

inline nlohmann::json registerMessage(const std::string& ip, const std::string& uid = kUid,
                                      const std::string& ems_serial = kEmsSerial) {
  return {{"type", "register"}, {"uid", uid},        {"hostname", "WIN-" + ip}, {"os", "windows"},
          {"ip", ip},           {"mac", "00-0C-29-AA-BB-CC"}, {"user", "alice"}, {"fctver", "7.0.9.0493"},
          {"ems_serial", ems_serial}, {"quarantine", {{"state", "none"}}}};
}

using TempDir = ::fabric::test::TempDir;

}  // namespace fabric::fortigate::test

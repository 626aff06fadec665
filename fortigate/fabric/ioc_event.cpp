#include "fortigate/fabric/ioc_event.h"

#include "common/logfmt/ip_text.h"

namespace fabric::fortigate {
namespace {

bool readString(const nlohmann::json& m, const char* key, std::size_t max, bool required, std::string& out,
                std::string& error) {
  auto it = m.find(key);
  if (it == m.end() || it->is_null()) {
    if (required) error = std::string("ioc: missing field \"") + key + "\"";
    return !required;
  }
  if (!it->is_string()) {
    error = std::string("ioc: field \"") + key + "\" must be a string";
    return false;
  }
  out = it->get<std::string>();
  if (out.size() > max) {
    error = std::string("ioc: field \"") + key + "\" longer than " + std::to_string(max) + " characters";
    return false;
  }
  return true;
}

}  // namespace

std::string parseIocNotification(const nlohmann::json& m, IocEvent& out) {
  std::string error;
  IocEvent e;
  if (!m.is_object()) return "ioc: message is not an object";
  if (m.contains("id") && m["id"].is_number_integer()) {
    e.id = std::to_string(m["id"].get<long long>());
  } else if (!readString(m, "id", 64, true, e.id, error)) {
    return error;
  }
  if (!readString(m, "endpoint_ip", 45, true, e.endpoint_ip, error) ||
      !readString(m, "uid", 40, false, e.uid, error) ||
      !readString(m, "indicator", 2048, true, e.indicator, error) ||
      !readString(m, "indicator_type", 32, false, e.indicator_type, error) ||
      !readString(m, "threat", 512, false, e.threat, error) ||
      !readString(m, "level", 16, true, e.level, error) || !readString(m, "feed", 255, false, e.feed, error) ||
      !readString(m, "flow_id", 64, false, e.flow_id, error))
    return error;
  if (!logfmt::isIp(e.endpoint_ip)) return "ioc: endpoint_ip \"" + e.endpoint_ip + "\" is not an IP address";
  if (e.level != "medium" && e.level != "high") return "ioc: level must be medium or high, not \"" + e.level + "\"";
  if (m.contains("log_ids") && !m["log_ids"].is_null()) {
    if (!m["log_ids"].is_array()) return "ioc: log_ids must be an array";
    for (const auto& v : m["log_ids"]) {
      if (v.is_string())
        e.log_ids.push_back(v.get<std::string>());
      else if (v.is_number_integer())
        e.log_ids.push_back(std::to_string(v.get<long long>()));
      else
        return "ioc: log_ids must hold strings or integers";
    }
  }
  if (m.contains("rescan") && !m["rescan"].is_null()) {
    if (!m["rescan"].is_boolean()) return "ioc: rescan must be a boolean";
    e.rescan = m["rescan"].get<bool>();
  }
  out = std::move(e);
  return {};
}

}  // namespace fabric::fortigate

#pragma once
// An IoC notification from the FortiAnalyzer (docs/protocols.md, FAZ → FortiGate `ioc`), the event
// the automation engine matches against `event-type ioc` triggers.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::fortigate {

struct IocEvent {
  std::string id;
  std::string endpoint_ip;
  std::string uid;
  std::string indicator;
  std::string indicator_type;
  std::string threat;
  std::string level;  // medium / high
  std::vector<std::string> log_ids;
  std::string feed;
  std::string flow_id;
  bool rescan = false;
};

// Parses and checks an `ioc` message; returns "" and fills `out`, or the reason it is refused.
std::string parseIocNotification(const nlohmann::json& message, IocEvent& out);

}  // namespace fabric::fortigate

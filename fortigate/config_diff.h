#pragma once
// What changed between two saved configurations (Engine::save() texts), object by object, for the
// config-change event logs (0100044545/44546/44547). Pure.

#include <string>
#include <vector>

namespace fabric::fortigate {

struct ConfigChange {
  enum class Action { kAdd, kEdit, kDelete };
  Action action = Action::kEdit;
  std::string table;    // "firewall address", "system global"
  std::string object;   // the entry's mkey, "" for a singleton
  std::string cfgattr;  // "subnet[10.0.0.1 255.255.255.255]" / "hostname[a->b]", secrets as [*]
};

std::vector<ConfigChange> diffConfigs(const std::string& before, const std::string& after);

// "firewall address" → "firewall.address" (the cfgpath of FortiOS logs).
std::string cfgPath(const std::string& table);
const char* actionName(ConfigChange::Action action);  // "Add", "Edit", "Delete"

}  // namespace fabric::fortigate

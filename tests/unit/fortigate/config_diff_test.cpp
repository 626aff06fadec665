#include <catch2/catch.hpp>

#include "fortigate/config_diff.h"

using namespace fabric::fortigate;

TEST_CASE("config diff: add, edit, delete per object; secrets masked; singletons") {
  const std::string before = R"(#config-version=FGVM64-6.0.4-FW-build0231-190107:opmode=0:vdom=0:user=admin
config system global
    set hostname "a"
end
config firewall address
    edit "x"
        set subnet 10.0.0.1 255.255.255.255
    next
    edit "gone"
        set comment "bye"
    next
end
)";
  const std::string after = R"(#config-version=FGVM64-6.0.4-FW-build0231-190107:opmode=0:vdom=0:user=admin
config system global
    set hostname "b"
end
config firewall address
    edit "x"
        set subnet 10.0.0.2 255.255.255.255
    next
    edit "new"
        set type fqdn
    next
end
config endpoint-control forticlient-ems
    edit "e01"
        set admin-password ENC abc==
    next
end
)";
  auto changes = diffConfigs(before, after);
  REQUIRE(changes.size() == 5);
  auto find = [&](const std::string& table, const std::string& object) -> const ConfigChange* {
    for (const auto& c : changes)
      if (c.table == table && c.object == object) return &c;
    return nullptr;
  };
  REQUIRE(find("system global", ""));
  CHECK(find("system global", "")->action == ConfigChange::Action::kEdit);
  CHECK(find("system global", "")->cfgattr == "hostname[a->b]");
  CHECK(find("firewall address", "x")->cfgattr == "subnet[10.0.0.1 255.255.255.255->10.0.0.2 255.255.255.255]");
  CHECK(find("firewall address", "new")->action == ConfigChange::Action::kAdd);
  CHECK(find("firewall address", "gone")->action == ConfigChange::Action::kDelete);
  CHECK(find("endpoint-control forticlient-ems", "e01")->cfgattr == "admin-password[*]");
  CHECK(diffConfigs(after, after).empty());
  CHECK(cfgPath("endpoint-control forticlient-ems") == "endpoint-control.forticlient-ems");
  CHECK(std::string(actionName(ConfigChange::Action::kDelete)) == "Delete");

  // A singleton whose settings all went back to default disappears from `show`.
  auto reset = diffConfigs(before, "");
  CHECK(reset.size() == 3);
}

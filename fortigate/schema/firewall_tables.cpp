// config firewall address (FortiOS 6.0), with the built-in entries of a fresh FortiGate.
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {

void addFirewallTables(config::Schema& schema) {
  auto& address = schema.table("firewall address", "name", false, 79);
  address.option("type", {"ipmask", "iprange", "fqdn", "geography", "wildcard", "wildcard-fqdn", "dynamic"},
                 "ipmask");
  address.ipmask("subnet");
  address.ipv4("start-ip").requiredWhen("type", "iprange");
  address.ipv4("end-ip");
  address.str("fqdn", 255).requiredWhen("type", "fqdn");
  address.str("country", 2).requiredWhen("type", "geography");
  address.str("wildcard-fqdn", 255).requiredWhen("type", "wildcard-fqdn");
  address.integer("cache-ttl", 0, 86400, 0);
  address.ipmask("wildcard");
  address.str("associated-interface", 35);
  address.integer("color", 0, 32, 0);
  address.str("comment", 255);
  address.option("visibility", {"enable", "disable"}, "enable");
  address.option("allow-routing", {"enable", "disable"}, "disable");
  address.builtin({"none", {{"subnet", {"0.0.0.0 255.255.255.255"}}}});
  address.builtin({"all", {}});
  address.builtin({"SSLVPN_TUNNEL_ADDR1",
                   {{"type", {"iprange"}}, {"start-ip", {"10.212.134.200"}}, {"end-ip", {"10.212.134.210"}}}});
}

}  // namespace fabric::fortigate

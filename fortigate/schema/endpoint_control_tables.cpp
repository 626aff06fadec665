// config endpoint-control settings / forticlient-ems (FortiOS 6.0).
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {
namespace {
const std::vector<std::string> kEnable = {"enable", "disable"};
}  // namespace

void addEndpointControlTables(config::Schema& schema) {
  auto& settings = schema.singleton("endpoint-control settings");
  settings.option("forticlient-reg-key-enforce", kEnable, "disable");
  settings.password("forticlient-reg-key", 127);
  settings.integer("forticlient-reg-timeout", 0, 180, 0);
  settings.option("download-location", {"fortiguard", "custom"}, "fortiguard");
  settings.str("download-custom-link", 1023);
  settings.option("forticlient-offline-grace", kEnable, "disable");
  settings.integer("forticlient-offline-grace-interval", 60, 600, 120);
  settings.integer("forticlient-keepalive-interval", 20, 300, 60);
  settings.integer("forticlient-sys-update-interval", 30, 1440, 720);
  settings.integer("forticlient-avdb-update-interval", 0, 24, 8);
  settings.integer("forticlient-warning-period", 1, 30, 15);
  settings.option("forticlient-user-avatar", kEnable, "enable");
  settings.option("forticlient-disconnect-unsupported-client", kEnable, "enable");
  settings.option("forticlient-dereg-unsupported-client", kEnable, "enable");
  settings.integer("forticlient-ems-rest-api-call-timeout", 500, 30000, 5000);

  auto& ems = schema.table("endpoint-control forticlient-ems", "name", false, 35);
  ems.setMaxEntries(16);
  ems.ref("address", "firewall address", 79).mustBeSet();
  ems.str("serial-number", 16).mustBeSet();
  ems.integer("listen-port", 1, 65535, 8013);
  ems.integer("upload-port", 1, 65535, 8014);
  ems.option("rest-api-auth", {"disable", "userpass"}, "disable");
  ems.integer("https-port", 1, 65535, 443);
  ems.str("admin-username", 68).requiredWhen("rest-api-auth", "userpass");
  ems.password("admin-password", 68).requiredWhen("rest-api-auth", "userpass");
  ems.option("admin-type", {"Windows", "LDAP"}, "Windows");
}

}  // namespace fabric::fortigate

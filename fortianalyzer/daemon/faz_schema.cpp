#include "fortianalyzer/daemon/faz_schema.h"

namespace fabric::faz {
namespace {
const std::vector<std::string> kEnable = {"enable", "disable"};
}  // namespace

std::shared_ptr<const config::Schema> makeFortiAnalyzerSchema() {
  auto schema = std::make_shared<config::Schema>(kFazConfigVersion);

  auto& global = schema->singleton("system global");
  global.str("hostname", 35, "FAZ-VM64");
  global.option("detect-unregistered-log-device", kEnable, "enable");

  // `unreg_dev_opt` decides what an unregistered device that opens a link gets:
  // add_allow_service (listed unregistered, logs stored, IoC notifications sent), add_no_service
  // (listed unregistered, logs refused, no notifications), ignore (link closed after hello).
  auto& admin_setting = schema->singleton("system admin setting");
  admin_setting.integer("https_port", 0, 65535, 443);
  admin_setting.option("unreg_dev_opt", {"add_allow_service", "add_no_service", "ignore"},
                       "add_allow_service");

  auto& admin = schema->table("system admin user", "userid", false, 35);
  admin.passwordHash("password", 128);
  admin.option("profileid", {"Super_User", "Standard_User", "Restricted_User", "No_Permission_User"},
               "Restricted_User");
  admin.option("rpc-permit", {"none", "read", "read-write"}, "none");
  admin.str("description", 127);
  admin.builtin(config::BuiltinEntry{"admin", {{"profileid", {"Super_User"}}, {"rpc-permit", {"read-write"}}}});

  auto& ioc = schema->singleton("system log ioc");
  ioc.option("status", kEnable, "enable");
  ioc.option("notification", kEnable, "enable");
  ioc.integer("notification-throttle", 1, 10080, 1440);

  // Lab tables (no CLI counterpart on the real product).
  auto& settings = schema->singleton("system log settings");
  settings.integer("retention-days", 0, 36500, 0);       // 0 = keep forever
  settings.integer("retention-max-size", 0, 16777216, 0);  // MB of used database pages, 0 = no limit

  auto& receiver = schema->singleton("system log-receiver");
  receiver.integer("syslog-udp-port", 0, 65535, 514);
  receiver.integer("syslog-tcp-port", 0, 65535, 514);
  receiver.integer("syslog-tls-port", 0, 65535, 6514);
  receiver.integer("max-message-size", 1024, 1048576, 65536);

  auto& device = schema->table("system device", "serial", false, 35);
  device.str("devname", 35);
  device.str("ip", 63);
  device.str("description", 127);

  auto& feed = schema->table("system threat-feed", "name", false, 35);
  feed.option("status", kEnable, "enable");
  feed.str("file", 1023).mustBeSet();
  feed.option("format", {"plain", "csv", "stix"}, "plain");
  feed.option("type", {"domain", "address", "url", "malware"}, "domain");
  feed.option("level", {"high", "medium"}, "high");
  feed.str("threat", 63);
  return schema;
}

}  // namespace fabric::faz

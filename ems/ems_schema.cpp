#include "ems/ems_schema.h"

namespace fabric::ems {
namespace {
const std::vector<std::string> kEnable = {"enable", "disable"};
}  // namespace

std::shared_ptr<const config::Schema> makeEmsSchema() {
  auto schema = std::make_shared<config::Schema>(kConfigVersion);

  auto& global = schema->singleton("system global");
  global.str("hostname", 35, "FCTEMS");

  auto& admin = schema->table("system admin", "name", false, 64);
  admin.passwordHash("password", 128);
  admin.option("role", {"super-admin", "standard-admin", "read-only"}, "standard-admin");
  admin.option("status", kEnable, "enable");
  admin.str("comments", 255);
  admin.builtin(config::BuiltinEntry{"admin", {{"role", {"super-admin"}}}});

  auto& server = schema->singleton("system server");
  server.ipv4("listen-ip", "0.0.0.0");
  server.integer("https-port", 1, 65535, 443);
  server.integer("fct-port", 1, 65535, 8013);
  // EMS ships with remote HTTPS access off: only the EMS host itself may use the console and API.
  server.option("remote-https-access", kEnable, "disable");
  server.integer("admin-session-timeout", 1, 480, 30);
  // Fabric Lab: seconds a command sent to a connected FortiClient may stay unanswered before it is
  // marked `timeout` (commands for an offline endpoint wait, without expiry, for its next register).
  server.integer("command-timeout", 1, 86400, 120);

  auto& profile = schema->table("endpoint profile", "name", false, 35);
  profile.str("comments", 255);
  profile.ipv4("faz-address", "0.0.0.0");
  profile.integer("faz-port", 1, 65535, 6514);

  auto& gateways = schema->table("endpoint gateway-list", "name", false, 35);
  gateways.str("comments", 255);
  auto& fortigate = gateways.child("fortigate", "name", false, 35);
  fortigate.ipv4("address", "0.0.0.0");
  fortigate.integer("port", 1, 65535, 8013);

  auto& rule = schema->table("endpoint assignment-rule", "id", true);
  rule.option("status", kEnable, "enable");
  rule.str("comments", 255);
  rule.str("match-hostname", 63, "*");
  rule.classnet("match-ip", "0.0.0.0 0.0.0.0");
  rule.options("match-os", {"windows", "macos", "linux"}, {"windows", "macos", "linux"});
  rule.ref("profile", "endpoint profile", 35);
  rule.ref("gateway-list", "endpoint gateway-list", 35);

  // Off as shipped: the EMS's event log stays in DIR/event.log until a FortiAnalyzer is named.
  auto& faz = schema->singleton("log fortianalyzer setting");
  faz.option("status", kEnable, "disable");
  faz.ipv4("server", "0.0.0.0");
  faz.integer("port", 1, 65535, 6514);

  return schema;
}

}  // namespace fabric::ems

// config system global / accprofile / admin / api-user (FortiOS 6.0).
#include <cstdio>

#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {
namespace {

using config::BuiltinEntry;

const std::vector<std::string> kAccess = {"none", "read", "read-write"};
const std::vector<std::string> kEnable = {"enable", "disable"};
const char* const kAccessGroups[] = {"secfabgrp", "ftviewgrp", "authgrp", "sysgrp",    "netgrp", "loggrp",
                                     "fwgrp",     "vpngrp",    "utmgrp",  "wanoptgrp", "wifi"};

std::vector<std::string> timezones() {
  std::vector<std::string> zones;
  for (int i = 1; i <= 87; ++i) {
    char text[3];
    std::snprintf(text, sizeof text, "%02d", i);
    zones.emplace_back(text);
  }
  return zones;
}

BuiltinEntry profile(std::string name, bool global) {
  BuiltinEntry entry{std::move(name), {}};
  for (const char* group : kAccessGroups) entry.values.push_back({group, {"read-write"}});
  if (global) entry.values.push_back({"scope", {"global"}});
  return entry;
}

}  // namespace

void addSystemTables(config::Schema& schema) {
  auto& global = schema.singleton("system global");
  global.str("hostname", 35);
  global.str("alias", 35);
  global.option("timezone", timezones(), "04");
  global.option("language", {"english", "french", "spanish", "portuguese", "japanese", "trach", "simch", "korean"},
                "english");
  global.integer("admintimeout", 1, 480, 5);
  global.integer("admin-sport", 1, 65535, 443);
  global.integer("admin-port", 1, 65535, 80);
  global.integer("admin-ssh-port", 1, 65535, 22);
  global.option("admin-https-redirect", kEnable, "enable");
  global.integer("admin-lockout-threshold", 1, 10, 3);
  global.integer("admin-lockout-duration", 1, 2147483647, 60);
  global.option("admin-concurrent", kEnable, "enable");
  global.str("admin-server-cert", 35, "self-sign");
  global.option("strong-crypto", kEnable, "enable");
  global.options("admin-https-ssl-versions", {"tlsv1-0", "tlsv1-1", "tlsv1-2"}, {"tlsv1-1", "tlsv1-2"});
  global.option("gui-theme", {"green", "red", "blue", "melongene", "mariner"}, "green");

  auto& accprofile = schema.table("system accprofile", "name", false, 35);
  accprofile.option("scope", {"vdom", "global"}, "vdom");
  accprofile.str("comments", 255);
  for (const char* group : kAccessGroups) accprofile.option(group, kAccess, "none");
  accprofile.option("admintimeout-override", kEnable, "disable");
  accprofile.integer("admintimeout", 1, 480, 10);
  accprofile.builtin(profile("prof_admin", false));
  accprofile.builtin(profile("super_admin", true));

  auto& admin = schema.table("system admin", "name", false, 64);
  admin.option("remote-auth", kEnable, "disable");
  admin.option("peer-auth", kEnable, "disable");
  for (int i = 1; i <= 10; ++i) admin.classnet("trusthost" + std::to_string(i));
  admin.ref("accprofile", "system accprofile", 35).mustBeSet();
  admin.str("comments", 255);
  admin.option("two-factor", {"disable", "fortitoken", "email", "sms"}, "disable");
  admin.str("email-to", 63);
  admin.passwordHash("password", 128);
  admin.builtin(BuiltinEntry{"admin", {{"accprofile", {"super_admin"}}}});

  auto& api_user = schema.table("system api-user", "name", false, 35);
  api_user.str("comments", 255);
  api_user.password("api-key", 128);
  api_user.ref("accprofile", "system accprofile", 35).mustBeSet();
  api_user.option("peer-auth", kEnable, "disable");
  api_user.str("peer-group", 35);
  api_user.str("cors-allow-origin", 269);
  auto& trusthost = api_user.child("trusthost", "id", true);
  trusthost.option("type", {"ipv4-trusthost", "ipv6-trusthost"}, "ipv4-trusthost");
  trusthost.classnet("ipv4-trusthost");
  trusthost.str("ipv6-trusthost", 43, "::/0");
}

}  // namespace fabric::fortigate

// config system automation-trigger / automation-action / automation-stitch (FortiOS 6.0 option
// lists, extended with the later event and action types the Fabric flows use; automation-stitch
// also carries FortiOS 7.x `config actions`).
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {
namespace {
const std::vector<std::string> kEnable = {"enable", "disable"};
}  // namespace

void addAutomationTables(config::Schema& schema) {
  auto& trigger = schema.table("system automation-trigger", "name", false, 35);
  trigger.str("description", 255);
  trigger.option("trigger-type", {"event-based", "scheduled"}, "event-based");
  trigger.option("event-type",
                 {"ioc", "event-log", "reboot", "low-memory", "high-cpu", "license-near-expiry", "ha-failover",
                  "config-change", "security-rating-summary", "virus-ips-db-updated", "faz-event",
                  "incoming-webhook", "fabric-event", "ips-logs", "anomaly-logs", "virus-logs", "ssh-logs",
                  "webfilter-violation", "traffic-violation"},
                 "ioc");
  trigger.option("license-type",
                 {"forticare-support", "fortiguard-webfilter", "fortiguard-antispam", "fortiguard-antivirus",
                  "fortiguard-ips", "fortiguard-management", "forticloud"},
                 "forticare-support");
  trigger.option("ioc-level", {"medium", "high"}, "high");
  trigger.integer("logid", 0, 65535, 0).requiredWhen("event-type", "event-log");
  trigger.option("trigger-frequency", {"hourly", "daily", "weekly", "monthly"}, "daily");
  trigger.option("trigger-weekday", {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"},
                 "");
  trigger.integer("trigger-day", 1, 31, 1);
  trigger.integer("trigger-hour", 0, 23, 0);
  trigger.integer("trigger-minute", 0, 59, 0);
  trigger.str("faz-event-name", 255);
  trigger.str("faz-event-severity", 255);
  trigger.str("faz-event-tags", 255);

  auto& action = schema.table("system automation-action", "name", false, 64);
  action.str("description", 255);
  action.option("action-type",
                {"email", "ios-notification", "alert", "disable-ssid", "quarantine", "quarantine-forticlient",
                 "quarantine-nsx", "ban-ip", "aws-lambda", "azure-function", "google-cloud-function",
                 "alicloud-function", "webhook", "cli-script", "slack-notification",
                 "microsoft-teams-notification"},
                "email");
  action.refs("email-to", "", 255);
  action.str("email-subject", 511);
  action.str("email-body", 4095);
  action.integer("minimum-interval", 0, 2592000, 0);
  action.integer("delay", 0, 3600, 0);
  action.option("required", kEnable, "disable");
  action.str("message", 4095);
  action.option("protocol", {"http", "https"}, "http");
  action.option("method", {"post", "put", "get", "patch", "delete"}, "post");
  action.str("uri", 1023).requiredWhen("action-type", "webhook");
  action.str("http-body", 4095);
  action.integer("port", 0, 65535, 0);
  action.refs("headers", "", 1023);
  auto& headers = action.child("http-headers", "id", true);
  headers.str("key", 1023);
  headers.str("value", 4095);
  action.str("script", 1023).requiredWhen("action-type", "cli-script");
  action.ref("accprofile", "system accprofile", 35);

  auto& stitch = schema.table("system automation-stitch", "name", false, 35);
  stitch.str("description", 255);
  stitch.option("status", kEnable, "enable");
  stitch.ref("trigger", "system automation-trigger", 35).mustBeSet();
  stitch.refs("action", "system automation-action", 64);
  auto& actions = stitch.child("actions", "id", true);
  actions.ref("action", "system automation-action", 64).mustBeSet();
  actions.integer("delay", 0, 3600, 0);
  actions.option("required", kEnable, "disable");
}

}  // namespace fabric::fortigate

// config log fortianalyzer setting (FortiOS 6.0).
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {
namespace {
const std::vector<std::string> kEnable = {"enable", "disable"};
}  // namespace

void addLogTables(config::Schema& schema) {
  auto& faz = schema.singleton("log fortianalyzer setting");
  faz.option("status", kEnable, "disable");
  faz.option("ips-archive", kEnable, "enable");
  faz.str("server", 127).requiredWhen("status", "enable");
  faz.option("certificate-verification", kEnable, "enable");
  faz.refs("serial", "", 35);
  faz.option("access-config", kEnable, "enable");
  faz.option("hmac-algorithm", {"sha256", "sha1"}, "sha256");
  faz.option("enc-algorithm", {"high-medium", "high", "low"}, "high");
  faz.option("ssl-min-proto-version", {"default", "SSLv3", "TLSv1", "TLSv1-1", "TLSv1-2"}, "default");
  faz.integer("conn-timeout", 1, 3600, 10);
  faz.integer("monitor-keepalive-period", 1, 120, 5);
  faz.integer("monitor-failure-retry-period", 1, 86400, 5);
  faz.str("source-ip", 63);
  faz.option("upload-option", {"store-and-upload", "realtime", "1-minute", "5-minute"}, "5-minute");
  faz.option("upload-interval", {"daily", "weekly", "monthly"}, "daily");
  faz.option("reliable", kEnable, "disable");
  faz.option("priority", {"default", "low"}, "default");
  faz.integer("max-log-rate", 0, 100000, 0);
}

}  // namespace fabric::fortigate

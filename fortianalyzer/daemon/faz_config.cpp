#include "fortianalyzer/daemon/faz_config.h"

#include <cstdlib>

namespace fabric::faz {
namespace {

std::string get(const config::Engine& engine, const config::Path& path, std::string_view attr) {
  return engine.value(path, attr).value_or("");
}

long long getInt(const config::Engine& engine, const config::Path& path, std::string_view attr,
                 long long fallback) {
  auto text = engine.value(path, attr);
  if (!text || text->empty()) return fallback;
  return std::strtoll(text->c_str(), nullptr, 10);
}

}  // namespace

bool FeedConfig::operator==(const FeedConfig& other) const {
  return source.name == other.source.name && source.format == other.source.format &&
         source.plainType == other.source.plainType && source.level == other.source.level &&
         source.threat == other.source.threat && file == other.file && enabled == other.enabled;
}

FazConfig readFazConfig(const config::Engine& engine, const std::filesystem::path& home) {
  FazConfig c;
  const config::Path global{"system global"};
  c.hostname = get(engine, global, "hostname");
  c.detect_unregistered = get(engine, global, "detect-unregistered-log-device") != "disable";

  const config::Path admin_setting{"system admin setting"};
  c.https_port = static_cast<std::uint16_t>(getInt(engine, admin_setting, "https_port", 443));
  const std::string unreg = get(engine, admin_setting, "unreg_dev_opt");
  c.unregistered = unreg == "add_no_service" ? UnregisteredDeviceOption::kAddNoService
                   : unreg == "ignore"       ? UnregisteredDeviceOption::kIgnore
                                             : UnregisteredDeviceOption::kAddAllowService;

  const config::Path ioc{"system log ioc"};
  c.ioc_enabled = get(engine, ioc, "status") != "disable";
  c.ioc.notification = get(engine, ioc, "notification") != "disable";
  c.ioc.notificationThrottle = std::chrono::minutes(getInt(engine, ioc, "notification-throttle", 1440));

  const config::Path settings{"system log settings"};
  c.retention.max_age = std::chrono::hours(24) * getInt(engine, settings, "retention-days", 0);
  c.retention.max_db_bytes = getInt(engine, settings, "retention-max-size", 0) * 1024 * 1024;

  const config::Path receiver{"system log-receiver"};
  c.syslog_udp_port = static_cast<std::uint16_t>(getInt(engine, receiver, "syslog-udp-port", 514));
  c.syslog_tcp_port = static_cast<std::uint16_t>(getInt(engine, receiver, "syslog-tcp-port", 514));
  c.syslog_tls_port = static_cast<std::uint16_t>(getInt(engine, receiver, "syslog-tls-port", 6514));
  c.max_message = static_cast<std::size_t>(getInt(engine, receiver, "max-message-size", 65536));

  for (const auto& serial : engine.keys({"system device"})) {
    const config::Path path{"system device", serial};
    c.devices[serial] = RegisteredDevice{serial, get(engine, path, "devname"), get(engine, path, "ip")};
  }

  for (const auto& name : engine.keys({"system threat-feed"})) {
    const config::Path path{"system threat-feed", name};
    FeedConfig feed;
    feed.source.name = name;
    feed.enabled = get(engine, path, "status") != "disable";
    std::filesystem::path file = get(engine, path, "file");
    feed.file = file.is_absolute() ? file : home / file;
    ioc::parseFeedFormat(get(engine, path, "format"), &feed.source.format);
    ioc::parsePlainFeedType(get(engine, path, "type"), &feed.source.plainType);
    feed.source.level = ioc::parseLevel(get(engine, path, "level")).value_or(ioc::IocLevel::kHigh);
    feed.source.threat = get(engine, path, "threat");
    c.feeds.push_back(std::move(feed));
  }
  return c;
}

ConfiguredPorts configuredPorts(const FazConfig& c) {
  return ConfiguredPorts{c.https_port, c.syslog_udp_port, c.syslog_tcp_port, c.syslog_tls_port};
}

PortMoves portMoves(const ConfiguredPorts& applied, const ConfiguredPorts& now) {
  PortMoves m;
  m.syslog = applied.syslog_udp != now.syslog_udp || applied.syslog_tcp != now.syslog_tcp ||
             applied.syslog_tls != now.syslog_tls;
  m.https = applied.https != now.https;
  return m;
}

}  // namespace fabric::faz

#pragma once
// The FortiAnalyzer's configuration tree read into a plain struct (pure: Engine in, struct out), so
// the daemon applies one snapshot after every commit and tests check the mapping without a daemon.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/config/engine.h"
#include "fortianalyzer/ioc/feed_index.h"
#include "fortianalyzer/ioc/ioc_engine.h"
#include "fortianalyzer/store/retention.h"

namespace fabric::faz {

// The largest `max-message-size` the schema accepts (faz_schema.cpp).
inline constexpr std::size_t kLargestMaxMessage = 1048576;

enum class UnregisteredDeviceOption { kAddAllowService, kAddNoService, kIgnore };

struct FeedConfig {
  ioc::FeedSource source;         // name, format, plain type, level, threat
  std::filesystem::path file;     // absolute (a relative `file` is relative to the home directory)
  bool enabled = true;
  bool operator==(const FeedConfig& other) const;
};

struct RegisteredDevice {
  std::string serial;
  std::string devname;
  std::string ip;
};

struct FazConfig {
  std::string hostname;
  bool detect_unregistered = true;
  UnregisteredDeviceOption unregistered = UnregisteredDeviceOption::kAddAllowService;
  bool ioc_enabled = true;
  ioc::IocSettings ioc;
  RetentionPolicy retention;  // max_age and max_db_bytes from `system log settings`
  std::uint16_t https_port = 443;
  std::uint16_t syslog_udp_port = 514;
  std::uint16_t syslog_tcp_port = 514;
  std::uint16_t syslog_tls_port = 6514;
  std::size_t max_message = 65536;
  std::map<std::string, RegisteredDevice> devices;  // by serial
  std::vector<FeedConfig> feeds;                    // in config order

  bool isRegistered(const std::string& serial) const { return devices.count(serial) != 0; }
};

FazConfig readFazConfig(const config::Engine& engine, const std::filesystem::path& home);

// The listening ports a configuration asks for.
struct ConfiguredPorts {
  std::uint16_t https = 443;
  std::uint16_t syslog_udp = 514;
  std::uint16_t syslog_tcp = 514;
  std::uint16_t syslog_tls = 6514;
  bool operator==(const ConfiguredPorts&) const = default;
};
ConfiguredPorts configuredPorts(const FazConfig& config);

// Which listeners a committed configuration moves: those whose configured port differs from the
// configured port they were bound for (`applied`). Comparing configured values, not the ports in
// use, keeps a command-line override (or port 0) until the configuration's own value changes.
struct PortMoves {
  bool syslog = false;  // UDP, TCP and TLS move together (all or nothing)
  bool https = false;
};
PortMoves portMoves(const ConfiguredPorts& applied, const ConfiguredPorts& now);

}  // namespace fabric::faz

#pragma once
// The devices table: every device that sent logs (listed as unregistered until an administrator
// registers it, as FortiAnalyzer's "Unauthorized Devices" list does) and every device registered
// ahead of its first log. Functions take the writer's connection; LogStore runs them on its
// writer thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

struct DeviceRecord {
  std::string devid;
  std::string devname;
  std::string serial;
  std::string ip;
  bool registered = false;
  std::optional<int64_t> first_seen_ns;  // first log received; empty when none yet
  std::optional<int64_t> last_seen_ns;
  int64_t log_count = 0;
};

// Adds the device or marks an existing one registered; non-empty devname/serial/ip overwrite.
// An empty devid is refused with a message; returns "" on success.
std::string registerDevice(SqliteDb& db, const DeviceRecord& device);

// Marks the device unregistered (it stays listed with its history). false when unknown.
bool unregisterDevice(SqliteDb& db, const std::string& devid);

std::vector<DeviceRecord> listDevices(SqliteDb& db);

}  // namespace fabric::faz

#include "fortianalyzer/store/device_registry.h"

namespace fabric::faz {

std::string registerDevice(SqliteDb& db, const DeviceRecord& device) {
  if (device.devid.empty()) return "device id (devid) is empty";
  if (device.devid.size() > 64) return "device id (devid) is longer than 64 characters";
  auto st = db.prepare(
      "INSERT INTO devices(devid, devname, serial, ip, registered) VALUES(?1, ?2, "
      "coalesce(?3, ?1), ?4, 1) ON CONFLICT(devid) DO UPDATE SET registered=1, "
      "devname=coalesce(excluded.devname, devname), serial=coalesce(?3, serial), "
      "ip=coalesce(excluded.ip, ip)");
  st.bindText(1, device.devid);
  st.bindText(2, device.devname, true);
  st.bindText(3, device.serial, true);
  st.bindText(4, device.ip, true);
  st.step();
  return "";
}

bool unregisterDevice(SqliteDb& db, const std::string& devid) {
  auto st = db.prepare("UPDATE devices SET registered=0 WHERE devid=?1");
  st.bindText(1, devid);
  st.step();
  return sqlite3_changes(db.handle()) > 0;
}

std::vector<DeviceRecord> listDevices(SqliteDb& db) {
  auto st = db.prepare(
      "SELECT devid, devname, serial, ip, registered, first_seen_ns, last_seen_ns, log_count "
      "FROM devices ORDER BY devid");
  std::vector<DeviceRecord> out;
  while (st.step()) {
    DeviceRecord d;
    d.devid = st.columnText(0);
    d.devname = st.columnText(1);
    d.serial = st.columnText(2);
    d.ip = st.columnText(3);
    d.registered = st.columnInt(4) != 0;
    if (!st.columnIsNull(5)) d.first_seen_ns = st.columnInt(5);
    if (!st.columnIsNull(6)) d.last_seen_ns = st.columnInt(6);
    d.log_count = st.columnInt(7);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace fabric::faz

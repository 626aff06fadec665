#include "ems/endpoint_registry.h"

namespace fabric::ems {
namespace {

constexpr const char* kColumns =
    "uid, hostname, os, os_version, ip, mac, user, fctver, online, quarantine, quarantine_since, "
    "quarantine_flow, first_seen, last_seen";

EndpointRecord readRow(const Statement& s) {
  EndpointRecord r;
  r.uid = s.columnText(0);
  r.hostname = s.columnText(1);
  r.os = s.columnText(2);
  r.os_version = s.columnText(3);
  r.ip = s.columnText(4);
  r.mac = s.columnText(5);
  r.user = s.columnText(6);
  r.fctver = s.columnText(7);
  r.online = s.columnInt(8) != 0;
  r.quarantine = s.columnText(9);
  r.quarantine_since = s.columnInt(10);
  r.quarantine_flow = s.columnText(11);
  r.first_seen = s.columnInt(12);
  r.last_seen = s.columnInt(13);
  return r;
}

}  // namespace

void EndpointRegistry::registered(const EndpointRecord& r, std::int64_t now) {
  auto s = db_.prepare(
      "INSERT INTO endpoints(uid, hostname, os, os_version, ip, mac, user, fctver, online, "
      "quarantine, quarantine_since, quarantine_flow, first_seen, last_seen) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?12, ?12) "
      "ON CONFLICT(uid) DO UPDATE SET hostname=?2, os=?3, os_version=?4, ip=?5, mac=?6, user=?7, "
      "fctver=?8, online=1, quarantine=?9, quarantine_since=?10, quarantine_flow=?11, last_seen=?12");
  s.bindText(1, r.uid);
  s.bindText(2, r.hostname);
  s.bindText(3, r.os);
  s.bindText(4, r.os_version);
  s.bindText(5, r.ip);
  s.bindText(6, r.mac);
  s.bindText(7, r.user);
  s.bindText(8, r.fctver);
  s.bindText(9, r.quarantine);
  s.bindInt(10, r.quarantine_since);
  s.bindText(11, r.quarantine_flow);
  s.bindInt(12, now);
  s.step();
}

void EndpointRegistry::setOnline(const std::string& uid, bool online, std::int64_t now) {
  auto s = db_.prepare("UPDATE endpoints SET online=?2, last_seen=?3 WHERE uid=?1");
  s.bindText(1, uid);
  s.bindInt(2, online ? 1 : 0);
  s.bindInt(3, now);
  s.step();
}

void EndpointRegistry::setQuarantine(const std::string& uid, const std::string& state,
                                     std::int64_t since, const std::string& flow_id,
                                     std::int64_t now) {
  auto s = db_.prepare(
      "UPDATE endpoints SET quarantine=?2, quarantine_since=?3, quarantine_flow=?4, last_seen=?5 "
      "WHERE uid=?1");
  s.bindText(1, uid);
  s.bindText(2, state);
  s.bindInt(3, since);
  s.bindText(4, flow_id);
  s.bindInt(5, now);
  s.step();
}

void EndpointRegistry::markAllOffline() { db_.exec("UPDATE endpoints SET online=0 WHERE online<>0"); }

std::vector<EndpointRecord> EndpointRegistry::select(const std::string& where,
                                                     const std::string& arg) const {
  std::string sql = std::string("SELECT ") + kColumns + " FROM endpoints " + where;
  auto s = db_.prepare(sql);
  if (!arg.empty()) s.bindText(1, arg);
  std::vector<EndpointRecord> out;
  while (s.step()) out.push_back(readRow(s));
  return out;
}

std::optional<EndpointRecord> EndpointRegistry::find(const std::string& uid) const {
  if (uid.empty()) return std::nullopt;
  auto rows = select("WHERE uid=?1", uid);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<EndpointRecord> EndpointRegistry::findByIp(const std::string& ip) const {
  if (ip.empty()) return std::nullopt;
  auto rows = select("WHERE ip=?1 ORDER BY online DESC, last_seen DESC, uid LIMIT 1", ip);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<EndpointRecord> EndpointRegistry::all() const { return select("ORDER BY hostname, uid", ""); }

std::int64_t EndpointRegistry::count() const { return db_.queryInt("SELECT COUNT(*) FROM endpoints"); }

}  // namespace fabric::ems

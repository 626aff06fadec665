#include "ems/audit_log.h"

namespace fabric::ems {

nlohmann::json AuditEntry::toJson() const {
  return {{"id", id},         {"time", time},     {"admin", admin},     {"client", client},
          {"action", action}, {"target", target}, {"result", result}, {"message", message}};
}

void AuditLog::record(const AuditEntry& e) {
  auto s = db_.prepare(
      "INSERT INTO audit(time, admin, client, action, target, result, message) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bindInt(1, e.time);
  s.bindText(2, e.admin);
  s.bindText(3, e.client);
  s.bindText(4, e.action);
  s.bindText(5, e.target);
  s.bindText(6, e.result);
  s.bindText(7, e.message);
  s.step();
}

std::vector<AuditEntry> AuditLog::recent(int limit) const {
  auto s = db_.prepare(
      "SELECT id, time, admin, client, action, target, result, message FROM audit "
      "ORDER BY id DESC LIMIT ?1");
  s.bindInt(1, limit);
  std::vector<AuditEntry> out;
  while (s.step()) {
    AuditEntry e;
    e.id = s.columnInt(0);
    e.time = s.columnInt(1);
    e.admin = s.columnText(2);
    e.client = s.columnText(3);
    e.action = s.columnText(4);
    e.target = s.columnText(5);
    e.result = s.columnText(6);
    e.message = s.columnText(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace fabric::ems

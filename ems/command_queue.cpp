#include "ems/command_queue.h"

namespace fabric::ems {
namespace {

constexpr const char* kColumns =
    "id, uid, action, flow_id, source, access_code, created, status, sent_count, last_sent, "
    "result_ok, result_message, result_state, completed";

Command readRow(const Statement& s) {
  Command c;
  c.id = s.columnInt(0);
  c.uid = s.columnText(1);
  c.action = s.columnText(2);
  c.flow_id = s.columnText(3);
  c.source = s.columnText(4);
  c.access_code = s.columnText(5);
  c.created = s.columnInt(6);
  c.status = s.columnText(7);
  c.sent_count = static_cast<int>(s.columnInt(8));
  c.last_sent = s.columnInt(9);
  c.result_ok = s.columnInt(10) != 0;
  c.result_message = s.columnText(11);
  c.result_state = s.columnText(12);
  c.completed = s.columnInt(13);
  return c;
}

}  // namespace

nlohmann::json Command::toMessage() const {
  nlohmann::json m = {{"type", "command"}, {"id", id},         {"action", action},
                      {"flow_id", flow_id}, {"source", source}};
  if (action == "quarantine") m["access_code"] = access_code;
  return m;
}

nlohmann::json Command::toJson(bool with_access_code) const {
  nlohmann::json j = {{"id", id},          {"uid", uid},
                      {"action", action},  {"flow_id", flow_id},
                      {"source", source},  {"created", created},
                      {"status", status},  {"sent_count", sent_count},
                      {"last_sent", last_sent}};
  if (status != "pending") {
    j["result"] = {{"ok", result_ok}, {"message", result_message}, {"state", result_state},
                   {"completed", completed}};
  }
  if (with_access_code && action == "quarantine") j["access_code"] = access_code;
  return j;
}

Command CommandQueue::add(const std::string& uid, const std::string& action,
                          const std::string& flow_id, const std::string& source,
                          const std::string& access_code, std::int64_t now) {
  DurableWrite durable(db_);
  auto s = db_.prepare(
      "INSERT INTO commands(uid, action, flow_id, source, access_code, created) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  s.bindText(1, uid);
  s.bindText(2, action);
  s.bindText(3, flow_id);
  s.bindText(4, source);
  s.bindText(5, access_code);
  s.bindInt(6, now);
  s.step();
  Command c;
  c.id = sqlite3_last_insert_rowid(db_.handle());
  c.uid = uid;
  c.action = action;
  c.flow_id = flow_id;
  c.source = source;
  c.access_code = access_code;
  c.created = now;
  return c;
}

std::vector<Command> CommandQueue::select(const std::string& where, const std::string& text_arg,
                                          std::int64_t int_arg) const {
  auto s = db_.prepare(std::string("SELECT ") + kColumns + " FROM commands " + where);
  if (!text_arg.empty()) s.bindText(1, text_arg);
  if (int_arg != 0) s.bindInt(2, int_arg);
  std::vector<Command> out;
  while (s.step()) out.push_back(readRow(s));
  return out;
}

std::int64_t CommandQueue::nextId() const {
  return db_.queryInt("SELECT COALESCE(MAX(id), 0) + 1 FROM commands");
}

std::vector<Command> CommandQueue::pending(const std::string& uid) const {
  return select("WHERE uid=?1 AND status='pending' ORDER BY id", uid, 0);
}

std::vector<Command> CommandQueue::allPending() const {
  return select("WHERE status='pending' ORDER BY id", "", 0);
}

std::optional<Command> CommandQueue::find(std::int64_t id) const {
  if (id <= 0) return std::nullopt;
  auto rows = select("WHERE id=?2", "", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<Command> CommandQueue::last(const std::string& uid) const {
  auto rows = select("WHERE uid=?1 ORDER BY id DESC LIMIT 1", uid, 0);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Command> CommandQueue::recent(const std::string& uid, int limit) const {
  return select("WHERE uid=?1 ORDER BY id DESC LIMIT ?2", uid, limit);
}

void CommandQueue::markSent(std::int64_t id, std::int64_t now) {
  auto s = db_.prepare("UPDATE commands SET sent_count=sent_count+1, last_sent=?2 WHERE id=?1");
  s.bindInt(1, id);
  s.bindInt(2, now);
  s.step();
}

bool CommandQueue::complete(std::int64_t id, const std::string& uid, bool ok,
                            const std::string& message, const std::string& state,
                            std::int64_t now) {
  DurableWrite durable(db_);
  auto s = db_.prepare(
      "UPDATE commands SET status=?3, result_ok=?4, result_message=?5, result_state=?6, "
      "completed=?7 WHERE id=?1 AND uid=?2 AND status IN ('pending', 'timeout')");
  s.bindInt(1, id);
  s.bindText(2, uid);
  s.bindText(3, ok ? "done" : "failed");
  s.bindInt(4, ok ? 1 : 0);
  s.bindText(5, message);
  s.bindText(6, state);
  s.bindInt(7, now);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

bool CommandQueue::timeOut(std::int64_t id, const std::string& message, std::int64_t now) {
  DurableWrite durable(db_);
  auto s = db_.prepare(
      "UPDATE commands SET status='timeout', result_ok=0, result_message=?2, completed=?3 "
      "WHERE id=?1 AND status='pending'");
  s.bindInt(1, id);
  s.bindText(2, message);
  s.bindInt(3, now);
  s.step();
  return sqlite3_changes(db_.handle()) > 0;
}

}  // namespace fabric::ems

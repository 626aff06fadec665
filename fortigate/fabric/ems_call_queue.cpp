#include "fortigate/fabric/ems_call_queue.h"

#include <sqlite3.h>

#include <sstream>
#include <stdexcept>

#include "common/sqlite/sqlite_db.h"
#include "fortigate/fabric/time_text.h"

namespace fabric::fortigate {
namespace {

std::int64_t toMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point fromMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

const char* kColumns =
    "c.id, c.action, c.ip, c.uid, c.ems_name, c.ems_serial, c.flow_id, c.source, c.state, c.attempts, "
    "c.last_error, c.http_status, c.result, c.created_at, c.updated_at, c.next_attempt_at, "
    "COALESCE(k.command_id, 0), COALESCE(k.status, ''), COALESCE(k.message, '')";
const char* kFrom = " FROM ems_calls c LEFT JOIN ems_call_commands k ON k.call_id = c.id";

EmsCall readCall(const sqlite::Statement& s) {
  EmsCall c;
  c.id = s.columnInt(0);
  c.request = {std::string(s.columnText(1)), std::string(s.columnText(2)),
               std::string(s.columnText(3)), std::string(s.columnText(4)),
               std::string(s.columnText(5)), std::string(s.columnText(6)),
               std::string(s.columnText(7))};
  c.state = std::string(s.columnText(8));
  c.attempts = static_cast<int>(s.columnInt(9));
  c.last_error = std::string(s.columnText(10));
  c.http_status = static_cast<int>(s.columnInt(11));
  c.result = std::string(s.columnText(12));
  c.created_at = fromMs(s.columnInt(13));
  c.updated_at = fromMs(s.columnInt(14));
  c.next_attempt_at = fromMs(s.columnInt(15));
  c.command_id = s.columnInt(16);
  c.endpoint_status = std::string(s.columnText(17));
  c.endpoint_message = std::string(s.columnText(18));
  return c;
}

}  // namespace

std::string EmsCall::code() const {
  return (request.action == "unquarantine" ? "U-" : "Q-") + request.ip;
}

EmsCallQueue::EmsCallQueue(const std::filesystem::path& db_path, const Clock& clock)
    : clock_(clock),
      db_(std::make_unique<sqlite::SqliteDb>(db_path.string(), false, true, "EMS call queue")) {
  db_->exec("PRAGMA journal_mode=WAL");
  // WAL + NORMAL: a committed call is in the WAL before the call returns, so it survives kill -9 of
  // the process (the durability DESIGN.md asks for); FULL would add an fsync per write (~90 calls/s
  // on the lab VM instead of thousands, BENCHMARKS.md) for power-loss safety.
  db_->exec("PRAGMA synchronous=NORMAL");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS ems_calls ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " action TEXT NOT NULL, ip TEXT NOT NULL, uid TEXT NOT NULL DEFAULT '',"
      " ems_name TEXT NOT NULL DEFAULT '', ems_serial TEXT NOT NULL DEFAULT '',"
      " flow_id TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',"
      " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
      " last_error TEXT NOT NULL DEFAULT '', http_status INTEGER NOT NULL DEFAULT 0,"
      " result TEXT NOT NULL DEFAULT '',"
      " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_attempt_at INTEGER NOT "
      "NULL)");
  db_->exec("CREATE INDEX IF NOT EXISTS ems_calls_pending ON ems_calls(state, next_attempt_at)");
  db_->exec("CREATE INDEX IF NOT EXISTS ems_calls_ip ON ems_calls(ip, id)");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS ems_call_commands ("
      " call_id INTEGER PRIMARY KEY, uid TEXT NOT NULL, command_id INTEGER NOT NULL,"
      " status TEXT NOT NULL DEFAULT 'pending', message TEXT NOT NULL DEFAULT '',"
      " checks INTEGER NOT NULL DEFAULT 0, next_check_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)");
  auto s = db_->prepare("UPDATE ems_calls SET state='queued', updated_at=? WHERE state='running'");
  s.bindInt(1, toMs(clock_.now()));
  s.step();
  recovered_ = sqlite3_changes(db_->handle());
}

EmsCallQueue::~EmsCallQueue() = default;

EnqueueResult EmsCallQueue::enqueue(const NewEmsCall& call) {
  std::lock_guard lock(mutex_);
  {
    auto newest = db_->prepare(
        "SELECT id, action FROM ems_calls WHERE ip=? AND state IN ('queued','retrying','running') "
        "ORDER BY id DESC LIMIT 1");
    newest.bindText(1, call.ip);
    if (newest.step() && std::string(newest.columnText(1)) == call.action)
      return {newest.columnInt(0), true};
  }
  return {insertCall(call, "queued", ""), false};
}

std::int64_t EmsCallQueue::recordRefused(const NewEmsCall& call, const std::string& reason) {
  std::lock_guard lock(mutex_);
  return insertCall(call, "refused", reason);
}

// One new row, due at once; the caller holds mutex_.
std::int64_t EmsCallQueue::insertCall(const NewEmsCall& call, const char* state, const std::string& last_error) {
  const auto now = toMs(clock_.now());
  auto s = db_->prepare(
      "INSERT INTO ems_calls (action, ip, uid, ems_name, ems_serial, flow_id, source, state, last_error, "
      "created_at, updated_at, next_attempt_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bindText(1, call.action);
  s.bindText(2, call.ip);
  s.bindText(3, call.uid);
  s.bindText(4, call.ems_name);
  s.bindText(5, call.ems_serial);
  s.bindText(6, call.flow_id);
  s.bindText(7, call.source);
  s.bindText(8, state);
  s.bindText(9, last_error);
  s.bindInt(10, now);
  s.bindInt(11, now);
  s.bindInt(12, now);
  s.step();
  return sqlite3_last_insert_rowid(db_->handle());
}

std::optional<EmsCall> EmsCallQueue::takeDue() {
  std::lock_guard lock(mutex_);
  const auto now = toMs(clock_.now());
  std::int64_t id = 0;
  {
    auto s = db_->prepare(
        "SELECT c.id FROM ems_calls c WHERE c.state IN ('queued','retrying') AND c.next_attempt_at "
        "<= ? "
        "AND NOT EXISTS (SELECT 1 FROM ems_calls o WHERE o.ip = c.ip AND o.id < c.id "
        "AND o.state IN ('queued','retrying','running')) ORDER BY c.next_attempt_at, c.id LIMIT 1");
    s.bindInt(1, now);
    if (!s.step()) return std::nullopt;
    id = s.columnInt(0);
  }
  auto u = db_->prepare(
      "UPDATE ems_calls SET state='running', attempts=attempts+1, updated_at=? WHERE id=?");
  u.bindInt(1, now);
  u.bindInt(2, id);
  u.step();
  return getLocked(id);
}

void EmsCallQueue::setState(std::int64_t id, const char* state, int http_status,
                            const std::string* error, const std::string* result,
                            std::optional<std::chrono::system_clock::time_point> next) {
  std::lock_guard lock(mutex_);
  auto s = db_->prepare(
      "UPDATE ems_calls SET state=?, http_status=?, last_error=COALESCE(?, last_error), "
      "result=COALESCE(?, result), next_attempt_at=COALESCE(?, next_attempt_at), updated_at=? "
      "WHERE id=?");
  s.bindText(1, state);
  s.bindInt(2, http_status);
  if (error) s.bindText(3, *error);
  if (result) s.bindText(4, *result);
  if (next) s.bindInt(5, toMs(*next));
  s.bindInt(6, toMs(clock_.now()));
  s.bindInt(7, id);
  s.step();
}

void EmsCallQueue::complete(std::int64_t id, int http_status, const std::string& result) {
  setState(id, "done", http_status, nullptr, &result, std::nullopt);
}

void EmsCallQueue::retryLater(std::int64_t id, int http_status, const std::string& error,
                              std::chrono::system_clock::time_point next_attempt) {
  setState(id, "retrying", http_status, &error, nullptr, next_attempt);
}

void EmsCallQueue::fail(std::int64_t id, int http_status, const std::string& error) {
  setState(id, "failed", http_status, &error, nullptr, std::nullopt);
}

void EmsCallQueue::trackCommand(std::int64_t call_id, const std::string& uid, std::int64_t command_id,
                                std::chrono::system_clock::time_point first_check) {
  std::lock_guard lock(mutex_);
  auto s = db_->prepare(
      "INSERT OR REPLACE INTO ems_call_commands (call_id, uid, command_id, status, next_check_at, updated_at) "
      "VALUES (?,?,?,'pending',?,?)");
  s.bindInt(1, call_id);
  s.bindText(2, uid);
  s.bindInt(3, command_id);
  s.bindInt(4, toMs(first_check));
  s.bindInt(5, toMs(clock_.now()));
  s.step();
}

std::vector<CommandCheck> EmsCallQueue::dueCommandChecks(std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<CommandCheck> out;
  {
    auto s = db_->prepare(
        "SELECT call_id, uid, command_id, checks FROM ems_call_commands WHERE status='pending' AND "
        "next_check_at <= ? ORDER BY next_check_at LIMIT ?");
    s.bindInt(1, toMs(clock_.now()));
    s.bindInt(2, static_cast<std::int64_t>(limit));
    while (s.step())
      out.push_back({s.columnInt(0), std::string(s.columnText(1)), s.columnInt(2), static_cast<int>(s.columnInt(3)), {}});
  }
  for (auto& k : out)
    if (auto c = getLocked(k.call_id)) k.call = *c;
  return out;
}

void EmsCallQueue::commandStillPending(std::int64_t call_id, std::chrono::system_clock::time_point next_check) {
  std::lock_guard lock(mutex_);
  auto s = db_->prepare(
      "UPDATE ems_call_commands SET checks=checks+1, next_check_at=?, updated_at=? WHERE call_id=?");
  s.bindInt(1, toMs(next_check));
  s.bindInt(2, toMs(clock_.now()));
  s.bindInt(3, call_id);
  s.step();
}

void EmsCallQueue::commandSettled(std::int64_t call_id, const std::string& status, const std::string& message) {
  std::lock_guard lock(mutex_);
  const auto now = toMs(clock_.now());
  auto s = db_->prepare(
      "UPDATE ems_call_commands SET status=?, message=?, checks=checks+1, updated_at=? WHERE call_id=?");
  s.bindText(1, status);
  s.bindText(2, message);
  s.bindInt(3, now);
  s.bindInt(4, call_id);
  s.step();
  if (status != "failed" && status != "timeout") return;
  auto u = db_->prepare("UPDATE ems_calls SET state='failed', last_error=?, updated_at=? WHERE id=?");
  u.bindText(1, message);
  u.bindInt(2, now);
  u.bindInt(3, call_id);
  u.step();
}

std::optional<std::chrono::system_clock::time_point> EmsCallQueue::nextDueTime() const {
  std::lock_guard lock(mutex_);
  std::optional<std::chrono::system_clock::time_point> check;
  {
    auto k = db_->prepare("SELECT MIN(next_check_at) FROM ems_call_commands WHERE status='pending'");
    if (k.step() && !k.columnIsNull(0)) check = fromMs(k.columnInt(0));
  }
  // Only calls that could run: one waiting behind an older call of its endpoint is not due yet.
  auto s = db_->prepare(
      "SELECT MIN(c.next_attempt_at) FROM ems_calls c WHERE c.state IN ('queued','retrying') "
      "AND NOT EXISTS (SELECT 1 FROM ems_calls o WHERE o.ip = c.ip AND o.id < c.id "
      "AND o.state IN ('queued','retrying','running'))");
  if (!s.step() || s.columnIsNull(0)) return check;
  const auto call = fromMs(s.columnInt(0));
  return check && *check < call ? check : std::optional(call);
}

std::optional<EmsCall> EmsCallQueue::getLocked(std::int64_t id) const {
  auto s = db_->prepare((std::string("SELECT ") + kColumns + kFrom + " WHERE c.id=?"));
  s.bindInt(1, id);
  if (!s.step()) return std::nullopt;
  return readCall(s);
}

std::optional<EmsCall> EmsCallQueue::get(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  return getLocked(id);
}

std::vector<EmsCall> EmsCallQueue::list(std::size_t limit) const {
  std::lock_guard lock(mutex_);
  auto s = db_->prepare((std::string("SELECT * FROM (SELECT ") + kColumns + kFrom +
                         " ORDER BY c.id DESC LIMIT ?) ORDER BY 1"));
  s.bindInt(1, static_cast<std::int64_t>(limit));
  std::vector<EmsCall> out;
  while (s.step()) out.push_back(readCall(s));
  return out;
}

std::size_t EmsCallQueue::pendingCount() const {
  std::lock_guard lock(mutex_);
  auto s =
      db_->prepare("SELECT COUNT(*) FROM ems_calls WHERE state IN ('queued','retrying','running')");
  s.step();
  return static_cast<std::size_t>(s.columnInt(0));
}

std::string EmsCallQueue::diagnoseList(std::size_t limit) const {
  const auto calls = list(limit);
  std::size_t pending = 0;
  for (const auto& c : calls) pending += c.pending() ? 1 : 0;
  std::ostringstream o;
  o << "FortiClient EMS REST API call queue: " << calls.size() << " calls, " << pending
    << " pending\n";
  for (const auto& c : calls) {
    o << "call " << c.id << ": " << c.code() << " action=" << c.request.action
      << " state=" << c.state << " attempts=" << c.attempts << " http=" << c.http_status << "\n";
    o << "    ems=\"" << c.request.ems_name << "\" ems_serial=" << c.request.ems_serial
      << " uid=" << c.request.uid << " source=" << c.request.source << " flow=" << c.request.flow_id
      << "\n";
    o << "    queued=" << deviceTimeText(c.created_at, 0)
      << " updated=" << deviceTimeText(c.updated_at, 0);
    if (c.state == "retrying") o << " next_attempt=" << deviceTimeText(c.next_attempt_at, 0);
    o << "\n";
    if (!c.last_error.empty()) o << "    last error: " << c.last_error << "\n";
    if (!c.result.empty()) o << "    result: " << c.result << "\n";
    if (c.command_id)
      o << "    EMS command " << c.command_id << " at the endpoint: " << c.endpoint_status
        << (c.endpoint_message.empty() ? "" : " (" + c.endpoint_message + ")") << "\n";
  }
  return o.str();
}

}  // namespace fabric::fortigate

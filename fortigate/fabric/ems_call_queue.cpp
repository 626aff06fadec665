#include "fortigate/fabric/ems_call_queue.h"

#include <sqlite3.h>

#include <sstream>
#include <stdexcept>

#include "fortigate/fabric/time_text.h"

namespace fabric::fortigate {
namespace {

// A prepared statement that finalizes itself (the queue's few queries do not warrant a wrapper
// library; fortianalyzer/store has its own, tuned for the log store).
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("ems_calls.db: ") + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& integer(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("ems_calls.db: ") + sqlite3_errmsg(db_));
  }
  std::int64_t col(int i) const { return sqlite3_column_int64(s_, i); }
  bool null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  std::string str(int i) const {
    auto* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

std::int64_t toMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point fromMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

const char* kColumns =
    "id, action, ip, uid, ems_name, ems_serial, flow_id, source, state, attempts, last_error, http_status, "
    "result, created_at, updated_at, next_attempt_at";

EmsCall readCall(const Stmt& s) {
  EmsCall c;
  c.id = s.col(0);
  c.request = {s.str(1), s.str(2), s.str(3), s.str(4), s.str(5), s.str(6), s.str(7)};
  c.state = s.str(8);
  c.attempts = static_cast<int>(s.col(9));
  c.last_error = s.str(10);
  c.http_status = static_cast<int>(s.col(11));
  c.result = s.str(12);
  c.created_at = fromMs(s.col(13));
  c.updated_at = fromMs(s.col(14));
  c.next_attempt_at = fromMs(s.col(15));
  return c;
}

}  // namespace

std::string EmsCall::code() const { return (request.action == "unquarantine" ? "U-" : "Q-") + request.ip; }

EmsCallQueue::EmsCallQueue(const std::filesystem::path& db_path, const Clock& clock) : clock_(clock) {
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + db_path.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  // WAL + NORMAL: a committed call is in the WAL before the call returns, so it survives kill -9 of
  // the process (the durability DESIGN.md asks for); FULL would add an fsync per write (~90 calls/s
  // on the lab VM instead of thousands, BENCHMARKS.md) for power-loss safety.
  exec("PRAGMA synchronous=NORMAL");
  exec(
      "CREATE TABLE IF NOT EXISTS ems_calls ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " action TEXT NOT NULL, ip TEXT NOT NULL, uid TEXT NOT NULL DEFAULT '',"
      " ems_name TEXT NOT NULL DEFAULT '', ems_serial TEXT NOT NULL DEFAULT '',"
      " flow_id TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',"
      " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
      " last_error TEXT NOT NULL DEFAULT '', http_status INTEGER NOT NULL DEFAULT 0,"
      " result TEXT NOT NULL DEFAULT '',"
      " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL)");
  exec("CREATE INDEX IF NOT EXISTS ems_calls_pending ON ems_calls(state, next_attempt_at)");
  exec("CREATE INDEX IF NOT EXISTS ems_calls_ip ON ems_calls(ip, id)");
  Stmt s(db_, "UPDATE ems_calls SET state='queued', updated_at=? WHERE state='running'");
  s.integer(1, toMs(clock_.now()));
  s.step();
  recovered_ = sqlite3_changes(db_);
}

EmsCallQueue::~EmsCallQueue() { sqlite3_close(db_); }

void EmsCallQueue::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("ems_calls.db: " + why);
  }
}

EnqueueResult EmsCallQueue::enqueue(const NewEmsCall& call) {
  std::lock_guard lock(mutex_);
  {
    Stmt newest(db_,
                "SELECT id, action FROM ems_calls WHERE ip=? AND state IN ('queued','retrying','running') "
                "ORDER BY id DESC LIMIT 1");
    newest.text(1, call.ip);
    if (newest.step() && newest.str(1) == call.action) return {newest.col(0), true};
  }
  const auto now = toMs(clock_.now());
  Stmt s(db_,
         "INSERT INTO ems_calls (action, ip, uid, ems_name, ems_serial, flow_id, source, state, created_at, "
         "updated_at, next_attempt_at) VALUES (?,?,?,?,?,?,?,'queued',?,?,?)");
  s.text(1, call.action).text(2, call.ip).text(3, call.uid).text(4, call.ems_name).text(5, call.ems_serial);
  s.text(6, call.flow_id).text(7, call.source).integer(8, now).integer(9, now).integer(10, now);
  s.step();
  return {sqlite3_last_insert_rowid(db_), false};
}

std::int64_t EmsCallQueue::recordRefused(const NewEmsCall& call, const std::string& reason) {
  std::lock_guard lock(mutex_);
  const auto now = toMs(clock_.now());
  Stmt s(db_,
         "INSERT INTO ems_calls (action, ip, uid, ems_name, ems_serial, flow_id, source, state, last_error, "
         "created_at, updated_at, next_attempt_at) VALUES (?,?,?,?,?,?,?,'refused',?,?,?,?)");
  s.text(1, call.action).text(2, call.ip).text(3, call.uid).text(4, call.ems_name).text(5, call.ems_serial);
  s.text(6, call.flow_id).text(7, call.source).text(8, reason).integer(9, now).integer(10, now).integer(11, now);
  s.step();
  return sqlite3_last_insert_rowid(db_);
}

std::optional<EmsCall> EmsCallQueue::takeDue() {
  std::lock_guard lock(mutex_);
  const auto now = toMs(clock_.now());
  std::int64_t id = 0;
  {
    Stmt s(db_,
           "SELECT c.id FROM ems_calls c WHERE c.state IN ('queued','retrying') AND c.next_attempt_at <= ? "
           "AND NOT EXISTS (SELECT 1 FROM ems_calls o WHERE o.ip = c.ip AND o.id < c.id "
           "AND o.state IN ('queued','retrying','running')) ORDER BY c.next_attempt_at, c.id LIMIT 1");
    s.integer(1, now);
    if (!s.step()) return std::nullopt;
    id = s.col(0);
  }
  Stmt u(db_, "UPDATE ems_calls SET state='running', attempts=attempts+1, updated_at=? WHERE id=?");
  u.integer(1, now).integer(2, id);
  u.step();
  return getLocked(id);
}

void EmsCallQueue::setState(std::int64_t id, const char* state, int http_status, const std::string* error,
                            const std::string* result, std::optional<std::chrono::system_clock::time_point> next) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "UPDATE ems_calls SET state=?, http_status=?, last_error=COALESCE(?, last_error), "
         "result=COALESCE(?, result), next_attempt_at=COALESCE(?, next_attempt_at), updated_at=? WHERE id=?");
  s.text(1, state).integer(2, http_status);
  if (error) s.text(3, *error);
  if (result) s.text(4, *result);
  if (next) s.integer(5, toMs(*next));
  s.integer(6, toMs(clock_.now())).integer(7, id);
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

std::optional<std::chrono::system_clock::time_point> EmsCallQueue::nextDueTime() const {
  std::lock_guard lock(mutex_);
  // Only calls that could run: one waiting behind an older call of its endpoint is not due yet.
  Stmt s(db_,
         "SELECT MIN(c.next_attempt_at) FROM ems_calls c WHERE c.state IN ('queued','retrying') "
         "AND NOT EXISTS (SELECT 1 FROM ems_calls o WHERE o.ip = c.ip AND o.id < c.id "
         "AND o.state IN ('queued','retrying','running'))");
  if (!s.step() || s.null(0)) return std::nullopt;
  return fromMs(s.col(0));
}

std::optional<EmsCall> EmsCallQueue::getLocked(std::int64_t id) const {
  Stmt s(db_, (std::string("SELECT ") + kColumns + " FROM ems_calls WHERE id=?").c_str());
  s.integer(1, id);
  if (!s.step()) return std::nullopt;
  return readCall(s);
}

std::optional<EmsCall> EmsCallQueue::get(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  return getLocked(id);
}

std::vector<EmsCall> EmsCallQueue::list(std::size_t limit) const {
  std::lock_guard lock(mutex_);
  Stmt s(db_, (std::string("SELECT * FROM (SELECT ") + kColumns +
               " FROM ems_calls ORDER BY id DESC LIMIT ?) ORDER BY id").c_str());
  s.integer(1, static_cast<std::int64_t>(limit));
  std::vector<EmsCall> out;
  while (s.step()) out.push_back(readCall(s));
  return out;
}

std::size_t EmsCallQueue::pendingCount() const {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT COUNT(*) FROM ems_calls WHERE state IN ('queued','retrying','running')");
  s.step();
  return static_cast<std::size_t>(s.col(0));
}

std::string EmsCallQueue::diagnoseList(std::size_t limit) const {
  const auto calls = list(limit);
  std::size_t pending = 0;
  for (const auto& c : calls) pending += c.pending() ? 1 : 0;
  std::ostringstream o;
  o << "FortiClient EMS REST API call queue: " << calls.size() << " calls, " << pending << " pending\n";
  for (const auto& c : calls) {
    o << "call " << c.id << ": " << c.code() << " action=" << c.request.action << " state=" << c.state
      << " attempts=" << c.attempts << " http=" << c.http_status << "\n";
    o << "    ems=\"" << c.request.ems_name << "\" ems_serial=" << c.request.ems_serial << " uid=" << c.request.uid
      << " source=" << c.request.source << " flow=" << c.request.flow_id << "\n";
    o << "    queued=" << deviceTimeText(c.created_at, 0) << " updated=" << deviceTimeText(c.updated_at, 0);
    if (c.state == "retrying") o << " next_attempt=" << deviceTimeText(c.next_attempt_at, 0);
    o << "\n";
    if (!c.last_error.empty()) o << "    last error: " << c.last_error << "\n";
    if (!c.result.empty()) o << "    result: " << c.result << "\n";
  }
  return o.str();
}

}  // namespace fabric::fortigate

#include "ems/state_db.h"

namespace fabric::ems {

std::unique_ptr<SqliteDb> openStateDb(const std::string& path) {
  auto db = std::make_unique<SqliteDb>(path, false, true, "EMS state database");
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA busy_timeout=5000");
  db->exec(R"(CREATE TABLE IF NOT EXISTS endpoints(
      uid TEXT PRIMARY KEY,
      hostname TEXT NOT NULL,
      os TEXT NOT NULL,
      os_version TEXT NOT NULL DEFAULT '',
      ip TEXT NOT NULL,
      mac TEXT NOT NULL DEFAULT '',
      user TEXT NOT NULL DEFAULT '',
      fctver TEXT NOT NULL DEFAULT '',
      online INTEGER NOT NULL DEFAULT 0,
      quarantine TEXT NOT NULL DEFAULT 'none',
      quarantine_since INTEGER NOT NULL DEFAULT 0,
      quarantine_flow TEXT NOT NULL DEFAULT '',
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL))");
  db->exec("CREATE INDEX IF NOT EXISTS endpoints_ip ON endpoints(ip)");
  db->exec(R"(CREATE TABLE IF NOT EXISTS commands(
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      uid TEXT NOT NULL,
      action TEXT NOT NULL,
      flow_id TEXT NOT NULL DEFAULT '',
      source TEXT NOT NULL DEFAULT '',
      access_code TEXT NOT NULL DEFAULT '',
      created INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      sent_count INTEGER NOT NULL DEFAULT 0,
      last_sent INTEGER NOT NULL DEFAULT 0,
      result_ok INTEGER NOT NULL DEFAULT 0,
      result_message TEXT NOT NULL DEFAULT '',
      result_state TEXT NOT NULL DEFAULT '',
      completed INTEGER NOT NULL DEFAULT 0))");
  db->exec("CREATE INDEX IF NOT EXISTS commands_pending ON commands(uid, status, id)");
  db->exec(R"(CREATE TABLE IF NOT EXISTS audit(
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      admin TEXT NOT NULL,
      client TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      result TEXT NOT NULL,
      message TEXT NOT NULL))");
  return db;
}

}  // namespace fabric::ems

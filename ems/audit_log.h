#pragma once
// Every admin action (sign-in, sign-out, quarantine, unquarantine — accepted or refused) as one row
// of table `audit` in state.db. Never holds a password or a token.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ems/state_db.h"

namespace fabric::ems {

struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t time = 0;  // epoch seconds
  std::string admin;      // "" when not signed in
  std::string client;     // remote address
  std::string action;     // signin, signout, quarantine, unquarantine
  std::string target;     // endpoint uid / ip, admin name
  std::string result;     // success / failure
  std::string message;
  nlohmann::json toJson() const;
};

class AuditLog {
 public:
  explicit AuditLog(SqliteDb& db) : db_(db) {}
  void record(const AuditEntry& entry);
  // Newest first.
  std::vector<AuditEntry> recent(int limit) const;

 private:
  SqliteDb& db_;
};

}  // namespace fabric::ems

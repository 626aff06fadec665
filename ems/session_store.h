#pragma once
// REST sessions of signed-in administrators (in memory: a restart signs everyone out, as on the
// appliance). A session is a random `sessionid` cookie plus a random CSRF token that writes must
// echo in X-CSRFToken; it expires after `admin-session-timeout` minutes without use.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "common/base/clock.h"

namespace fabric::ems {

struct AdminSession {
  std::string id;
  std::string csrf_token;
  std::string admin;
  std::string client;
  std::chrono::steady_clock::time_point last_used;
};

class SessionStore {
 public:
  static constexpr std::size_t kMaxSessions = 256;
  explicit SessionStore(const Clock& clock) : clock_(clock) {}

  // A new session (the oldest one is dropped when kMaxSessions are open).
  const AdminSession& create(const std::string& admin, const std::string& client);
  // The live session with this id, its idle timer restarted; nullopt when unknown or expired.
  std::optional<AdminSession> touch(const std::string& id, std::chrono::minutes timeout);
  void remove(const std::string& id);
  std::size_t size() const { return sessions_.size(); }

 private:
  const Clock& clock_;
  std::map<std::string, AdminSession> sessions_;
};

}  // namespace fabric::ems

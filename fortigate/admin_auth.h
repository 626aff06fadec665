#pragma once
// Who may use the admin REST API: API tokens from `config system api-user` (trusted hosts
// checked), GUI-style sessions from POST /logincheck with `config system admin` passwords, and the
// admin lockout of `config system global` (admin-lockout-threshold failures from one source IP
// lock that IP out for admin-lockout-duration seconds, as FortiOS does). Writes the admin
// login/logout/lockout event logs. Runs on the node's EventLoop; not thread-safe.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "fortigate/event_log.h"

namespace fabric::fortigate {

struct Principal {
  enum class Kind { kToken, kSession };
  Kind kind = Kind::kSession;
  std::string user;     // admin or api-user name
  std::string profile;  // accprofile
  std::string csrf;     // sessions: the X-CSRFTOKEN writes must carry
};

class AdminAuth {
 public:
  AdminAuth(const config::Engine& engine, const Clock& clock, EventLog* log, std::string serial);

  struct LoginResult {
    enum class Code { kFailed = 0, kOk = 1, kLockedOut = 2 };  // the first byte of the answer
    Code code = Code::kFailed;
    std::string session_id;
    std::string csrf;
  };
  LoginResult login(std::string_view user, std::string_view password, const std::string& source_ip);
  // The session's principal (and its idle timer refreshed), or nullopt when unknown or expired.
  std::optional<Principal> session(std::string_view session_id);
  void logout(std::string_view session_id, const std::string& source_ip);

  struct TokenResult {
    enum class Code { kOk, kInvalid, kUntrustedHost };
    Code code = Code::kInvalid;
    Principal principal;
  };
  TokenResult token(std::string_view key, const std::string& source_ip) const;

  // "APSCOOKIE_<n>": the session cookie's name, fixed per device as FortiOS derives it.
  const std::string& sessionCookieName() const { return cookie_name_; }
  bool lockedOut(const std::string& source_ip) const;

 private:
  struct Session {
    Principal principal;
    std::chrono::steady_clock::time_point last_used;
  };
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point locked_until{};
  };
  std::chrono::seconds idleTimeout() const;
  void logLogin(std::string_view logid, std::string_view level, std::string_view logdesc, std::string_view user,
                const std::string& ip, std::string_view status, std::string_view reason, const std::string& msg);

  const config::Engine& engine_;
  const Clock& clock_;
  EventLog* log_;
  std::string cookie_name_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, Failures> failures_;
};

// Access control of `config system accprofile`: the permission group a cmdb path belongs to
// ("sysgrp", "fwgrp", "loggrp", "secfabgrp"), and the profile's level for it ("none", "read",
// "read-write"). Administrator tables (system admin, api-user, accprofile) need super_admin to
// write.
std::string accessGroupFor(const std::vector<std::string>& cmdb_path);
std::string accessLevel(const config::Engine& engine, const std::string& profile, const std::string& group);
bool isAdministratorTable(const std::vector<std::string>& cmdb_path);

// "10.0.0.0 255.0.0.0" (also "10.0.0.0/8") contains `ip`. False on malformed input.
bool classnetContains(std::string_view classnet, std::string_view ip);
// Random [0-9a-zA-Z] text (API keys, session ids, CSRF tokens), from OpenSSL's RNG.
std::string randomToken(std::size_t length);

}  // namespace fabric::fortigate

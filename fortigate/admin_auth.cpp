#include "fortigate/admin_auth.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace fabric::fortigate {
namespace {

constexpr std::size_t kMaxSessions = 256;
constexpr std::size_t kMaxTrackedAddresses = 65536;

int globalInt(const config::Engine& engine, std::string_view attr, int fallback) {
  auto v = engine.value({"system global"}, attr);
  if (!v) return fallback;
  try {
    return std::stoi(*v);
  } catch (...) {
    return fallback;
  }
}

bool parseIpv4(std::string_view text, std::uint32_t& out) {
  in_addr a{};
  if (::inet_pton(AF_INET, std::string(text).c_str(), &a) != 1) return false;
  out = ntohl(a.s_addr);
  return true;
}

// "::ffff:127.0.0.1" (an IPv4 client on a dual-stack socket) → "127.0.0.1".
std::string_view plainIpv4(std::string_view ip) {
  if (ip.rfind("::ffff:", 0) == 0) ip.remove_prefix(7);
  return ip;
}

}  // namespace

std::string randomToken(std::size_t length) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) throw std::runtime_error("RAND_bytes failed");
    if (byte >= 248) continue;  // 248 = 4 * 62: no modulo bias
    out.push_back(kAlphabet[byte % 62]);
  }
  return out;
}

bool classnetContains(std::string_view classnet, std::string_view ip) {
  std::uint32_t addr = 0, net = 0, mask = 0;
  if (!parseIpv4(plainIpv4(ip), addr)) return false;
  const auto sep = classnet.find_first_of(" /");
  if (sep == std::string_view::npos) return false;
  if (!parseIpv4(classnet.substr(0, sep), net)) return false;
  std::string_view rest = classnet.substr(sep + 1);
  if (classnet[sep] == '/') {
    int bits = 0;
    try {
      bits = std::stoi(std::string(rest));
    } catch (...) {
      return false;
    }
    if (bits < 0 || bits > 32) return false;
    mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  } else if (!parseIpv4(rest, mask)) {
    return false;
  }
  return (addr & mask) == (net & mask);
}

std::string accessGroupFor(const std::vector<std::string>& p) {
  const std::string first = p.empty() ? "" : p[0];
  const std::string second = p.size() > 1 ? p[1] : "";
  if (first == "system" && second.rfind("automation-", 0) == 0) return "secfabgrp";
  if (first == "endpoint-control") return "secfabgrp";
  if (first == "firewall") return "fwgrp";
  if (first == "log") return "loggrp";
  return "sysgrp";
}

bool isAdministratorTable(const std::vector<std::string>& p) {
  return p.size() > 1 && p[0] == "system" && (p[1] == "admin" || p[1] == "api-user" || p[1] == "accprofile");
}

std::string accessLevel(const config::Engine& engine, const std::string& profile, const std::string& group) {
  return engine.value({"system accprofile", profile}, group).value_or("none");
}

AdminAuth::AdminAuth(const config::Engine& engine, const Clock& clock, EventLog* log, std::string serial)
    : engine_(engine), clock_(clock), log_(log) {
  // FortiOS names the session cookie APSCOOKIE_<number>; derive the number from the serial so it
  // is stable for a device and differs between devices (a browser can hold both).
  std::uint32_t h = 2166136261u;
  for (unsigned char c : serial) h = (h ^ c) * 16777619u;
  cookie_name_ = "APSCOOKIE_" + std::to_string(h % 1000000000u);
}

std::chrono::seconds AdminAuth::idleTimeout() const {
  return std::chrono::minutes(globalInt(engine_, "admintimeout", 5));
}

bool AdminAuth::lockedOut(const std::string& ip) const {
  auto it = failures_.find(ip);
  return it != failures_.end() && clock_.monotonic() < it->second.locked_until;
}

void AdminAuth::logLogin(std::string_view logid, std::string_view level, std::string_view logdesc,
                         std::string_view user, const std::string& ip, std::string_view status,
                         std::string_view reason, const std::string& msg) {
  if (!log_) return;
  log_->write({.logid = logid, .subtype = "system", .level = level, .logdesc = logdesc},
              [&](logfmt::LogLineBuilder& b) {
                if (!user.empty()) b.add("user", user);
                b.add("ui", "https(" + ip + ")")
                    .add("method", "https")
                    .add("srcip", ip, logfmt::Bare)
                    .add("action", logid == logid::kAdminLogout ? "logout" : "login")
                    .add("status", status);
                if (!reason.empty()) b.add("reason", reason);
                b.add("msg", msg);
              });
}

AdminAuth::LoginResult AdminAuth::login(std::string_view user, std::string_view password,
                                        const std::string& ip) {
  LoginResult result;
  const auto now = clock_.monotonic();
  if (failures_.size() >= kMaxTrackedAddresses) {
    // Bounded memory under a spray of source addresses: forget those not locked out right now.
    for (auto it = failures_.begin(); it != failures_.end();)
      it = now < it->second.locked_until ? std::next(it) : failures_.erase(it);
  }
  Failures& f = failures_[ip];
  if (now < f.locked_until) {
    result.code = LoginResult::Code::kLockedOut;
    return result;
  }
  const std::string name(user);
  const config::Path admin = {"system admin", name};
  std::string reason;
  std::string why;
  bool known = !name.empty() && engine_.value(admin, "accprofile").has_value();
  if (!known) {
    reason = "name_invalid";
    why = "invalid user name";
  } else if (!engine_.verifyPassword(admin, "password", password)) {
    reason = "passwd_invalid";
    why = "invalid password";
  } else {
    bool restricted = false, trusted = false;
    for (int i = 1; i <= 10; ++i) {
      auto host = engine_.value(admin, "trusthost" + std::to_string(i));
      if (!host || *host == "0.0.0.0 0.0.0.0") continue;
      restricted = true;
      if (classnetContains(*host, ip)) trusted = true;
    }
    if (restricted && !trusted) {
      reason = "trusthost";
      why = "untrusted host";
    }
  }

  if (!reason.empty()) {
    logLogin(logid::kAdminLoginFailed, "alert", "Admin login failed", name, ip, "failed", reason,
             "Administrator " + name + " login failed from https(" + ip + ") because of " + why);
    if (++f.count >= globalInt(engine_, "admin-lockout-threshold", 3)) {
      const int duration = globalInt(engine_, "admin-lockout-duration", 60);
      f.locked_until = now + std::chrono::seconds(duration);
      f.count = 0;
      logLogin(logid::kAdminLoginDisabled, "alert", "Admin login disabled", name, ip, "failed", "exceed_limit",
               "Login disabled from IP " + ip + " for " + std::to_string(duration) +
                   " seconds because of too many bad attempts");
    }
    return result;
  }

  failures_.erase(ip);  // a good login clears the address's count
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    sessions_.erase(oldest);
  }
  Session s;
  s.principal.kind = Principal::Kind::kSession;
  s.principal.user = name;
  s.principal.profile = engine_.value(admin, "accprofile").value_or("");
  s.principal.csrf = randomToken(32);
  s.last_used = now;
  result.code = LoginResult::Code::kOk;
  result.session_id = randomToken(40);
  result.csrf = s.principal.csrf;
  sessions_[result.session_id] = std::move(s);
  logLogin(logid::kAdminLoginSuccess, "information", "Admin login successful", name, ip, "success", "none",
           "Administrator " + name + " logged in successfully from https(" + ip + ")");
  return result;
}

std::optional<Principal> AdminAuth::session(std::string_view id) {
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  const auto now = clock_.monotonic();
  if (now - it->second.last_used >= idleTimeout()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  // The admin may have been deleted or re-profiled since the login.
  auto profile = engine_.value({"system admin", it->second.principal.user}, "accprofile");
  if (!profile) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.principal.profile = *profile;
  it->second.last_used = now;
  return it->second.principal;
}

void AdminAuth::logout(std::string_view id, const std::string& ip) {
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return;
  const std::string user = it->second.principal.user;
  sessions_.erase(it);
  logLogin(logid::kAdminLogout, "information", "Admin logout successful", user, ip, "success", "",
           "Administrator " + user + " logged out from https(" + ip + ")");
}

AdminAuth::TokenResult AdminAuth::token(std::string_view key, const std::string& ip) const {
  TokenResult result;
  if (key.empty()) return result;
  for (const auto& name : engine_.keys({"system api-user"})) {
    const config::Path user = {"system api-user", name};
    auto stored = engine_.secret(user, "api-key");
    if (!stored || stored->empty() || stored->size() != key.size()) continue;
    if (CRYPTO_memcmp(stored->data(), key.data(), key.size()) != 0) continue;
    bool restricted = false, trusted = false;
    for (const auto& id : engine_.keys({"system api-user", name, "trusthost"})) {
      auto host = engine_.value({"system api-user", name, "trusthost", id}, "ipv4-trusthost");
      if (!host) continue;
      restricted = true;
      if (classnetContains(*host, ip)) trusted = true;
    }
    result.principal.kind = Principal::Kind::kToken;
    result.principal.user = name;
    result.principal.profile = engine_.value(user, "accprofile").value_or("");
    result.code = restricted && !trusted ? TokenResult::Code::kUntrustedHost : TokenResult::Code::kOk;
    return result;
  }
  return result;
}

}  // namespace fabric::fortigate

#include "ems/session_store.h"

#include <algorithm>

#include "ems/random_token.h"

namespace fabric::ems {

const AdminSession& SessionStore::create(const std::string& admin, const std::string& client) {
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
  AdminSession s{randomHex(32), randomHex(32), admin, client, clock_.monotonic()};
  auto [it, inserted] = sessions_.emplace(s.id, s);
  return it->second;
}

std::optional<AdminSession> SessionStore::touch(const std::string& id, std::chrono::minutes timeout) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  const auto now = clock_.monotonic();
  if (now - it->second.last_used > timeout) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void SessionStore::remove(const std::string& id) { sessions_.erase(id); }

}  // namespace fabric::ems

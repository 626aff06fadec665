#pragma once
// The registry of endpoints that ever registered with this EMS (table `endpoints` of state.db):
// identity as the agent reported it, whether a link is up now, and the quarantine state the agent
// last reported (what it enforces). Only the event loop touches it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ems/state_db.h"

namespace fabric::ems {

struct EndpointRecord {
  std::string uid;  // 40 upper-case hex digits
  std::string hostname;
  std::string os;   // windows / macos / linux
  std::string os_version;
  std::string ip;
  std::string mac;
  std::string user;
  std::string fctver;
  bool online = false;
  std::string quarantine = "none";  // none / quarantined, as the agent reported it
  std::int64_t quarantine_since = 0;
  std::string quarantine_flow;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
};

class EndpointRegistry {
 public:
  explicit EndpointRegistry(SqliteDb& db) : db_(db) {}

  // A `register` arrived: inserts or updates the identity, marks it online and stores the state
  // the agent enforces. `now` is epoch seconds.
  void registered(const EndpointRecord& record, std::int64_t now);
  void setOnline(const std::string& uid, bool online, std::int64_t now);
  void setQuarantine(const std::string& uid, const std::string& state, std::int64_t since,
                     const std::string& flow_id, std::int64_t now);
  // At start no link is up yet.
  void markAllOffline();

  std::optional<EndpointRecord> find(const std::string& uid) const;
  // By address: an online endpoint first, then the one seen last.
  std::optional<EndpointRecord> findByIp(const std::string& ip) const;
  std::vector<EndpointRecord> all() const;
  std::int64_t count() const;

 private:
  std::vector<EndpointRecord> select(const std::string& where, const std::string& arg) const;
  SqliteDb& db_;
};

}  // namespace fabric::ems

#pragma once
// IoC notifications on their way to the FortiGates (docs/protocols.md `ioc` / `ioc-ack`). Pure
// state, owned by the daemon's event loop: the daemon adds each notification the pipeline raises,
// sends the returned message to every FortiGate link that takes notifications, and resends what a
// FortiGate did not acknowledge when it reconnects. Held in memory only (see docs/fortianalyzer.md
// "What is not done").
//
// Who gets a notification: the serials of the serviced links open when it was raised; when none
// was open, the next FortiGate that completes its hello. At most kMaxOutbox notifications are kept
// (oldest dropped first, counted).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fortianalyzer/ioc/ioc_engine.h"

namespace fabric::faz {

inline constexpr std::size_t kMaxOutbox = 10000;

// "F-20261128-000042-7f3a": date of `time` (UTC), a counter, 4 hex digits of `salt`.
std::string makeFlowId(std::chrono::system_clock::time_point time, std::uint64_t counter,
                       std::uint32_t salt);

// The `ioc` message (docs/protocols.md) for one notification.
nlohmann::json iocMessage(const ioc::IocNotification& notification, const std::string& id,
                          const std::string& flow_id);

class IocOutbox {
 public:
  // Ids are decimal strings counting up from `first_id` (pass a time-derived value so ids of an
  // earlier run are not reused); `salt` feeds the flow ids.
  IocOutbox(std::uint64_t first_id, std::uint32_t salt);

  struct Added {
    std::string id;
    std::string flow_id;
    nlohmann::json message;
  };
  // Records the notification for `targets` (serials of the links it is sent to now).
  Added add(const ioc::IocNotification& notification, std::chrono::system_clock::time_point now,
            const std::vector<std::string>& targets);
  // Messages `serial` should (re)receive after its hello: its unacknowledged ones, plus those
  // raised while no FortiGate was connected (which then target this serial).
  std::vector<nlohmann::json> onHello(const std::string& serial);
  // false when the id is unknown or not meant for this serial.
  bool acknowledge(const std::string& serial, const std::string& id);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t raised() const { return counter_; }
  nlohmann::json toJson() const;  // [{id, flow_id, endpoint_ip, uid, indicator, level, targets, acked}]

  // Everything needed to carry on after a restart (the node saves it after every change).
  nlohmann::json saveState() const;
  // Replaces the state with a saved one; false (state unchanged) with *error set when it is not one.
  bool loadState(const nlohmann::json& state, std::string* error);

 private:
  struct Entry {
    std::string id;
    std::string flow_id;
    nlohmann::json message;
    std::set<std::string> targets;
    std::set<std::string> acked;
  };
  std::uint64_t next_id_;
  std::uint32_t salt_;
  std::uint64_t counter_ = 0;
  std::uint64_t dropped_ = 0;
  std::deque<Entry> entries_;
};

}  // namespace fabric::faz

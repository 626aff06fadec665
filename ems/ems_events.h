#pragma once
// The EMS's own event log lines (FortiOS key=value, `type=event subtype=endpoint`), one per step a
// flow takes through the EMS, each carrying `flowid` when it belongs to a quarantine flow. The real
// EMS has no FortiOS log ids; Fabric Lab defines its own under 0109xxxxxx (documented in
// docs/ems.md) and reuses FortiOS's admin login ids.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/clock.h"

namespace fabric::ems {

namespace logid {
inline constexpr const char* kEndpointRegistered = "0109045001";    // FortiClient registered
inline constexpr const char* kEndpointDisconnected = "0109045002";  // FortiClient disconnected
inline constexpr const char* kProtocolError = "0109045003";         // bad message on an agent link
inline constexpr const char* kQuarantineQueued = "0109045010";      // quarantine/unquarantine accepted
inline constexpr const char* kQuarantineRefused = "0109045011";     // prerequisite missing
inline constexpr const char* kCommandSent = "0109045012";           // command sent to the endpoint
inline constexpr const char* kCommandResult = "0109045013";         // endpoint answered a command
inline constexpr const char* kEndpointStatus = "0109045014";        // endpoint reported a new state
inline constexpr const char* kCommandTimedOut = "0109045015";       // sent, unanswered for command-timeout
inline constexpr const char* kAdminLogin = "0100032001";            // FortiOS: Admin login successful
inline constexpr const char* kAdminLoginFailed = "0100032002";      // FortiOS: Admin login failed
inline constexpr const char* kAdminLogout = "0100032003";           // FortiOS: Admin logout successful
}  // namespace logid

// Where the lines go: DIR/event.log in the daemon, a vector in tests.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void write(const std::string& line) = 0;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

class EmsEvents {
 public:
  EmsEvents(EventSink& sink, const Clock& clock, std::string hostname, std::string serial)
      : sink_(sink), clock_(clock), hostname_(std::move(hostname)), serial_(std::move(serial)) {}
  // Field values are written quoted; `flow_id` is added as `flowid` when not empty.
  void log(std::string_view logid, std::string_view level, std::string_view logdesc,
           const Fields& fields, const std::string& flow_id = "");
  void setHostname(std::string hostname) { hostname_ = std::move(hostname); }

 private:
  EventSink& sink_;
  const Clock& clock_;
  std::string hostname_;
  std::string serial_;
};

}  // namespace fabric::ems

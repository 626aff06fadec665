#pragma once
// FortiClient log lines, with the field set of the real FortiClient sample in
// testdata/real-logs/FORMAT-NOTES.md (b): date/time quoted, logver, id, type, subtype, eventtype,
// level="info", uid, devid, hostname, pcdomain, deviceip, devicemac, site, fctver, fgtserial,
// emsserial, usingpolicy, os, user, msg, then the per-message fields, and tz last.
// Pure functions of (identity, context, activity, time): no I/O.

#include <chrono>
#include <cstdint>
#include <string>

#include "forticlient/activity.h"
#include "forticlient/identity.h"

namespace fabric::forticlient {

// What the endpoint knows about its fabric when it writes a line.
struct LogContext {
  std::string ems_serial = "N/A";  // from EMS `registered`
  std::string fgt_serial = "N/A";  // first FortiGate that answered `registered`
  std::string policy = "Default";  // EMS profile name
};

// Traffic log (id 96900) for an activity; `blocked` writes utmaction="blocked" and says why.
std::string activityLogLine(const Identity& id, const LogContext& ctx, const Activity& activity,
                            bool blocked, std::uint64_t session_id,
                            std::chrono::system_clock::time_point when);

// System event logs for quarantine transitions. Ids 96960-96962 are Fabric Lab's own (the public
// FortiClient log reference lists no quarantine message); `flowid` ties them to the flow.
enum class QuarantineEvent { kQuarantined, kReleased, kRefused };
std::string quarantineLogLine(const Identity& id, const LogContext& ctx, QuarantineEvent event,
                              const std::string& flow_id, const std::string& source,
                              const std::string& detail, std::chrono::system_clock::time_point when);

}  // namespace fabric::forticlient

#pragma once
// The FortiOS event log lines the fabric features write, each with the field set of the FortiOS
// Log Message Reference (6.0/7.2) plus `flowid` where the line belongs to a quarantine flow
// (docs/protocols.md). Pure functions: fields → EventRecord (log id, subtype, level, logdesc and
// the body fields in order); the sink adds the header (date, time, devname, devid, eventtime, tz).
//
//   0107045057 FortiClient connection added     event/endpoint information
//   0107045058 FortiClient connection closed    event/endpoint information
//   0107045113 FortiClient registration failed  event/endpoint warning (uid not the certificate's)
//   0100022953 Compromised host detected        event/system   warning
//   0100046600 Automation stitch triggered      event/system   notice
//   0107045122 EMS REST API error               event/endpoint warning
//   0107045128 EMS REST API recovered from an error  event/endpoint information (a call to an EMS
//              succeeded after a failed one; a plain success is not logged, as in FortiOS)
//   0100044548 Action performed                 event/system   information (an administrator's
//              `queue-complete-calls Q-/U-` or REST call queued, with the flow id)
//   0100032010 Disk full                        event/system   warning (the analyzer log buffer)

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fortigate/fabric/fabric_context.h"

namespace fabric::logfmt {
class LogLineBuilder;
}

namespace fabric::fortigate {

struct EventField {
  std::string key;
  std::string value;
  enum class Style { Quoted, Bare, Number } style = Style::Quoted;
  std::int64_t number = 0;
};

struct EventRecord {
  std::string logid;
  std::string subtype;
  std::string level;
  std::string logdesc;
  std::vector<EventField> fields;

  EventRecord& str(std::string key, std::string value);
  EventRecord& bare(std::string key, std::string value);
  EventRecord& num(std::string key, std::int64_t value);
  // The body fields, after the header.
  void appendFields(logfmt::LogLineBuilder& b) const;
  // The whole line with the FortiOS header (tests and sinks without their own header writer).
  std::string render(const DeviceInfo& device, std::chrono::system_clock::time_point t) const;
  // The value of a body field ("" when absent).
  std::string field(const std::string& key) const;
};

struct FortiClientConnectionFields {
  std::string fctuid, ip, name, user;
  int count = 0;  // connections after the change
};
EventRecord fortiClientConnectionAdded(const FortiClientConnectionFields& f);
EventRecord fortiClientConnectionClosed(const FortiClientConnectionFields& f, const std::string& reason);
// 0107045113 (FortiOS LOG_ID_EC_REG_FAIL_BLOCKED, "FortiClient registration failed due to blocked
// UID"): a register refused because its uid is not the one the agent certificate names.
EventRecord fortiClientRegistrationRefused(const FortiClientConnectionFields& f, const std::string& peer_address,
                                           const std::string& reason);

struct CompromisedHostFields {
  std::string srcip, fctuid, indicator, indicator_type, threat, level, feed, flow_id;
};
EventRecord compromisedHostDetected(const CompromisedHostFields& f);

struct StitchTriggeredFields {
  std::string stitch, trigger, from = "log";
  std::vector<std::string> actions;
  std::string srcip, flow_id;
};
EventRecord stitchTriggered(const StitchTriggeredFields& f);

struct EmsRestFields {
  std::string ems_name, ems_serial, url;  // url: "https://127.0.1.3:443/api/v1/endpoints/quarantine"
  int httpcode = 0;                       // 0 when no HTTP answer
  std::string msg, srcip, flow_id;
};
EventRecord emsRestApiError(const EmsRestFields& f);
EventRecord emsRestApiOk(const EmsRestFields& f);

// An administrator's action accepted by the FortiGate (LOGID_EVENT_CONFIG_EXEC): here a manual
// EMS call queued by `diagnose endpoint forticlient-ems-rest-api queue-complete-calls` (ui
// "console") or the REST API (ui "REST API"). Logged when the call is queued, before EMS answers.
struct ActionPerformedFields {
  std::string user, ui, action, msg, srcip, flow_id;
};
EventRecord actionPerformed(const ActionPerformedFields& f);

// The on-disk buffer towards the FortiAnalyzer refused lines because it is full (`msg` says why).
EventRecord analyzerBufferFull(const std::string& msg);

}  // namespace fabric::fortigate

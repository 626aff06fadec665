#pragma once
// The FortiOS event log lines the fabric features write, each with the field set of the FortiOS
// Log Message Reference (6.0/7.2) plus `flowid` where the line belongs to a quarantine flow
// (docs/protocols.md). Pure functions: (device, time, fields) → one line.
//
//   0107045057 FortiClient connection added     event/endpoint information
//   0107045058 FortiClient connection closed    event/endpoint information
//   0100022953 Compromised host detected        event/system   warning
//   0100046600 Automation stitch triggered      event/system   notice
//   0107045122 EMS REST API error               event/endpoint warning
//   0107045128 EMS REST API recovered / call ok event/endpoint information (see docs/fortigate-fabric.md)

#include <chrono>
#include <string>
#include <vector>

#include "fortigate/fabric/fabric_context.h"

namespace fabric::fortigate {

struct FortiClientConnectionFields {
  std::string fctuid, ip, name, user;
  int count = 0;  // connections after the change
};
std::string fortiClientConnectionAdded(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                       const FortiClientConnectionFields& f);
std::string fortiClientConnectionClosed(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                        const FortiClientConnectionFields& f, const std::string& reason);

struct CompromisedHostFields {
  std::string srcip, fctuid, indicator, indicator_type, threat, level, feed, flow_id;
};
std::string compromisedHostDetected(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                    const CompromisedHostFields& f);

struct StitchTriggeredFields {
  std::string stitch, trigger, from = "log";
  std::vector<std::string> actions;
  std::string srcip, flow_id;
};
std::string stitchTriggered(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                            const StitchTriggeredFields& f);

struct EmsRestFields {
  std::string ems_name, ems_serial, url;  // url: "https://127.0.1.3:443/api/v1/endpoints/quarantine"
  int httpcode = 0;                       // 0 when no HTTP answer
  std::string msg, srcip, flow_id;
};
std::string emsRestApiError(const DeviceInfo& d, std::chrono::system_clock::time_point t, const EmsRestFields& f);
std::string emsRestApiOk(const DeviceInfo& d, std::chrono::system_clock::time_point t, const EmsRestFields& f);

}  // namespace fabric::fortigate

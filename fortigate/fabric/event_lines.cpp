#include "fortigate/fabric/event_lines.h"

#include "common/logfmt/log_line_builder.h"

namespace fabric::fortigate {
namespace {

using logfmt::Bare;
using logfmt::LogLineBuilder;

std::int64_t nanos(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

LogLineBuilder header(const DeviceInfo& d, std::chrono::system_clock::time_point t, const char* logid,
                      const char* subtype, const char* level, const char* logdesc) {
  LogLineBuilder b;
  logfmt::FortiOsHeader h;
  h.time_ns = nanos(t);
  h.tz_minutes = d.tz_minutes;
  h.devname = d.hostname;
  h.devid = d.serial;
  h.logid = logid;
  h.type = "event";
  h.subtype = subtype;
  h.level = level;
  h.logdesc = logdesc;
  logfmt::appendFortiOsHeader(b, h);
  return b;
}

void addFlow(LogLineBuilder& b, const std::string& flow_id) {
  if (!flow_id.empty()) b.add("flowid", flow_id);
}

std::string connection(const DeviceInfo& d, std::chrono::system_clock::time_point t, const char* logid,
                       const char* logdesc, const char* action, const FortiClientConnectionFields& f,
                       const std::string& msg) {
  auto b = header(d, t, logid, "endpoint", "information", logdesc);
  b.add("action", action)
      .add("status", "success")
      .add("license_limit", "unlimited")
      .add("used_for_type", std::string(logid) == "0107045057" ? 4 : 5)
      .add("connection_type", "telemetry")
      .add("count", f.count)
      .add("user", f.user)
      .add("ip", f.ip, Bare)
      .add("name", f.name)
      .add("fctuid", f.fctuid)
      .add("msg", msg);
  return b.take();
}

}  // namespace

std::string fortiClientConnectionAdded(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                       const FortiClientConnectionFields& f) {
  return connection(d, t, "0107045057", "FortiClient connection added", "add", f, "Add a FortiClient Connection.");
}

std::string fortiClientConnectionClosed(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                        const FortiClientConnectionFields& f, const std::string& reason) {
  std::string msg = "Close a FortiClient Connection.";
  if (!reason.empty()) msg += " Reason: " + reason;
  return connection(d, t, "0107045058", "FortiClient connection closed", "close", f, msg);
}

std::string compromisedHostDetected(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                                    const CompromisedHostFields& f) {
  auto b = header(d, t, "0100022953", "system", "warning", "Compromised host detected");
  b.add("srcip", f.srcip, Bare);
  if (!f.fctuid.empty()) b.add("fctuid", f.fctuid);
  b.add("ioclevel", f.level)
      .add("indicator", f.indicator)
      .add("indicatortype", f.indicator_type)
      .add("threat", f.threat);
  if (!f.feed.empty()) b.add("feed", f.feed);
  b.add("msg", "Compromised host " + f.srcip + " detected by FortiAnalyzer: " + f.threat + " (" + f.indicator +
                   "), level " + f.level);
  addFlow(b, f.flow_id);
  return b.take();
}

std::string stitchTriggered(const DeviceInfo& d, std::chrono::system_clock::time_point t,
                            const StitchTriggeredFields& f) {
  auto b = header(d, t, "0100046600", "system", "notice", "Automation stitch triggered");
  std::string actions;
  for (const auto& a : f.actions) actions += (actions.empty() ? "" : ",") + a;
  b.add("stitch", f.stitch).add("trigger", f.trigger).add("stitchaction", actions).add("from", f.from);
  if (!f.srcip.empty()) b.add("srcip", f.srcip, Bare);
  b.add("msg", "stitch:" + f.stitch + " is triggered.");
  addFlow(b, f.flow_id);
  return b.take();
}

namespace {
std::string emsRest(const DeviceInfo& d, std::chrono::system_clock::time_point t, const char* logid,
                    const char* level, const char* logdesc, const EmsRestFields& f) {
  auto b = header(d, t, logid, "endpoint", level, logdesc);
  b.add("fctemsname", f.ems_name).add("fctemssn", f.ems_serial).add("url", f.url).add("httpcode", f.httpcode);
  if (!f.srcip.empty()) b.add("srcip", f.srcip, Bare);
  b.add("msg", f.msg);
  addFlow(b, f.flow_id);
  return b.take();
}
}  // namespace

std::string emsRestApiError(const DeviceInfo& d, std::chrono::system_clock::time_point t, const EmsRestFields& f) {
  return emsRest(d, t, "0107045122", "warning", "EMS REST API error", f);
}

std::string emsRestApiOk(const DeviceInfo& d, std::chrono::system_clock::time_point t, const EmsRestFields& f) {
  return emsRest(d, t, "0107045128", "information", "EMS REST API recovered from an error", f);
}

}  // namespace fabric::fortigate

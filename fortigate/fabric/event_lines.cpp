#include "fortigate/fabric/event_lines.h"

#include "common/logfmt/log_line_builder.h"

namespace fabric::fortigate {

EventRecord& EventRecord::str(std::string key, std::string value) {
  fields.push_back({std::move(key), std::move(value), EventField::Style::Quoted, 0});
  return *this;
}

EventRecord& EventRecord::bare(std::string key, std::string value) {
  fields.push_back({std::move(key), std::move(value), EventField::Style::Bare, 0});
  return *this;
}

EventRecord& EventRecord::num(std::string key, std::int64_t value) {
  fields.push_back({std::move(key), std::to_string(value), EventField::Style::Number, value});
  return *this;
}

void EventRecord::appendFields(logfmt::LogLineBuilder& b) const {
  for (const auto& f : fields) {
    switch (f.style) {
      case EventField::Style::Quoted: b.add(f.key, f.value, logfmt::Quoted); break;
      case EventField::Style::Bare: b.add(f.key, f.value, logfmt::Bare); break;
      case EventField::Style::Number: b.add(f.key, f.number); break;
    }
  }
}

std::string EventRecord::render(const DeviceInfo& d, std::chrono::system_clock::time_point t) const {
  logfmt::LogLineBuilder b;
  logfmt::FortiOsHeader h;
  h.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  h.tz_minutes = d.tz_minutes;
  h.devname = d.hostname;
  h.devid = d.serial;
  h.logid = logid;
  h.type = "event";
  h.subtype = subtype;
  h.level = level;
  h.logdesc = logdesc;
  logfmt::appendFortiOsHeader(b, h);
  appendFields(b);
  return b.take();
}

std::string EventRecord::field(const std::string& key) const {
  for (const auto& f : fields)
    if (f.key == key) return f.value;
  return {};
}

namespace {

void addFlow(EventRecord& r, const std::string& flow_id) {
  if (!flow_id.empty()) r.str("flowid", flow_id);
}

EventRecord connection(const char* logid, const char* logdesc, const char* action, int used_for_type,
                       const FortiClientConnectionFields& f, const std::string& msg) {
  EventRecord r{logid, "endpoint", "information", logdesc, {}};
  r.str("action", action)
      .str("status", "success")
      .str("license_limit", "unlimited")
      .num("used_for_type", used_for_type)
      .str("connection_type", "telemetry")
      .num("count", f.count)
      .str("user", f.user)
      .bare("ip", f.ip)
      .str("name", f.name)
      .str("fctuid", f.fctuid)
      .str("msg", msg);
  return r;
}

EventRecord emsRest(const char* logid, const char* level, const char* logdesc, const EmsRestFields& f) {
  EventRecord r{logid, "endpoint", level, logdesc, {}};
  r.str("fctemsname", f.ems_name).str("fctemssn", f.ems_serial).str("url", f.url).num("httpcode", f.httpcode);
  if (!f.srcip.empty()) r.bare("srcip", f.srcip);
  r.str("msg", f.msg);
  addFlow(r, f.flow_id);
  return r;
}

}  // namespace

EventRecord fortiClientConnectionAdded(const FortiClientConnectionFields& f) {
  return connection("0107045057", "FortiClient connection added", "add", 4, f, "Add a FortiClient Connection.");
}

EventRecord fortiClientConnectionClosed(const FortiClientConnectionFields& f, const std::string& reason) {
  std::string msg = "Close a FortiClient Connection.";
  if (!reason.empty()) msg += " Reason: " + reason;
  return connection("0107045058", "FortiClient connection closed", "close", 5, f, msg);
}

EventRecord fortiClientRegistrationRefused(const FortiClientConnectionFields& f, const std::string& peer_address,
                                           const std::string& reason) {
  EventRecord r{"0107045113", "endpoint", "warning", "FortiClient registration failed due to blocked UID", {}};
  r.str("fctuid", f.fctuid).str("hostname", f.name).bare("ip", peer_address.empty() ? f.ip : peer_address);
  if (!f.user.empty()) r.str("user", f.user);
  r.str("msg", reason);
  return r;
}

EventRecord compromisedHostDetected(const CompromisedHostFields& f) {
  EventRecord r{"0100022953", "system", "warning", "Compromised host detected", {}};
  r.bare("srcip", f.srcip);
  if (!f.fctuid.empty()) r.str("fctuid", f.fctuid);
  r.str("ioclevel", f.level).str("indicator", f.indicator).str("indicatortype", f.indicator_type).str("threat", f.threat);
  if (!f.feed.empty()) r.str("feed", f.feed);
  r.str("msg", "Compromised host " + f.srcip + " detected by FortiAnalyzer: " + f.threat + " (" + f.indicator +
                   "), level " + f.level);
  addFlow(r, f.flow_id);
  return r;
}

EventRecord stitchTriggered(const StitchTriggeredFields& f) {
  EventRecord r{"0100046600", "system", "notice", "Automation stitch triggered", {}};
  std::string actions;
  for (const auto& a : f.actions) actions += (actions.empty() ? "" : ",") + a;
  r.str("stitch", f.stitch).str("trigger", f.trigger).str("stitchaction", actions).str("from", f.from);
  if (!f.srcip.empty()) r.bare("srcip", f.srcip);
  r.str("msg", "stitch:" + f.stitch + " is triggered.");
  addFlow(r, f.flow_id);
  return r;
}

EventRecord emsRestApiError(const EmsRestFields& f) {
  return emsRest("0107045122", "warning", "EMS REST API error", f);
}

EventRecord emsRestApiOk(const EmsRestFields& f) {
  return emsRest("0107045128", "information", "EMS REST API recovered from an error", f);
}

EventRecord actionPerformed(const ActionPerformedFields& f) {
  EventRecord r{"0100044548", "system", "information", "Action performed", {}};
  if (!f.user.empty()) r.str("user", f.user);
  r.str("ui", f.ui).str("action", f.action);
  if (!f.srcip.empty()) r.bare("srcip", f.srcip);
  r.str("msg", f.msg);
  addFlow(r, f.flow_id);
  return r;
}

EventRecord analyzerBufferFull(const std::string& msg) {
  EventRecord r{"0100032010", "system", "warning", "Disk full", {}};
  r.str("msg", msg);
  return r;
}

}  // namespace fabric::fortigate

#include "forticlient/client_log.h"


#include "common/logfmt/log_line_builder.h"

namespace fabric::forticlient {
namespace {

// The header every FortiClient log starts with (the documented mandatory fields), written by the
// shared FortiClient header writer of common/logfmt.
logfmt::LogLineBuilder header(const Identity& id, const LogContext& ctx, int log_id, const char* type,
                              const char* subtype, const char* eventtype, const char* level,
                              std::chrono::system_clock::time_point when, const std::string& msg) {
  logfmt::FortiClientHeader h;
  h.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  h.id = log_id;
  h.type = type;
  h.subtype = subtype;
  h.eventtype = eventtype;
  h.level = level;
  h.uid = id.uid;
  h.devid = id.serial;
  h.hostname = id.hostname;
  h.pcdomain = id.pcdomain;
  h.deviceip = id.ip;
  h.devicemac = id.mac;
  h.fctver = id.fctver;
  h.fgtserial = ctx.fgt_serial;
  h.emsserial = ctx.ems_serial;
  h.usingpolicy = ctx.policy;
  h.os = id.os_version;
  h.user = id.user;
  h.msg = msg;
  logfmt::LogLineBuilder line;
  logfmt::appendFortiClientHeader(line, h);
  return line;
}

struct Process {
  const char* name;
  const char* product;
};

Process browser(Os os) {
  switch (os) {
    case Os::kWindows: return {"chrome.exe", "Google Chrome"};
    case Os::kMacos: return {"Safari", "Safari"};
    case Os::kLinux: return {"firefox", "Mozilla Firefox"};
  }
  return {"chrome.exe", "Google Chrome"};
}

Process resolver(Os os) {
  switch (os) {
    case Os::kWindows: return {"svchost.exe", "Microsoft Windows DNS Client"};
    case Os::kMacos: return {"mDNSResponder", "mDNSResponder"};
    case Os::kLinux: return {"systemd-resolved", "systemd-resolved"};
  }
  return {"svchost.exe", "Microsoft Windows DNS Client"};
}

std::string serviceFor(const Activity& a) {
  if (a.kind == ActivityKind::kResolve) return "dns";
  if (!a.scheme.empty()) return a.scheme;
  switch (a.port) {
    case 80: return "http";
    case 443: return "https";
    case 22: return "ssh";
    case 25: return "smtp";
    case 53: return "dns";
    case 3389: return "rdp";
    default: return "tcp/" + std::to_string(a.port);
  }
}

}  // namespace

std::string activityLogLine(const Identity& id, const LogContext& ctx, const Activity& a,
                            bool blocked, std::uint64_t session_id,
                            std::chrono::system_clock::time_point when) {
  const bool web = a.kind == ActivityKind::kVisit ||
                   (a.kind == ActivityKind::kDownload && !a.host.empty());
  std::string msg = blocked ? "Traffic blocked: endpoint is quarantined by EMS" : "Traffic log";
  logfmt::LogLineBuilder line = header(id, ctx, 96900, "traffic", "system", "traffic", "info", when, msg);
  line.add("sessionid", static_cast<std::int64_t>(session_id));
  Process p = a.kind == ActivityKind::kResolve ? resolver(id.os) : browser(id.os);
  line.add("srcname", p.name).add("srcproduct", p.product).add("srcport", static_cast<std::int64_t>(0));
  line.add("direction", "outbound");
  if (!a.host.empty()) line.add("remotename", a.host);
  if (a.kind == ActivityKind::kConnect) line.add("dstip", a.host, logfmt::Bare);
  if (a.port) line.add("dstport", static_cast<std::int64_t>(a.port));
  line.add("proto", static_cast<std::int64_t>(a.kind == ActivityKind::kResolve ? 17 : 6));
  line.add("rcvdbyte", static_cast<std::int64_t>(0)).add("sentbyte", static_cast<std::int64_t>(0));
  const char* action = blocked ? "blocked" : web ? "userbrowsed" : "passthrough";
  const char* event = web ? "webfilter" : a.kind == ActivityKind::kResolve ? "dns" : "firewall";
  line.add("utmaction", action).add("utmevent", event).add("service", serviceFor(a));
  if (web) {
    line.add("userinitiated", static_cast<std::int64_t>(1));
    line.add("url", a.path);
  }
  if (a.kind == ActivityKind::kDownload) {
    // FortiOS carries a file's SHA-256 in analyticscksum; the analyzer reads it as a hash.
    line.add("filename", a.filename).add("analyticscksum", a.sha256);
  }
  logfmt::appendFortiClientTz(line, 0);
  return line.take();
}

std::string quarantineLogLine(const Identity& id, const LogContext& ctx, QuarantineEvent event,
                              const std::string& flow_id, const std::string& source,
                              const std::string& detail, std::chrono::system_clock::time_point when) {
  int log_id = 96960;
  const char* eventtype = "quarantine";
  const char* level = "warning";
  std::string msg = "Endpoint quarantined by EMS";
  if (event == QuarantineEvent::kReleased) {
    log_id = 96961;
    eventtype = "unquarantine";
    level = "info";
    msg = "Endpoint released from quarantine";
  } else if (event == QuarantineEvent::kRefused) {
    log_id = 96962;
    level = "error";
    msg = "Quarantine command refused";
  }
  logfmt::LogLineBuilder line = header(id, ctx, log_id, "event", "system", eventtype, level, when, msg);
  if (!source.empty()) line.add("source", source);
  if (!detail.empty()) line.add("reason", detail);
  line.add("flowid", flow_id.empty() ? "N/A" : flow_id);
  logfmt::appendFortiClientTz(line, 0);
  return line.take();
}

}  // namespace fabric::forticlient

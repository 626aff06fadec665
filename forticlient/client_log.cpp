#include "forticlient/client_log.h"

#include <ctime>

#include "forticlient/kv_line.h"

namespace fabric::forticlient {
namespace {

// The header every FortiClient log starts with (the documented mandatory fields).
KvLine header(const Identity& id, const LogContext& ctx, int log_id, const char* type,
              const char* subtype, const char* eventtype, const char* level,
              std::chrono::system_clock::time_point when, const std::string& msg) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  std::strftime(time, sizeof time, "%H:%M:%S", &tm);
  KvLine line;
  line.quoted("date", date).quoted("time", time).number("logver", 1).number("id", log_id);
  line.quoted("type", type).quoted("subtype", subtype).quoted("eventtype", eventtype);
  line.quoted("level", level).quoted("uid", id.uid).quoted("devid", id.serial);
  line.quoted("hostname", id.hostname).quoted("pcdomain", id.pcdomain);
  line.bare("deviceip", id.ip).quoted("devicemac", id.mac).quoted("site", "default");
  line.quoted("fctver", id.fctver).quoted("fgtserial", ctx.fgt_serial);
  line.quoted("emsserial", ctx.ems_serial).quoted("usingpolicy", ctx.policy);
  line.quoted("os", id.os_version).quoted("user", id.user).quoted("msg", msg);
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
  KvLine line = header(id, ctx, 96900, "traffic", "system", "traffic", "info", when, msg);
  line.number("sessionid", static_cast<std::int64_t>(session_id));
  Process p = a.kind == ActivityKind::kResolve ? resolver(id.os) : browser(id.os);
  line.quoted("srcname", p.name).quoted("srcproduct", p.product).number("srcport", 0);
  line.quoted("direction", "outbound");
  if (!a.host.empty()) line.quoted("remotename", a.host);
  if (a.kind == ActivityKind::kConnect) line.bare("dstip", a.host);
  if (a.port) line.number("dstport", a.port);
  line.number("proto", a.kind == ActivityKind::kResolve ? 17 : 6);
  line.number("rcvdbyte", 0).number("sentbyte", 0);
  const char* action = blocked ? "blocked" : web ? "userbrowsed" : "passthrough";
  const char* event = web ? "webfilter" : a.kind == ActivityKind::kResolve ? "dns" : "firewall";
  line.quoted("utmaction", action).quoted("utmevent", event).quoted("service", serviceFor(a));
  if (web) {
    line.number("userinitiated", 1);
    line.quoted("url", a.path);
  }
  if (a.kind == ActivityKind::kDownload) {
    // FortiOS carries a file's SHA-256 in analyticscksum; the analyzer reads it as a hash.
    line.quoted("filename", a.filename).quoted("analyticscksum", a.sha256);
  }
  line.quoted("tz", "+0000");
  return line.str();
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
  KvLine line = header(id, ctx, log_id, "event", "system", eventtype, level, when, msg);
  if (!source.empty()) line.quoted("source", source);
  if (!detail.empty()) line.quoted("reason", detail);
  line.quoted("flowid", flow_id.empty() ? "N/A" : flow_id);
  line.quoted("tz", "+0000");
  return line.str();
}

}  // namespace fabric::forticlient

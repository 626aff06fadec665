#include "common/logfmt/log_record.h"

#include <cstring>

#include "common/logfmt/log_time.h"

namespace fabric::logfmt {
namespace {

constexpr int kNone = -1;

inline bool eq(std::string_view key, const char* lit, std::size_t n) {
  return std::memcmp(key.data(), lit, n) == 0;
}
#define FABRIC_SLOT(lit, slot) \
  if (eq(key, lit, sizeof(lit) - 1)) return static_cast<int>(Slot::slot)

// One switch on the key length, then a memcmp or two: cheaper than a hash for ~40 short keys.
int slotOf(std::string_view key) {
  switch (key.size()) {
    case 2:
      FABRIC_SLOT("id", kId);
      FABRIC_SLOT("vd", kVd);
      break;
    case 3:
      FABRIC_SLOT("url", kUrl);
      FABRIC_SLOT("uid", kUid);
      FABRIC_SLOT("sni", kSni);
      FABRIC_SLOT("pri", kLevel);  // FortiManager-style lines
      FABRIC_SLOT("san", kSan);
      break;
    case 4:
      FABRIC_SLOT("date", kDate);
      FABRIC_SLOT("time", kTime);
      FABRIC_SLOT("type", kType);
      break;
    case 5:
      FABRIC_SLOT("srcip", kSrcip);
      FABRIC_SLOT("dstip", kDstip);
      FABRIC_SLOT("devid", kDevid);
      FABRIC_SLOT("logid", kLogid);
      FABRIC_SLOT("level", kLevel);
      FABRIC_SLOT("qname", kQname);
      FABRIC_SLOT("remip", kRemip);
      break;
    case 6:
      FABRIC_SLOT("fctuid", kFctuid);
      FABRIC_SLOT("fctver", kFctver);
      FABRIC_SLOT("ipaddr", kIpaddr);
      FABRIC_SLOT("log_id", kLogid);
      FABRIC_SLOT("flowid", kFlowId);
      FABRIC_SLOT("tranip", kTranip);
      break;
    case 7:
      FABRIC_SLOT("devname", kDevname);
      FABRIC_SLOT("subtype", kSubtype);
      FABRIC_SLOT("service", kService);
      FABRIC_SLOT("dstport", kDstport);
      FABRIC_SLOT("dstname", kDstname);
      break;
    case 8:
      FABRIC_SLOT("hostname", kHostname);
      FABRIC_SLOT("filehash", kFilehash);
      break;
    case 9:
      FABRIC_SLOT("eventtime", kEventTime);
      FABRIC_SLOT("eventtype", kEventType);
      FABRIC_SLOT("timestamp", kFazTimestamp);
      FABRIC_SLOT("device_id", kDevid);
      break;
    case 10:
      FABRIC_SLOT("remotename", kRemotename);
      FABRIC_SLOT("scertcname", kScertCname);
      break;
    case 11:
      FABRIC_SLOT("referralurl", kReferralUrl);
      break;
    case 12:
      FABRIC_SLOT("forwardedfor", kForwardedFor);
      break;
    case 14:
      FABRIC_SLOT("analyticscksum", kAnalyticsCksum);
      break;
    default:
      break;
  }
  return kNone;
}
#undef FABRIC_SLOT

bool isDigitString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void indexFields(LogRecord& r) {
  r.slots.fill(std::string_view{});
  bool tz_device_style = false;
  for (const Field& f : r.fields.all()) {
    if (f.key.size() == 2 && f.key[0] == 't' && f.key[1] == 'z') {
      // FortiAnalyzer-forwarded lines carry tz twice (`UTC-5:00` and `-0500`): prefer the
      // device's +hhmm form, else the first that parses.
      int minutes = 0;
      bool device_style = !f.value.empty() && (f.value[0] == '+' || f.value[0] == '-');
      if ((!r.has_tz || (device_style && !tz_device_style)) && parseTzOffset(f.value, minutes)) {
        r.has_tz = true;
        r.tz_minutes = minutes;
        tz_device_style = device_style;
      }
      continue;
    }
    int s = slotOf(f.key);
    if (s != kNone && r.slots[static_cast<std::size_t>(s)].data() == nullptr) {
      r.slots[static_cast<std::size_t>(s)] = f.value.data() ? f.value : std::string_view("", 0);
    }
  }
}

void normaliseTime(LogRecord& r, std::int64_t receive_ns) {
  std::int64_t ns = 0;
  std::int64_t offset_ns = static_cast<std::int64_t>(r.tz_minutes) * 60 * 1'000'000'000;
  if (parseEventTime(r.slot(Slot::kEventTime), ns)) {
    r.time_ns = ns;
    r.time_source = TimeSource::kEventTime;
  } else if (parseDateTime(r.slot(Slot::kDate), r.slot(Slot::kTime), ns)) {
    r.time_ns = ns - (r.has_tz ? offset_ns : 0);
    r.time_source = TimeSource::kDateTime;
  } else if (r.slot(Slot::kFazTimestamp).size() == 10 &&
             parseEventTime(r.slot(Slot::kFazTimestamp), ns)) {
    r.time_ns = ns;
    r.time_source = TimeSource::kFazTimestamp;
  } else if (!r.header.timestamp.empty() &&
             (parseRfc3339(r.header.timestamp, ns) ||
              parseRfc3164Time(r.header.timestamp, yearOf(receive_ns), ns))) {
    r.time_ns = ns;
    r.time_source = TimeSource::kSyslogHeader;
  } else {
    r.time_ns = receive_ns;
    r.time_source = TimeSource::kReceived;
  }
}

}  // namespace

std::string_view toString(BodyFormat format) {
  switch (format) {
    case BodyFormat::kKeyValue: return "kv";
    case BodyFormat::kCsv: return "csv";
    case BodyFormat::kCef: return "cef";
  }
  return "unknown";
}

std::string_view toString(TimeSource source) {
  switch (source) {
    case TimeSource::kEventTime: return "eventtime";
    case TimeSource::kDateTime: return "date+time";
    case TimeSource::kFazTimestamp: return "timestamp";
    case TimeSource::kSyslogHeader: return "syslog-header";
    case TimeSource::kReceived: return "received";
  }
  return "unknown";
}

LogId parseLogId(std::string_view t) {
  LogId id;
  if (t.size() != 10 || !isDigitString(t)) return id;
  id.valid = true;
  id.type = static_cast<std::uint8_t>((t[0] - '0') * 10 + (t[1] - '0'));
  id.subtype = static_cast<std::uint8_t>((t[2] - '0') * 10 + (t[3] - '0'));
  std::uint32_t m = 0;
  for (std::size_t i = 4; i < 10; ++i) m = m * 10 + static_cast<std::uint32_t>(t[i] - '0');
  id.message = m;
  return id;
}

std::string_view LogRecord::endpointUid() const {
  std::string_view fct = slot(Slot::kFctuid);
  if (!fct.empty() && fct != "N/A" && fct != "(null)") return fct;
  return slot(Slot::kUid);
}

bool parseLogLine(std::string_view line, std::int64_t receive_ns, LogRecord& out) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  out.raw = line;
  out.fields.clear();
  out.stats = KvStats{};
  out.error.clear();
  out.cef = CefHeader{};
  out.has_tz = false;
  out.tz_minutes = 0;
  out.header = parseSyslogHeader(line);
  std::string_view body = out.header.body;

  if (looksLikeCef(body)) {
    out.format = BodyFormat::kCef;
    if (!parseCef(body, out.cef, out.fields, out.error)) return false;
  } else if (looksLikeCsv(body)) {
    out.format = BodyFormat::kCsv;
    out.stats = parseCsv(body, out.fields);
  } else {
    out.format = BodyFormat::kKeyValue;
    out.stats = parseKeyValue(body, out.fields);
  }
  indexFields(out);
  // A FortiGate set to RFC 5424 names itself in the header and leaves devname out of the body
  // (FORMAT-NOTES.md (c)); Elastic's pipeline takes that header host as the device name too.
  if (out.header.format == HeaderFormat::kRfc5424 && out.slot(Slot::kDevname).empty() &&
      !out.header.hostname.empty()) {
    out.slots[static_cast<std::size_t>(Slot::kDevname)] = out.header.hostname;
  }
  out.log_id = parseLogId(out.logid());
  normaliseTime(out, receive_ns);
  if (out.fields.empty()) {
    out.error = line.empty() ? "empty line" : "no key=value field in line";
    return false;
  }
  return true;
}

}  // namespace fabric::logfmt

#pragma once
// LogRecord: one parsed log line (syslog header + body fields) and the normalised view the
// FortiAnalyzer indexes. Everything is a view into the caller's line (see field_list.h for the
// lifetime rule); reuse one LogRecord per thread to parse without allocating.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/logfmt/cef_parser.h"
#include "common/logfmt/field_list.h"
#include "common/logfmt/kv_parser.h"
#include "common/logfmt/syslog_header.h"

namespace fabric::logfmt {

enum class BodyFormat : std::uint8_t { kKeyValue, kCsv, kCef };
enum class TimeSource : std::uint8_t { kEventTime, kDateTime, kFazTimestamp, kSyslogHeader, kReceived };

std::string_view toString(BodyFormat format);
std::string_view toString(TimeSource source);

// A FortiOS log id: 10 digits = 2-digit type + 2-digit subtype + 6-digit message id
// ("0316013056" -> 03, 16, 13056).
struct LogId {
  bool valid = false;
  std::uint8_t type = 0;
  std::uint8_t subtype = 0;
  std::uint32_t message = 0;
};
LogId parseLogId(std::string_view text);

// The fields looked up by the normaliser and the observable extractor, found in one pass.
enum class Slot : std::uint8_t {
  kDate, kTime, kEventTime, kFazTimestamp, kDevid, kDevname, kLogid, kId, kType, kSubtype,
  kEventType, kLevel, kVd, kSrcip, kDstip, kFctuid, kUid, kHostname, kUrl, kQname, kIpaddr,
  kSni, kRemotename, kAnalyticsCksum, kFilehash, kService, kDstport, kFctver,
  kReferralUrl, kForwardedFor, kRemip, kTranip, kDstname, kScertCname, kSan, kFlowId, kCount
};

struct LogRecord {
  LogRecord() = default;
  LogRecord(const LogRecord&) = delete;
  LogRecord& operator=(const LogRecord&) = delete;
  LogRecord(LogRecord&&) = default;
  LogRecord& operator=(LogRecord&&) = default;

  std::string_view raw;  // the line, without trailing CR/LF
  SyslogHeader header;
  BodyFormat format = BodyFormat::kKeyValue;
  CefHeader cef;  // only for BodyFormat::kCef
  FieldList fields;
  KvStats stats;
  std::string error;  // why parseLogLine() refused the line

  // Normalised view.
  std::int64_t time_ns = 0;  // UTC nanoseconds since the epoch
  TimeSource time_source = TimeSource::kReceived;
  bool has_tz = false;
  int tz_minutes = 0;  // device offset east of UTC, from `tz` (device style preferred)
  LogId log_id;        // parsed `logid`
  std::array<std::string_view, static_cast<std::size_t>(Slot::kCount)> slots{};

  std::string_view slot(Slot s) const { return slots[static_cast<std::size_t>(s)]; }
  std::string_view devid() const { return slot(Slot::kDevid); }
  std::string_view devname() const { return slot(Slot::kDevname); }  // or an RFC 5424 header's host
  std::string_view logid() const { return slot(Slot::kLogid); }   // FortiOS 10-digit id
  std::string_view fctId() const { return slot(Slot::kId); }      // FortiClient `id=96900`
  std::string_view type() const { return slot(Slot::kType); }
  std::string_view subtype() const { return slot(Slot::kSubtype); }
  std::string_view level() const { return slot(Slot::kLevel); }
  std::string_view srcip() const { return slot(Slot::kSrcip); }
  std::string_view dstip() const { return slot(Slot::kDstip); }
  // The endpoint: FortiGate `fctuid` (unless "N/A") or FortiClient `uid`.
  std::string_view endpointUid() const;
  // A FortiClient log (it carries `fctver`): its `hostname` is the endpoint, not a destination.
  bool isFortiClient() const { return slot(Slot::kFctver).data() != nullptr; }
  // The first value of any field (linear scan); for the slotted keys prefer slot().
  std::string_view get(std::string_view key) const { return fields.get(key); }
};

// Parses one line (any framing already removed). `receive_ns` is the time the line arrived, used
// when the line carries no time. Returns false (with `out.error`) for a line that holds no
// key=value field at all or a malformed CEF header; `out` is overwritten either way.
bool parseLogLine(std::string_view line, std::int64_t receive_ns, LogRecord& out);

}  // namespace fabric::logfmt

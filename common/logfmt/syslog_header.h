#pragma once
// Syslog header in front of a log body. Accepted shapes (FORMAT-NOTES.md (c)):
//   <189>date=...                                   PRI only (FortiOS default syslog)
//   <165>1 2022-11-14T06:54:03Z host app procid msgid [sd] MSG   RFC 5424 ('-' = nil, SD skipped)
//   <189>Nov 28 12:00:00 host tag[pid]: MSG          RFC 3164 (host and tag optional)
//   <189>2026-11-28T12:00:00Z host tag: MSG          RFC 3164 with an RFC 3339 time (rsyslog)
//   2026-04-03T00:31:09.976660+00:00 192.168.2.1 date=...   relay-written file line
//   date=... / devname=... / CEF:0|...               no header at all
// The body is found by scanning for the first `key=` token (or a CEF start) rather than trusting
// one header grammar; what was skipped to get there is `preamble`. Pure and allocation-free: every
// view points into the input line.

#include <cstdint>
#include <string_view>

namespace fabric::logfmt {

enum class HeaderFormat : std::uint8_t {
  kNone,        // no syslog header
  kPriOnly,     // <PRI> directly followed by the body
  kRfc5424,
  kRfc3164,
  kRelayFile,   // RFC 3339 timestamp + sender, no PRI (rsyslog/syslog-ng file output)
};

struct SyslogHeader {
  HeaderFormat format = HeaderFormat::kNone;
  bool has_pri = false;
  std::uint8_t facility = 0;  // PRI / 8  (23 = local7)
  std::uint8_t severity = 0;  // PRI % 8  (5 = notice)
  std::string_view timestamp;  // as written; empty when none (or RFC 5424 nil '-')
  std::string_view hostname;   // empty when none
  std::string_view app_name;   // RFC 5424 APP-NAME / RFC 3164 tag (without [pid] and ':')
  std::string_view procid;
  std::string_view msgid;
  std::string_view structured_data;  // RFC 5424 SD as written ('-' -> empty)
  std::string_view preamble;         // text skipped before the body that fitted no grammar
  std::string_view body;             // from the first key= (or CEF start) to the end of the line
};

// Never fails: a line with no recognisable header has format kNone and the whole line (after
// leading spaces) as body. A malformed PRI (`<999>`, `<12`) is treated as no PRI.
SyslogHeader parseSyslogHeader(std::string_view line);

std::string_view toString(HeaderFormat format);

}  // namespace fabric::logfmt

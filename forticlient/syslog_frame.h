#pragma once
// RFC 5425 octet-counting framing of a FortiClient log line: "MSG-LEN SP SYSLOG-MSG", where
// SYSLOG-MSG is "<PRI>" followed by the key=value line, as FortiOS devices send it (no RFC 5424
// header; FORMAT-NOTES.md (c) "PRI only, then key=value"). Kept internal until common/logfmt's
// encoder lands.

#include <string>
#include <string_view>

namespace fabric::forticlient {

// PRI 190 = facility local7 (23), severity informational (6); 188 = warning, 187 = error.
inline constexpr int kPriInfo = 190;

std::string octetCountedFrame(std::string_view line, int pri = kPriInfo);

// The PRI matching a FortiClient line's level="…" (info unless warning/error is found).
int priForLine(std::string_view line);

}  // namespace fabric::forticlient

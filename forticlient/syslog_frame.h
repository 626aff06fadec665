#pragma once
// A FortiClient log line as one RFC 5425 frame: "MSG-LEN SP <PRI>key=value…", where SYSLOG-MSG is
// "<PRI>" followed by the line, as FortiOS devices send it (no RFC 5424 header; FORMAT-NOTES.md
// (c) "PRI only, then key=value"). The octet counting itself is common/logfmt's encoder.

#include <string>
#include <string_view>

namespace fabric::forticlient {

// PRI 190 = facility local7 (23), severity informational (6); 188 = warning, 187 = error.
inline constexpr int kPriInfo = 190;

std::string octetCountedFrame(std::string_view line, int pri = kPriInfo);

// The PRI matching a FortiClient line's level="…" (info unless warning/error is found).
int priForLine(std::string_view line);

}  // namespace fabric::forticlient

#pragma once
// A FortiOS-format log line (a FortiClient's, the EMS's) as one RFC 5425 frame:
// "MSG-LEN SP <PRI>key=value…", where SYSLOG-MSG is "<PRI>" followed by the line, as FortiOS
// devices send it (no RFC 5424 header; FORMAT-NOTES.md (c) "PRI only, then key=value"). The octet
// counting itself is common/logfmt's encoder.

#include <string>
#include <string_view>

namespace fabric::logship {

// Facility local7 (23): PRI = 184 + severity. 190 = informational (6), 188 = warning, 187 = error.
inline constexpr int kPriInfo = 190;

std::string octetCountedFrame(std::string_view line, int pri = kPriInfo);

// The PRI matching the line's level="…" (FortiOS levels emergency … debug; informational when the
// line has no level or an unknown one). FortiClient lines say "info", FortiOS ones "information".
int priForLine(std::string_view line);

}  // namespace fabric::logship

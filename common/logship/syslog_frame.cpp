#include "common/logship/syslog_frame.h"

#include "common/logfmt/syslog_frame_decoder.h"

namespace fabric::logship {

std::string octetCountedFrame(std::string_view line, int pri) {
  std::string msg = "<" + std::to_string(pri) + ">";
  msg.append(line);
  return logfmt::encodeOctetCounted(msg);
}

int priForLine(std::string_view line) {
  // RFC 5424 severities, in FortiOS's level names.
  static constexpr std::pair<std::string_view, int> kLevels[] = {
      {" level=\"emergency\"", 0}, {" level=\"alert\"", 1},  {" level=\"critical\"", 2},
      {" level=\"error\"", 3},     {" level=\"warning\"", 4}, {" level=\"notice\"", 5},
      {" level=\"debug\"", 7}};
  for (const auto& [needle, severity] : kLevels) {
    if (line.find(needle) != std::string_view::npos) return 184 + severity;
  }
  return kPriInfo;
}

}  // namespace fabric::logship

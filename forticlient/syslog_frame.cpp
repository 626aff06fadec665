#include "forticlient/syslog_frame.h"

#include "common/logfmt/syslog_frame_decoder.h"

namespace fabric::forticlient {

std::string octetCountedFrame(std::string_view line, int pri) {
  std::string msg = "<" + std::to_string(pri) + ">";
  msg.append(line);
  return logfmt::encodeOctetCounted(msg);
}

int priForLine(std::string_view line) {
  if (line.find(" level=\"error\"") != std::string_view::npos) return 187;
  if (line.find(" level=\"warning\"") != std::string_view::npos) return 188;
  return kPriInfo;
}

}  // namespace fabric::forticlient

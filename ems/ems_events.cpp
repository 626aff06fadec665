#include "ems/ems_events.h"

#include <chrono>

#include "common/logfmt/log_line_builder.h"

namespace fabric::ems {

void EmsEvents::log(std::string_view logid, std::string_view level, std::string_view logdesc,
                    const Fields& fields, const std::string& flow_id) {
  logfmt::LogLineBuilder b;
  logfmt::FortiOsHeader h;
  h.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
  h.devname = hostname_;
  h.devid = serial_;
  h.logid = logid;
  h.type = "event";
  h.subtype = "endpoint";
  h.level = level;
  h.logdesc = logdesc;
  logfmt::appendFortiOsHeader(b, h);
  for (const auto& [key, value] : fields) b.add(key, value);
  if (!flow_id.empty()) b.add("flowid", flow_id);
  sink_.write(b.take());
}

}  // namespace fabric::ems

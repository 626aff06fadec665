#include "fortigate/fabric/time_text.h"

#include "common/logfmt/log_time.h"

namespace fabric::fortigate {

std::string deviceTimeText(std::chrono::system_clock::time_point t, int tz_minutes) {
  if (t.time_since_epoch().count() == 0) return "-";
  std::string date, time;
  logfmt::formatDateTime(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(),
                         tz_minutes, date, time);
  return date + " " + time;
}

}  // namespace fabric::fortigate

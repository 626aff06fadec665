#pragma once
// What every fabric feature of the FortiGate needs to know about the device it runs on, and the
// seam through which it writes its own event log lines (DESIGN.md "Every step leaves a trace").

#include <string>

namespace fabric::fortigate {

struct DeviceInfo {
  std::string serial;    // "FGVM01TM26000001" (devid)
  std::string hostname;  // devname
  std::string version = "v6.0.4";
  int tz_minutes = 0;
};

struct EventRecord;  // event_lines.h

// Receives one event (log id, subtype, level, logdesc, body fields). The daemon's implementation
// adds the FortiOS header, appends the line to DIR/event.log and hands it to the FortiAnalyzer
// link. Called on the node's event loop, except where a class says otherwise.
class EventLogSink {
 public:
  virtual ~EventLogSink() = default;
  virtual void write(const EventRecord& event) = 0;
};

}  // namespace fabric::fortigate

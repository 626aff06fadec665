#pragma once
// The FortiGate's own event log: FortiOS key=value lines (type="event", real log ids) appended to
// DIR/event.log and handed to every sink (e.g. the FortiAnalyzer link of fortigate/fabric).
// Thread-safe; lines are written with one write(2) each, so a kill -9 never tears a line.

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/logfmt/log_line_builder.h"

namespace fabric::fortigate {

// Log ids of the events this daemon writes (FortiOS Log Message Reference).
namespace logid {
inline constexpr std::string_view kAdminLoginSuccess = "0100032001";  // Admin login successful
inline constexpr std::string_view kAdminLoginFailed = "0100032002";   // Admin login failed
inline constexpr std::string_view kAdminLogout = "0100032003";        // Admin logout successful
inline constexpr std::string_view kAdminLoginDisabled = "0100032021"; // Admin login disabled
inline constexpr std::string_view kConfigObject = "0100044545";       // Object configured
inline constexpr std::string_view kConfigAttribute = "0100044546";    // Attribute configured
inline constexpr std::string_view kConfigObjectAttribute = "0100044547";  // Object attribute configured
}  // namespace logid

struct EventHeader {
  std::string_view logid;
  std::string_view subtype = "system";
  std::string_view level = "information";
  std::string_view logdesc;
};

class EventLog {
 public:
  using Sink = std::function<void(const std::string& line)>;
  using Fields = std::function<void(logfmt::LogLineBuilder&)>;

  // `serial` is the devid; the devname follows setHostname().
  EventLog(std::filesystem::path file, const Clock& clock, std::string serial, std::string hostname);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Opens (creates) the file for appending; "" or the reason.
  std::string open();
  void setHostname(std::string hostname);
  void addSink(Sink sink);

  // Writes one event: the FortiOS header, then the fields `fields` adds. Returns the line.
  std::string write(const EventHeader& header, const Fields& fields);

 private:
  std::filesystem::path file_;
  const Clock& clock_;
  std::string serial_;
  std::mutex mutex_;
  std::string hostname_;
  int fd_ = -1;
  std::vector<Sink> sinks_;
};

}  // namespace fabric::fortigate
